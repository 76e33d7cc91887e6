/*
 * ki.h: state and helpers shared by the files of the core. Not for
 * drivers (they use <wdm.h>) nor for the simulator (it uses ke.h).
 */
#ifndef KE_KI_H
#define KE_KI_H

#include "ke.h"

#define KI_NO_OWNER 0xffffffffu

/* Relaxed atomics: plain on x86, but visible as shared to the sanitizers. */
#define KI_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define KI_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

struct ki_state {
	struct ke_config cfg;		/* normalised; processors not kept */
	const struct ke_backend *be;
	const struct ke_sink *sink;
	ULONG active;			/* atomic: indices 0..active-1 run */
	ULONG numbered;			/* atomic: indices with a number */
	USHORT groups;			/* placed by ke_init */
	USHORT active_groups;		/* atomic: groups with an active one */
	ULONG slot_span;		/* highest slot + 1 */
	/* Sized by ke_init from the table (init.c says why they are not
	 * static). Per NT index: */
	ULONG *online;			/* atomic: set by the AP */
	ULONG *running;			/* atomic: hotadd.c's, see there */
	ULONG *arrived;			/* atomic: ipi.c's, see there */
	PROCESSOR_NUMBER *number;	/* atomic: of each numbered index */
	KIRQL *irql;			/* each processor's own (irql.c) */
	struct ke_driver **dpc_driver;	/* atomic: whose DPC it runs */
	KDPC *flush_dpc;		/* KeFlushQueuedDpcs' (dpc.c) */
	KDPC *call_dpc;			/* KeGenericCallDpc's (gdpc.c) */
	/* Per seat (below): the place in the machine of the processor
	 * placed there (topo.c) */
	struct ki_topo *topo;
	/* Per group: */
	KAFFINITY *affinity;		/* atomic */
	ULONG *group_max;		/* processors placed in the group */
	/* Per seat, one row of group_size seats per group: */
	ULONG *index_at;		/* atomic: the index numbered there */
	/* Per slot: where ke_init placed it (Reserved KI_NO_SLOT: none) */
	PROCESSOR_NUMBER *slot_number;
	struct ke_driver *current;	/* atomic */
	BOOLEAN verifier;
	ULONG violations;		/* atomic */
	ULONG64 t0;			/* be->clock_us() at ke_init */
};

struct ki_topo {
	ULONG package, core, node;
	BOOLEAN placed;			/* a processor sits at this seat */
};

#define KI_NO_SLOT 0xff

extern struct ki_state ki;

/* lock.c: the core's own spin locks, which leave the IRQL alone, and
 * the dynamic-processor lock (registration vs adds). */
VOID ki_spin_lock(PKSPIN_LOCK l);
VOID ki_spin_unlock(PKSPIN_LOCK l);
VOID ki_lock_init(VOID);
VOID ki_lock(VOID);
VOID ki_unlock(VOID);
BOOLEAN ki_lock_is_mine(VOID);

/*
 * driver.c: the current driver. ki_enter returns the previous one, for
 * ki_leave. Inline, with a plain load and store and no locked exchange:
 * every processor-change callback goes through here. There is one
 * current driver for the machine, not one per processor, so a locked
 * exchange would not make concurrent drivers right anyway.
 */
static inline struct ke_driver *ki_enter(struct ke_driver *d)
{
	struct ke_driver *prev = __atomic_load_n(&ki.current,
						 __ATOMIC_RELAXED);

	__atomic_store_n(&ki.current, d, __ATOMIC_RELAXED);
	return prev;
}

static inline VOID ki_leave(struct ke_driver *prev)
{
	__atomic_store_n(&ki.current, prev, __ATOMIC_RELAXED);
}

/* verifier.c */
VOID ki_violation(struct ke_driver *d, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* callback.c: the executive callback objects. */
struct ki_cbreg {		/* what a pass reads first, together */
	LIST_ENTRY link;
	PCALLBACK_FUNCTION fn;
	PVOID ctx;
	struct ke_driver *driver;
	BOOLEAN dead;		/* unregistered during a notification */
	ULONG calls;		/* its callback is running (nested: > 1) */
	struct _CALLBACK_OBJECT *obj;
	ULONG64 id;		/* the handle is made from it */
};
/* A core object's own notification: one call per ExNotifyCallback, over
 * the object's list of registrations (skip the dead ones), made while
 * the objects' lock is held. */
typedef VOID ki_pass_fn(PLIST_ENTRY regs, PVOID a1, PVOID a2);

VOID ki_cb_init(VOID);
PCALLBACK_OBJECT ki_cb_object(PCWSTR name, ki_pass_fn *pass);
PVOID ki_cb_register(PCALLBACK_OBJECT obj, PCALLBACK_FUNCTION fn, PVOID ctx);
struct ke_driver *ki_cb_unregister(PVOID handle, BOOLEAN *was);
struct ki_cbreg *ki_cb_reg(PVOID handle);
VOID ki_cb_hold(VOID);
VOID ki_cb_release(VOID);
PVOID ki_cb_owned(struct ke_driver *d);

/* procchg.c */
VOID ki_pc_init(VOID);
BOOLEAN ki_pc_may_register(PCALLBACK_OBJECT obj, BOOLEAN has_fn);

/* hotadd.c: no workload survives ke_init. */
VOID ki_workloads_init(VOID);
struct ke_driver *ki_print_driver(VOID);
extern PCALLBACK_OBJECT ki_procadd;

/* verifier.c: the checks after one processor-change callback; before
 * is the context as the core made it, was the status before the call.
 * procchg.c calls it only when the status or the context changed. */
VOID ki_pc_check(struct ki_cbreg *r,
		 const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *before,
		 NTSTATUS was, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		 PNTSTATUS op);

/* group.c: the group and number of each entry of the table, by the
 * Windows rules; the number of groups, or 0 without scratch memory. */
USHORT ki_place(const struct ke_processor *p, ULONG count, ULONG size,
		PROCESSOR_NUMBER *placed);

/* query.c: numbers <-> indices, through the tables ke_init made. */
PROCESSOR_NUMBER ki_number(ULONG index);
VOID ki_give_number(ULONG index, PROCESSOR_NUMBER n);
VOID ki_take_number(ULONG index);
VOID ki_activate(ULONG index);

/* Where the index of number n is kept: row n.Group, seat n.Number. */
static inline ULONG *ki_seat(PROCESSOR_NUMBER n)
{
	return ki.index_at + (SIZE_T)n.Group * ki.cfg.group_size + n.Number;
}

/* ipi.c: no call in progress. */
VOID ki_ipi_init(VOID);

/* event.c: a wait on the event is satisfied (and a synchronization
 * event's signal taken). time.c: the interrupt time a timeout (WDK
 * units) ends at. */
BOOLEAN ki_event_take(PRKEVENT Event);
ULONG64 ki_deadline(LONGLONG timeout);

/* dpc.c: the list is empty; the calling processor runs its DPCs (if
 * below DISPATCH_LEVEL); processor index has just become active; d's
 * queued DPCs are reported and removed at its unload. */
VOID ki_dpc_init(VOID);
VOID ki_dpc_drain(VOID);
VOID ki_dpc_activated(ULONG index);
VOID ki_dpc_purge(struct ke_driver *d);

/*
 * gdpc.c: exported by Windows but declared in no WDK header; drivers
 * declare them themselves (with BOOLEAN or LOGICAL for the result), so
 * <wdm.h> must not.
 */
VOID KeGenericCallDpc(PKDEFERRED_ROUTINE Routine, PVOID Context);
VOID KeSignalCallDpcDone(PVOID SystemArgument1);
LOGICAL KeSignalCallDpcSynchronize(PVOID SystemArgument2);
VOID ki_gdpc_init(VOID);

/* affinity.c: the thread on the BSP, no affinity set; after driver code
 * (what: "DriverEntry", ...), an affinity left set is reported and
 * undone. */
VOID ki_affinity_init(VOID);
VOID ki_affinity_check(struct ke_driver *d, const char *what);

/* pool.c */
VOID ki_pool_init(VOID);
PVOID ki_alloc(struct ke_driver *owner, SIZE_T bytes, ULONG tag);
VOID ki_free(PVOID p, ULONG tag);
VOID ki_pool_purge(struct ke_driver *d);

#endif
