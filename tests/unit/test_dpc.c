/*
 * test_dpc.c: DPCs. Each runs on its target (the BSP included) at
 * DISPATCH_LEVEL, in queue order with high importance first; a DPC
 * queued twice is refused; one for a held processor waits for its add,
 * or is reported at its driver's unload; KeFlushQueuedDpcs waits for
 * every queued one; DPCs queued from other processors while processors
 * are added all run where they were sent.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define SEC (-10000000LL)	/* relative, 100 ns units */

struct seen {
	KEVENT done;
	ULONG index;		/* where it ran */
	KIRQL irql;
	LONG runs;
	char order[16];		/* tags of the DPCs run, in order */
	LONG n;
};

static VOID note(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	struct seen *s = Context;
	LONG at = __atomic_fetch_add(&s->n, 1, __ATOMIC_RELAXED);

	(VOID)Dpc;
	(VOID)A2;
	s->index = KeGetCurrentProcessorNumberEx(NULL);
	s->irql = KeGetCurrentIrql();
	if (at < 15)
		s->order[at] = (char)(ULONG_PTR)A1;
	__atomic_add_fetch(&s->runs, 1, __ATOMIC_RELEASE);
	KeSetEvent(&s->done, IO_NO_INCREMENT, FALSE);
}

static NTSTATUS wait_done(struct seen *s)
{
	LARGE_INTEGER t = { .QuadPart = 20 * SEC };

	return KeWaitForSingleObject(&s->done, Executive, KernelMode, FALSE,
				     &t);
}

static VOID held_number(ULONG slot, PPROCESSOR_NUMBER n)
{
	assert_int_equal(ke_slot_number(slot, n), STATUS_SUCCESS);
}

static void test_dpc_runs_on_each_target_at_dispatch(void **state)
{
	PROCESSOR_NUMBER n;
	struct seen s;
	KDPC dpc;
	ULONG i;

	(void)state;
	for (i = 0; i < KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
	     i++) {
		memset(&s, 0, sizeof(s));
		KeInitializeEvent(&s.done, NotificationEvent, FALSE);
		KeInitializeDpc(&dpc, note, &s);
		assert_int_equal(KeGetProcessorNumberFromIndex(i, &n),
				 STATUS_SUCCESS);
		assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &n),
				 STATUS_SUCCESS);
		assert_true(KeInsertQueueDpc(&dpc, (PVOID)'x', NULL));
		assert_int_equal(wait_done(&s), STATUS_SUCCESS);
		assert_int_equal(s.index, i);
		assert_int_equal(s.irql, DISPATCH_LEVEL);
		assert_int_equal(s.runs, 1);
		assert_null(dpc.DpcData);
	}
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	assert_int_equal(ke_violations(), 0);
}

/* On the BSP at DISPATCH_LEVEL nothing runs; lowering runs the queue:
 * high importance at the head, the others in queue order. Untargeted
 * DPCs go to the processor that queues them. */
static void test_dpc_order_and_untargeted(void **state)
{
	static const char tags[] = "mlhMH";
	KDPC dpc[5];
	struct seen s;
	KIRQL old;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	KeInitializeEvent(&s.done, NotificationEvent, FALSE);
	old = KeRaiseIrqlToDpcLevel();
	for (i = 0; i < 5; i++) {
		KeInitializeDpc(&dpc[i], note, &s);
		KeSetImportanceDpc(&dpc[i], tags[i] == 'h' || tags[i] == 'H' ?
				   HighImportance : tags[i] == 'l' ?
				   LowImportance : MediumImportance);
		assert_true(KeInsertQueueDpc(&dpc[i], (PVOID)(ULONG_PTR)tags[i],
					     NULL));
	}
	assert_int_equal(s.runs, 0);
	KeLowerIrql(old);
	assert_int_equal(s.runs, 5);
	assert_string_equal(s.order, "HhmlM");
	assert_int_equal(s.index, 0);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Queued twice: refused, and it runs once; removed: runs never. */
static void test_dpc_queued_twice_and_removed(void **state)
{
	PROCESSOR_NUMBER n;
	struct seen s;
	KDPC dpc;
	KIRQL old;

	(void)state;
	memset(&s, 0, sizeof(s));
	KeInitializeEvent(&s.done, NotificationEvent, FALSE);
	KeInitializeThreadedDpc(&dpc, note, &s);
	assert_int_equal(dpc.Type, ThreadedDpcObject);
	assert_int_equal(KeGetProcessorNumberFromIndex(0, &n), STATUS_SUCCESS);
	assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &n), STATUS_SUCCESS);
	old = KeRaiseIrqlToDpcLevel();
	assert_true(KeInsertQueueDpc(&dpc, (PVOID)'a', NULL));
	assert_false(KeInsertQueueDpc(&dpc, (PVOID)'b', NULL));
	KeLowerIrql(old);
	assert_int_equal(s.runs, 1);
	assert_string_equal(s.order, "a");
	old = KeRaiseIrqlToDpcLevel();
	assert_true(KeInsertQueueDpc(&dpc, (PVOID)'c', NULL));
	assert_true(KeRemoveQueueDpc(&dpc));
	assert_false(KeRemoveQueueDpc(&dpc));
	KeLowerIrql(old);
	assert_int_equal(s.runs, 1);
	assert_null(dpc.DpcData);
}

static void test_dpc_target_checks(void **state)
{
	PROCESSOR_NUMBER bad[] = {
		{ .Group = 1 }, { .Number = 9 }, { .Number = 64 },
		{ .Reserved = 1 },
	};
	KDPC dpc;
	unsigned i;

	(void)state;
	KeInitializeDpc(&dpc, note, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &bad[i]),
				 STATUS_INVALID_PARAMETER);
	assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, NULL),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(dpc.Number, 0);
	KeSetTargetProcessorDpc(&dpc, 2);
	assert_int_equal(dpc.Number, 3);
	/* Group 0 has 4 active processors: 4 and up leave it as it is. */
	KeSetTargetProcessorDpc(&dpc, 4);
	assert_int_equal(dpc.Number, 3);
}

/* A DPC for a held processor waits in the queue; the add runs it there,
 * once the processor is active. */
static void test_dpc_for_held_processor_runs_after_its_add(void **state)
{
	PROCESSOR_NUMBER n;
	struct seen s;
	KDPC dpc;
	LARGE_INTEGER nap = { .QuadPart = SEC / 20 };

	(void)state;
	memset(&s, 0, sizeof(s));
	KeInitializeEvent(&s.done, NotificationEvent, FALSE);
	KeInitializeDpc(&dpc, note, &s);
	held_number(5, &n);
	assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &n), STATUS_SUCCESS);
	assert_true(KeInsertQueueDpc(&dpc, (PVOID)'h', NULL));
	KeDelayExecutionThread(KernelMode, FALSE, &nap);
	KeFlushQueuedDpcs();		/* not waited for: no one can run it */
	assert_int_equal(s.runs, 0);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(s.runs, 0);	/* slot 4 is not its target */
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(wait_done(&s), STATUS_SUCCESS);
	assert_int_equal(s.index, 5);
	assert_int_equal(KeGetProcessorIndexFromNumber(&n), 5);
	assert_int_equal(ke_violations(), 0);
}

/* KeFlushQueuedDpcs returns once the DPCs queued before it have run. */
static VOID slow(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	struct timespec t = { 0, 20 * 1000000L };

	(VOID)Dpc;
	(VOID)A1;
	(VOID)A2;
	nanosleep(&t, NULL);
	__atomic_add_fetch((LONG *)Context, 1, __ATOMIC_RELEASE);
}

static void test_flush_waits_for_queued_dpcs(void **state)
{
	PROCESSOR_NUMBER n;
	KDPC dpc[4];
	LONG ran = 0;
	ULONG i;

	(void)state;
	for (i = 0; i < 4; i++) {
		KeInitializeDpc(&dpc[i], slow, &ran);
		KeGetProcessorNumberFromIndex(i, &n);
		KeSetTargetProcessorDpcEx(&dpc[i], &n);
	}
	for (i = 1; i < 4; i++)
		assert_true(KeInsertQueueDpc(&dpc[i], NULL, NULL));
	KeFlushQueuedDpcs();
	assert_int_equal(__atomic_load_n(&ran, __ATOMIC_ACQUIRE), 3);
	assert_int_equal(ke_violations(), 0);
}

/* A driver whose DPC waits for a processor that never comes. */
static KDPC orphan;

static VOID never(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	(VOID)Dpc;
	(VOID)Context;
	(VOID)A1;
	(VOID)A2;
	fail_msg("a DPC for a processor never added ran");
}

static NTSTATUS orphan_entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	PROCESSOR_NUMBER n;

	(VOID)o;
	(VOID)path;
	KeInitializeDpc(&orphan, never, NULL);
	held_number(7, &n);
	KeSetTargetProcessorDpcEx(&orphan, &n);
	KeInsertQueueDpc(&orphan, NULL, NULL);
	return STATUS_SUCCESS;
}

static void test_dpc_left_queued_is_reported_at_unload(void **state)
{
	struct ke_driver d;
	struct event *e;

	(void)state;
	assert_int_equal(ke_load_driver(&d, "orphan", "", orphan_entry),
			 STATUS_SUCCESS);
	assert_int_equal(ke_violations(), 0);
	ke_unload_driver(&d);
	assert_int_equal(count_rule("dpc-at-unload"), 1);
	e = nth_event('v', 0);
	assert_string_equal(e->driver, "orphan");
	assert_false(KeRemoveQueueDpc(&orphan));
	assert_int_equal(KeStartDynamicProcessor(7), STATUS_SUCCESS);
	KeFlushQueuedDpcs();
}

static VOID lowers(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	(VOID)Dpc;
	(VOID)Context;
	(VOID)A1;
	(VOID)A2;
	KeLowerIrql(PASSIVE_LEVEL);
}

static void test_dpc_returning_at_another_irql_is_reported(void **state)
{
	KDPC dpc;

	(void)state;
	KeInitializeDpc(&dpc, lowers, NULL);
	assert_true(KeInsertQueueDpc(&dpc, NULL, NULL));
	assert_int_equal(count_rule("dpc-irql"), 1);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/*
 * DPCs racing adds: three test threads outside the machine's processors
 * (indices past the table: a second thread as processor 1 would share
 * its IRQL) queue DPCs to every seat of the machine, held ones included,
 * while the BSP adds the held processors. Each DPC runs once, on its
 * target.
 */
#define ROUNDS 40

struct racer {
	ULONG index;
	LONG finished;
	KDPC dpc[8];
	struct seen s[8];
};

static VOID where(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	struct seen *s = Context;

	(VOID)Dpc;
	(VOID)A1;
	(VOID)A2;
	s->index = KeGetCurrentProcessorNumberEx(NULL);
	KeSetEvent(&s->done, IO_NO_INCREMENT, FALSE);
}

static void *run_race(struct racer *r);

static void *race(void *arg)
{
	struct racer *r = arg;
	void *res = run_race(r);

	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	return res;
}

static void *run_race(struct racer *r)
{
	PROCESSOR_NUMBER n;
	ULONG slot, k;

	host_bind(r->index);
	for (k = 0; k < ROUNDS; k++) {
		slot = k % 8;
		if (k >= 8 && wait_done(&r->s[slot]) != STATUS_SUCCESS)
			return (void *)1;
		if (k >= 8 && r->s[slot].index != slot)
			return (void *)2;
		KeInitializeEvent(&r->s[slot].done, NotificationEvent, FALSE);
		KeInitializeDpc(&r->dpc[slot], where, &r->s[slot]);
		held_number(slot, &n);
		KeSetTargetProcessorDpcEx(&r->dpc[slot], &n);
		if (!KeInsertQueueDpc(&r->dpc[slot], NULL, NULL))
			return (void *)3;
	}
	for (slot = 0; slot < 8; slot++)
		if (wait_done(&r->s[slot]) != STATUS_SUCCESS ||
		    r->s[slot].index != slot)
			return (void *)4;
	return NULL;
}

static void test_dpcs_racing_adds(void **state)
{
	LARGE_INTEGER nap = { .QuadPart = SEC / 1000 };
	struct racer r[3];
	pthread_t t[3];
	void *res;
	ULONG i, slot;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		r[i].index = 100 + i;
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (slot = 4; slot < 8; slot++)
		assert_int_equal(KeStartDynamicProcessor(slot), STATUS_SUCCESS);
	/* The BSP runs its DPCs while it waits, as its idle loop does. */
	for (i = 0; i < 3; i++)
		while (!__atomic_load_n(&r[i].finished, __ATOMIC_ACQUIRE))
			KeDelayExecutionThread(KernelMode, FALSE, &nap);
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], &res);
		assert_null(res);
	}
	assert_int_equal(ke_violations(), 0);
}

/* KeGenericCallDpc: declared by drivers themselves (no WDK header). */
NTSYSAPI VOID NTAPI KeGenericCallDpc(PKDEFERRED_ROUTINE Routine,
				     PVOID Context);
NTSYSAPI VOID NTAPI KeSignalCallDpcDone(PVOID SystemArgument1);
NTSYSAPI LOGICAL NTAPI KeSignalCallDpcSynchronize(PVOID SystemArgument2);

struct tally {
	LONG ran[8];		/* per index */
	LONG wrong_irql;
	LONG winners[2];	/* TRUE results, per barrier round */
	LONG early;		/* passed round 1 before all arrived */
	LONG arrived;
	ULONG n;
};

static VOID everywhere(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	struct tally *t = Context;
	ULONG me = KeGetCurrentProcessorNumberEx(NULL);
	int r;

	(VOID)Dpc;
	__atomic_add_fetch(&t->ran[me], 1, __ATOMIC_RELAXED);
	if (KeGetCurrentIrql() != DISPATCH_LEVEL)
		__atomic_add_fetch(&t->wrong_irql, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->arrived, 1, __ATOMIC_ACQ_REL);
	for (r = 0; r < 2; r++) {
		if (KeSignalCallDpcSynchronize(A2))
			__atomic_add_fetch(&t->winners[r], 1, __ATOMIC_RELAXED);
		if (r == 0 && __atomic_load_n(&t->arrived, __ATOMIC_ACQUIRE) !=
			      (LONG)t->n)
			__atomic_add_fetch(&t->early, 1, __ATOMIC_RELAXED);
	}
	KeSignalCallDpcDone(A1);
}

static void generic_call_on(ULONG n)
{
	struct tally t;
	ULONG i;

	memset(&t, 0, sizeof(t));
	t.n = n;
	KeGenericCallDpc(everywhere, &t);
	for (i = 0; i < 8; i++)
		assert_int_equal(t.ran[i], i < n ? 1 : 0);
	assert_int_equal(t.wrong_irql, 0);
	assert_int_equal(t.winners[0], 1);
	assert_int_equal(t.winners[1], 1);
	assert_int_equal(t.early, 0);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Every active processor once, at DISPATCH_LEVEL; the barrier holds
 * them all and picks one winner per round; an added processor takes
 * part in the next call. */
static void test_generic_call_dpc_runs_everywhere(void **state)
{
	(void)state;
	generic_call_on(4);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	generic_call_on(5);
	assert_int_equal(ke_violations(), 0);
}

static void test_generic_call_dpc_at_dispatch_is_refused(void **state)
{
	struct tally t;
	KIRQL old;

	(void)state;
	memset(&t, 0, sizeof(t));
	old = KeRaiseIrqlToDpcLevel();
	KeGenericCallDpc(everywhere, &t);
	KeLowerIrql(old);
	assert_int_equal(count_rule("generic-dpc-irql"), 1);
	assert_int_equal(t.ran[0], 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
	const struct CMUnitTest tests[] = {
		T(test_dpc_runs_on_each_target_at_dispatch),
		T(test_dpc_order_and_untargeted),
		T(test_dpc_queued_twice_and_removed),
		T(test_dpc_target_checks),
		T(test_dpc_for_held_processor_runs_after_its_add),
		T(test_flush_waits_for_queued_dpcs),
		T(test_dpc_left_queued_is_reported_at_unload),
		T(test_dpc_returning_at_another_irql_is_reported),
		T(test_dpcs_racing_adds),
		T(test_generic_call_dpc_runs_everywhere),
		T(test_generic_call_dpc_at_dispatch_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
