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

#include <ntddk.h>

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
 * core's dense NT index. The core keeps the slot -> (group, number) map
 * (fixed at ke_init); the backend keeps slot <-> index.
 */
struct ke_backend {
	/*
	 * Bring processor `slot` up as NT index `index`. The new processor
	 * must call KiInitializeDynamicProcessor(index) before it reports
	 * online. Blocks until online (STATUS_SUCCESS) or failure (an
	 * error, below). Called with the dynamic-processor lock held, on the
	 * BSP.
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
	 * Have every processor 0..count-1 but the calling one call
	 * entry(arg) once, from its own loop, as soon as it can, and return
	 * at once. A processor that never calls it is the core's problem
	 * (KeIpiGenericCall gives up on it before anyone runs the worker).
	 */
	VOID (*post)(ULONG count, VOID (*entry)(ULONG_PTR arg), ULONG_PTR arg);
	/* NT index of the calling processor. */
	ULONG (*current)(VOID);
	/* Pool for the core and for drivers; NULL on exhaustion. */
	PVOID (*alloc)(SIZE_T bytes);
	VOID (*free)(PVOID p);
	/* Microseconds from any fixed point; never goes backwards. */
	ULONG64 (*clock_us)(VOID);
	/* One turn of a wait for another processor: pause, or yield. */
	VOID (*relax)(VOID);
	/*
	 * Processor `index` has DPCs queued for it: its loop should call
	 * ke_run_dpcs soon. A backend whose loops call it every turn
	 * anyway may do nothing here.
	 */
	VOID (*kick)(ULONG index);
	/*
	 * The thread (the code that runs DriverEntry and the callbacks,
	 * which calls this) goes on on processor `index`, an active one:
	 * when this returns, it runs there, until the next migrate. FALSE
	 * if it cannot (it stays where it is).
	 */
	BOOLEAN (*migrate)(ULONG index);
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
	/*
	 * A pass begins, before its first callback: one of an add's
	 * broadcasts (replay FALSE, d NULL, nt the processor added) or one
	 * pass of d's ADD_EXISTING replay (replay TRUE, nt the first
	 * processor it covers).
	 */
	VOID (*pass)(KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG nt,
		     BOOLEAN replay, struct ke_driver *d);
	/*
	 * KeBugCheckEx, on the processor that called it, with the driver
	 * that was running. Must not return (the core waits forever if it
	 * does): the simulator reports and takes the machine out of use.
	 */
	VOID (*bugcheck)(struct ke_driver *d, ULONG code, ULONG_PTR p1,
			 ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4);
	/* KeIpiGenericCall: processor `index` did not arrive in time; the
	 * call was abandoned before any processor ran the worker. */
	VOID (*ipi_missing)(ULONG index, ULONG waited_ms);
};

/*
 * One processor the machine may ever run. `slot` is the backend's name
 * for it (unique, below KE_MAX_PROCESSORS). Active ones are running at
 * boot; their NT indices are given in table order, so the BSP comes
 * first. present == FALSE: a processor that may be plugged in later; it
 * counts in the maximum and is placed like a held one. node is the NUMA
 * node (the package, unless the firmware says otherwise).
 */
struct ke_processor {
	ULONG slot;
	ULONG package, core, thread, node;
	BOOLEAN active;
	BOOLEAN present;
};

struct ke_config {
	const struct ke_processor *processors;	/* copied by ke_init */
	ULONG count;		/* entries: the maximum processor count */
	ULONG group_size;	/* 1..64; 0 means 64 */
	ULONG cap;		/* most processors allowed active; 0 or >
				   count means count. An add beyond it fails
				   with STATUS_LICENSE_QUOTA_EXCEEDED before
				   any notification (sink->added still
				   runs). */
	ULONG ipi_timeout_ms;	/* KeIpiGenericCall's arrival wait; 0: 2 s */
	ULONG hang_ms;		/* a wait without a timeout gives up after
				   this long, reported (ke/wait.c); 0: 10 s */
	ULONG64 system_time;	/* KeQuerySystemTime at ke_init: 100 ns
				   units since 1601-01-01 UTC (0: unknown) */
	BOOLEAN verifier;
};

/* Max processors the core supports (a larger ke_config.count, or a slot
 * at or above it, is refused). */
#define KE_MAX_PROCESSORS 4096

/*
 * Resets every piece of core state and places every processor of the
 * table in a group (ke/group.c). STATUS_INVALID_PARAMETER on a bad
 * config (no active processor, a slot twice or out of range, an active
 * processor that is not present) or a backend with a NULL member
 * (nothing changes then);
 * STATUS_INSUFFICIENT_RESOURCES when be->alloc cannot provide the
 * per-processor state (the core is unusable until a ke_init succeeds).
 * The per-processor state of the previous ke_init is freed, through the
 * free of the backend that allocated it.
 */
NTSTATUS ke_init(const struct ke_config *cfg, const struct ke_backend *be,
		 const struct ke_sink *sink);

/* The add path: slot becomes index KeQueryActiveProcessorCountEx(ALL). */
NTSTATUS KeStartDynamicProcessor(ULONG slot);

/* The group and number ke_init placed `slot` at (held processors
 * included); STATUS_INVALID_PARAMETER for a slot not in the table. */
NTSTATUS ke_slot_number(ULONG slot, PPROCESSOR_NUMBER number);

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
/* Every active processor's loop calls it each turn, and after a kick
 * (struct ke_backend): it runs the processor's queued DPCs. */
VOID ke_run_dpcs(VOID);
VOID ke_driver_stats(struct ke_driver *d);
VOID ke_reclaim_workload(struct ke_driver *d);

/* The NT index the thread runs on (ke/affinity.c). */
ULONG ke_thread_processor(VOID);

/* Core state for tests and the console. */
BOOLEAN ke_verifier_enabled(VOID);
VOID ke_set_verifier(BOOLEAN on);
ULONG ke_violations(VOID);	/* count since ke_init */
LONG ke_pool_blocks(VOID);	/* all outstanding pool, core's own included */

#include "fmt.h"	/* ke_snprintf, ke_vsnprintf */

#endif
