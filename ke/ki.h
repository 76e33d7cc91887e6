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
	struct ke_config cfg;		/* cap and group_size normalised */
	const struct ke_backend *be;
	const struct ke_sink *sink;
	ULONG active;			/* atomic: indices 0..active-1 run */
	ULONG numbered;			/* atomic: indices with a number */
	/* Per processor (per group for affinity), sized by cfg.max in
	 * ke_init (init.c says why they are not static). */
	ULONG *online;			/* atomic: set by the AP */
	KAFFINITY *affinity;		/* atomic, per group */
	ULONG *running;			/* atomic: hotadd.c's, see there */
	struct ke_driver *current;	/* atomic */
	BOOLEAN verifier;
	ULONG violations;		/* atomic */
};

extern struct ki_state ki;

/* lock.c: the dynamic-processor lock (registration vs adds). */
VOID ki_lock_init(VOID);
VOID ki_lock(VOID);
VOID ki_unlock(VOID);
BOOLEAN ki_lock_is_mine(VOID);

/* driver.c */
struct ke_driver *ki_enter(struct ke_driver *d);	/* returns previous */
VOID ki_leave(struct ke_driver *prev);

/* verifier.c */
VOID ki_violation(struct ke_driver *d, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* callback.c: the executive callback objects. */
struct ki_cbreg {
	LIST_ENTRY link;
	struct _CALLBACK_OBJECT *obj;
	PCALLBACK_FUNCTION fn;
	PVOID ctx;
	struct ke_driver *driver;
	ULONG64 id;		/* the handle is made from it */
	BOOLEAN dead;		/* unregistered during a notification */
};
typedef VOID ki_invoke_fn(struct ki_cbreg *r, PVOID a1, PVOID a2);

VOID ki_cb_init(VOID);
PCALLBACK_OBJECT ki_cb_object(PCWSTR name, ki_invoke_fn *invoke);
struct ki_cbreg *ki_cb_reg(PVOID handle);
VOID ki_cb_hold(PCALLBACK_OBJECT obj);
VOID ki_cb_release(PCALLBACK_OBJECT obj);
PVOID ki_cb_owned(struct ke_driver *d);
VOID ki_cb_call(struct ki_cbreg *r, PVOID a1, PVOID a2);

/* procchg.c */
VOID ki_pc_init(VOID);

/* hotadd.c: no workload survives ke_init. */
VOID ki_workloads_init(VOID);
extern PCALLBACK_OBJECT ki_procadd;

/* verifier.c: checks around one processor-change callback. */
VOID ki_pc_check(struct ki_cbreg *r,
		 const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *before,
		 NTSTATUS was, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		 PNTSTATUS op);

/* query.c */
VOID ki_number(ULONG index, PPROCESSOR_NUMBER n);
VOID ki_activate(ULONG index);

/* pool.c */
VOID ki_pool_init(VOID);
PVOID ki_alloc(struct ke_driver *owner, SIZE_T bytes, ULONG tag);
VOID ki_free(PVOID p, ULONG tag);
VOID ki_pool_purge(struct ke_driver *d);

#endif
