/*
 * gdpc.c: KeGenericCallDpc, KeSignalCallDpcSynchronize,
 * KeSignalCallDpcDone: one routine run as a DPC on every active
 * processor at once.
 *
 * Windows exports these without documenting them; what drivers rely on
 * (observed Windows behaviour, and ReactOS ntoskrnl/ke/dpc.c, which
 * follows it): the caller runs below DISPATCH_LEVEL; the routine runs at
 * DISPATCH_LEVEL on every active processor, the caller's included, each
 * call given (Dpc, Context, SystemArgument1, SystemArgument2); each call
 * ends with KeSignalCallDpcDone(SystemArgument1), and KeGenericCallDpc
 * returns once all have. KeSignalCallDpcSynchronize(SystemArgument2) is
 * a barrier of all of them that may be passed any number of times; it
 * returns TRUE on exactly one processor each time (here the last to
 * arrive). The other processors get high-importance DPCs, so the call
 * overtakes what is queued there.
 *
 * One call at a time (Windows: a mutex). The caller spins at
 * DISPATCH_LEVEL until every processor is done; after ke_config.hang_ms
 * it reports the processors still missing ("generic-dpc-hang") and
 * goes on waiting: the calls use its stack.
 */
#include "ki.h"

struct sync {
	LONG total;
	LONG arrived;		/* atomic: this round's arrivals */
	LONG round;		/* atomic: bumped by the last arrival */
};

static KSPIN_LOCK call_lock;

VOID ki_gdpc_init(VOID)
{
	KeInitializeSpinLock(&call_lock);
}

VOID KeSignalCallDpcDone(PVOID SystemArgument1)
{
	__atomic_sub_fetch((LONG *)SystemArgument1, 1, __ATOMIC_RELEASE);
}

LOGICAL KeSignalCallDpcSynchronize(PVOID SystemArgument2)
{
	struct sync *s = SystemArgument2;
	LONG round = __atomic_load_n(&s->round, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL) == s->total) {
		__atomic_store_n(&s->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->round, round + 1, __ATOMIC_RELEASE);
		return TRUE;
	}
	while (__atomic_load_n(&s->round, __ATOMIC_ACQUIRE) == round)
		ki.be->relax();
	return FALSE;
}

/* Each processor whose DPC is still queued or running, once. */
static VOID report_missing(ULONG n, ULONG me)
{
	ULONG i;

	for (i = 0; i < n; i++)
		if (i != me && ki.call_dpc[i].DpcData)
			ki_violation(ki_print_driver(), "generic-dpc-hang",
				     "KeGenericCallDpc: processor %u has not "
				     "run its DPC after %u ms; still waiting",
				     i, ki.cfg.hang_ms);
	ki_violation(ki_print_driver(), "generic-dpc-hang", "KeGenericCallDpc:"
		     " not every processor called KeSignalCallDpcDone "
		     "within %u ms; still waiting", ki.cfg.hang_ms);
}

static VOID queue_others(PKDEFERRED_ROUTINE routine, PVOID context,
			 ULONG n, ULONG me, LONG *done, struct sync *s)
{
	PROCESSOR_NUMBER pn;
	ULONG i;

	for (i = 0; i < n; i++) {
		if (i == me)
			continue;
		KeInitializeDpc(&ki.call_dpc[i], routine, context);
		KeSetImportanceDpc(&ki.call_dpc[i], HighImportance);
		pn = ki_number(i);
		KeSetTargetProcessorDpcEx(&ki.call_dpc[i], &pn);
		KeInsertQueueDpc(&ki.call_dpc[i], done, s);
	}
}

VOID KeGenericCallDpc(PKDEFERRED_ROUTINE Routine, PVOID Context)
{
	ULONG me = ki.be->current(), n;
	ULONG64 end;
	BOOLEAN told = FALSE;
	struct sync s = { 0 };
	LONG done;
	KIRQL old;

	if (KeGetCurrentIrql() >= DISPATCH_LEVEL || me >= KI_LOAD(&ki.active)) {
		ki_violation(ki_print_driver(), "generic-dpc-irql",
			     "KeGenericCallDpc at IRQL %u or off the active "
			     "processors; refused", (ULONG)KeGetCurrentIrql());
		return;
	}
	while (__atomic_exchange_n(&call_lock, 1, __ATOMIC_ACQUIRE)) {
		ki_dpc_drain();		/* a call in progress needs us */
		ki.be->relax();
	}
	n = KI_LOAD(&ki.active);
	done = (LONG)n;
	s.total = (LONG)n;
	old = KfRaiseIrql(DISPATCH_LEVEL);
	queue_others(Routine, Context, n, me, &done, &s);
	Routine(&ki.call_dpc[me], Context, &done, &s);
	end = KeQueryInterruptTime() + (ULONG64)ki.cfg.hang_ms * 10000;
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) > 0) {
		if (!told && KeQueryInterruptTime() >= end) {
			report_missing(n, me);
			told = TRUE;
		}
		ki.be->relax();
	}
	KeLowerIrql(old);
	ki_spin_unlock(&call_lock);
}
