/*
 * ke.h: what the simulator (efi/, tests/) sees of the notification core.
 *
 * Drivers never include this file; they use <wdm.h>. The core is plain
 * freestanding C: it reaches the machine only through struct ke_backend
 * and reports what happens only through struct ke_sink, so the same
 * objects link into the EFI image and into the host tests.
 */
#ifndef KE_KE_H
#define KE_KE_H

#include <wdm.h>

#define KE_NAME_MAX 32

/*
 * A loaded driver. The core sets the "current driver" while it runs the
 * driver's DriverEntry, Unload and callbacks, so registrations, pool and
 * DbgPrint output are charged to the right one.
 */
struct ke_driver {
	char name[KE_NAME_MAX];
	const char *options;		/* "key=value key=value", may be "" */
	DRIVER_OBJECT object;		/* what DriverEntry and Unload see */
	LONG registrations;		/* live processor-change registrations */
	LONG pool_blocks;		/* outstanding pool allocations */
	SIZE_T pool_bytes;
	BOOLEAN loaded;
	/* Storage behind object.DriverName and the registry path. */
	WCHAR wname[KE_NAME_MAX + 8];		/* \Driver\<name> */
	WCHAR wpath[KE_NAME_MAX + 56];		/* \Registry\...\<name> */
	UNICODE_STRING registry_path;
	/* <hotadd.h> HotaddSetStats: called by ke_driver_stats. */
	VOID (*stats)(PVOID context);
	PVOID stats_context;
};

/*
 * The machine underneath. Processors are named two ways: a backend "slot"
 * (MP Services number on firmware, thread number on the host) and the
 * core's dense NT index. The backend keeps the slot <-> index map.
 */
struct ke_backend {
	/*
	 * Bring processor `slot` up as NT index `index`. The new processor
	 * must call KiInitializeDynamicProcessor(index) before it reports
	 * online. Blocks until online (STATUS_SUCCESS) or failure (an error,
	 * see ke_start_status in docs). Called with the dynamic-processor
	 * lock held, on the BSP.
	 *
	 * Failure codes: STATUS_IO_TIMEOUT (0xC00000B5, error class) when the
	 * processor did not report online in time (EFI_TIMEOUT maps here),
	 * STATUS_UNSUCCESSFUL for any other failure. The add fails with the
	 * code returned. If start reports success but the processor never
	 * ran KiInitializeDynamicProcessor, the add fails with
	 * STATUS_INTERNAL_ERROR.
	 */
	NTSTATUS (*start)(ULONG slot, ULONG index);
	/*
	 * Run fn(ctx) on processors 0..count-1 (the caller included), all at
	 * once, and return when every one has finished. Returns the value
	 * the calling processor's invocation returned.
	 */
	ULONG_PTR (*broadcast)(ULONG count, PKIPI_BROADCAST_WORKER fn,
			       ULONG_PTR ctx);
	/* NT index of the calling processor. */
	ULONG (*current)(VOID);
	/* Pool for the core and for drivers; NULL on exhaustion. */
	PVOID (*alloc)(SIZE_T bytes);
	VOID (*free)(PVOID p);
};

/* Events the core reports; any pointer may be NULL. */
struct ke_sink {
	VOID (*registered)(struct ke_driver *d, ULONG flags, PVOID handle);
	VOID (*deregistered)(struct ke_driver *d);
	/* After every callback invocation, in call order. */
	VOID (*notify)(struct ke_driver *d,
		       const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *ctx,
		       NTSTATUS op);
	/* One verifier violation: rule is a short id, detail a sentence. */
	VOID (*verifier)(struct ke_driver *d, const char *rule,
			 const char *detail);
	/* DbgPrint and friends, already formatted, no trailing newline. */
	VOID (*dbg)(struct ke_driver *d, const char *text);
	/* An add finished (after the last Complete or Failure callback). */
	VOID (*added)(ULONG slot, ULONG index, NTSTATUS status, ULONG active);
};

struct ke_config {
	ULONG max;		/* processors present, held ones included */
	ULONG active;		/* active at boot, BSP included (>= 1) */
	ULONG group_size;	/* 1..64; 0 means 64 */
	ULONG cap;		/* most processors allowed active; 0 or > max
				   means max. An add beyond it fails with
				   STATUS_LICENSE_QUOTA_EXCEEDED before any
				   notification (sink->added still runs). */
	BOOLEAN verifier;
};

/* Max processors the core supports (a ke_config.max above it is refused). */
#define KE_MAX_PROCESSORS 4096

/*
 * Resets every piece of core state. STATUS_INVALID_PARAMETER on a bad
 * config or a backend with a NULL member (nothing changes then);
 * STATUS_INSUFFICIENT_RESOURCES when be->alloc cannot provide the
 * per-processor state (the core is unusable until a ke_init succeeds).
 * The per-processor state of the previous ke_init is freed, through the
 * free of the backend that allocated it.
 */
NTSTATUS ke_init(const struct ke_config *cfg, const struct ke_backend *be,
		 const struct ke_sink *sink);

/* The add path: slot becomes index KeQueryActiveProcessorCountEx(ALL). */
NTSTATUS KeStartDynamicProcessor(ULONG slot);

/* Runs on the new processor, from the backend's start. */
VOID KiInitializeDynamicProcessor(ULONG index);

/* Drivers. d is caller storage; name must be unique (caller checks). */
NTSTATUS ke_load_driver(struct ke_driver *d, const char *name,
			const char *options, PDRIVER_INITIALIZE entry);
VOID ke_unload_driver(struct ke_driver *d);
struct ke_driver *ke_current_driver(VOID);

/*
 * Simulator extensions for drivers (<hotadd.h>, ke/hotadd.c).
 * ke_run_workloads: every active processor's loop, the BSP's included,
 * calls it over and over; it runs each started workload once, here. It
 * returns at once on a processor that is not active.
 * ke_driver_stats: the `stats` command; runs d's stats routine, if it
 * set one, on the calling processor (the BSP) with d as current driver.
 * ke_reclaim_workload: the unload path; stops d's workload if d left it
 * running, reporting rule "workload-at-unload".
 */
VOID ke_run_workloads(VOID);
VOID ke_driver_stats(struct ke_driver *d);
VOID ke_reclaim_workload(struct ke_driver *d);

/* Core state for tests and the console. */
BOOLEAN ke_verifier_enabled(VOID);
VOID ke_set_verifier(BOOLEAN on);
ULONG ke_violations(VOID);	/* count since ke_init */
LONG ke_pool_blocks(VOID);	/* all outstanding pool, core's own included */

#include "fmt.h"	/* ke_snprintf, ke_vsnprintf */

#endif
