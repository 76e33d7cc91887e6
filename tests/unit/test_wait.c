/*
 * test_wait.c: what a driver does on the processor it runs on. IRQL and
 * the verifier's reports of bad IRQL use, spin locks that raise, in-stack
 * queued spin locks, events set from another processor, waits that are
 * satisfied, time out (relative and absolute) or never end, and the
 * clocks. "Another processor" is a test thread bound to an active NT
 * index (host_bind).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define MS (10000LL)		/* 100 ns units per millisecond */

static struct ke_driver drv;

static void nap_ms(int ms)
{
	struct timespec t = { 0, ms * 1000000L };

	nanosleep(&t, NULL);
}

static void test_irql_bad_raise_and_lower_are_reported(void **state)
{
	KIRQL old, was;

	(void)state;
	old = KeRaiseIrqlToDpcLevel();
	KeRaiseIrql(APC_LEVEL, &was);
	assert_int_equal(was, DISPATCH_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	assert_int_equal(count_rule("irql-raise-below"), 1);
	KeLowerIrql(HIGH_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	assert_int_equal(count_rule("irql-lower-above"), 1);
	KeLowerIrql(old);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	assert_int_equal(ke_violations(), 2);
	/* Without the verifier, as Windows: the level is set as asked. */
	ke_set_verifier(FALSE);
	KeLowerIrql(APC_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
	KeLowerIrql(PASSIVE_LEVEL);
	assert_int_equal(ke_violations(), 2);
}

static void test_spin_locks_raise_to_dispatch(void **state)
{
	KSPIN_LOCK lock;
	KIRQL old = HIGH_LEVEL;

	(void)state;
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &old);
	assert_int_equal(old, PASSIVE_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	KeReleaseSpinLock(&lock, old);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	assert_int_equal(lock, 0);
	old = KeAcquireSpinLockRaiseToDpc(&lock);
	KeReleaseSpinLockFromDpcLevel(&lock);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	KeAcquireSpinLockAtDpcLevel(&lock);
	assert_int_not_equal(lock, 0);
	KeReleaseSpinLock(&lock, old);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	assert_int_equal(ke_violations(), 0);
	/* Above DISPATCH_LEVEL the raise would lower: reported. */
	KeRaiseIrql(IPI_LEVEL, &old);
	KeAcquireSpinLock(&lock, &old);
	assert_int_equal(count_rule("irql-raise-below"), 1);
	KeReleaseSpinLock(&lock, PASSIVE_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Queued lock contention: each thread acts as its own processor. */
static KSPIN_LOCK qlock;
static LONG order[3], next_turn;
static KLOCK_QUEUE_HANDLE handles[3];
static ULONG counter;

struct waiter {
	ULONG index;
	int id;
};

static void *queue_up(void *arg)
{
	struct waiter *w = arg;

	host_bind(w->index);
	KeAcquireInStackQueuedSpinLock(&qlock, &handles[w->id]);
	order[w->id] = InterlockedIncrement(&next_turn);
	if (KeGetCurrentIrql() != DISPATCH_LEVEL)
		order[w->id] = -1;
	KeReleaseInStackQueuedSpinLock(&handles[w->id]);
	return NULL;
}

static void wait_for_tail(PKLOCK_QUEUE_HANDLE h)
{
	while (__atomic_load_n(&qlock, __ATOMIC_ACQUIRE) !=
	       (KSPIN_LOCK)&h->LockQueue)
		nap_ms(1);
}

static void test_queued_spin_lock_serves_waiters_in_order(void **state)
{
	struct waiter w[3] = { { 0, 0 }, { 1, 1 }, { 2, 2 } };
	pthread_t t[3];

	(void)state;
	KeInitializeSpinLock(&qlock);
	next_turn = 0;
	KeAcquireInStackQueuedSpinLock(&qlock, &handles[0]);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	assert_int_equal(handles[0].OldIrql, PASSIVE_LEVEL);
	order[0] = InterlockedIncrement(&next_turn);
	pthread_create(&t[1], NULL, queue_up, &w[1]);
	wait_for_tail(&handles[1]);
	pthread_create(&t[2], NULL, queue_up, &w[2]);
	wait_for_tail(&handles[2]);
	KeReleaseInStackQueuedSpinLock(&handles[0]);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 3);
	assert_int_equal(qlock, 0);
	(void)t[0];
}

#define ROUNDS 2000

static void *count_up(void *arg)
{
	KLOCK_QUEUE_HANDLE h;
	int i;

	host_bind((ULONG)(ULONG_PTR)arg);
	for (i = 0; i < ROUNDS; i++) {
		KeAcquireInStackQueuedSpinLock(&qlock, &h);
		counter++;
		KeReleaseInStackQueuedSpinLock(&h);
	}
	return NULL;
}

static void test_queued_spin_lock_excludes(void **state)
{
	pthread_t t[3];
	ULONG_PTR i;

	(void)state;
	KeInitializeSpinLock(&qlock);
	counter = 0;
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, count_up, (PVOID)(i + 1));
	count_up(0);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, 4 * ROUNDS);
	assert_int_equal(qlock, 0);
	assert_int_equal(ke_violations(), 0);
}

static void test_event_states(void **state)
{
	KEVENT n, s;
	LARGE_INTEGER zero = { .QuadPart = 0 };

	(void)state;
	KeInitializeEvent(&n, NotificationEvent, FALSE);
	KeInitializeEvent(&s, SynchronizationEvent, TRUE);
	assert_int_equal(n.Header.Type, NotificationEvent);
	assert_int_equal(s.Header.Type, SynchronizationEvent);
	assert_int_equal(KeReadStateEvent(&n), 0);
	assert_int_equal(KeReadStateEvent(&s), 1);
	assert_int_equal(KeWaitForSingleObject(&n, Executive, KernelMode,
					       FALSE, &zero), STATUS_TIMEOUT);
	assert_int_equal(KeSetEvent(&n, IO_NO_INCREMENT, FALSE), 0);
	assert_int_equal(KeSetEvent(&n, IO_NO_INCREMENT, FALSE), 1);
	/* A notification event stays signalled through its waits... */
	assert_int_equal(KeWaitForSingleObject(&n, Executive, KernelMode,
					       FALSE, &zero), STATUS_SUCCESS);
	assert_int_equal(KeWaitForSingleObject(&n, Executive, KernelMode,
					       FALSE, NULL), STATUS_SUCCESS);
	assert_int_equal(KeReadStateEvent(&n), 1);
	assert_int_equal(KeResetEvent(&n), 1);
	assert_int_equal(KeResetEvent(&n), 0);
	KeSetEvent(&n, IO_NO_INCREMENT, FALSE);
	KeClearEvent(&n);
	assert_int_equal(KeReadStateEvent(&n), 0);
	/* ...a synchronization event satisfies one wait and resets. */
	assert_int_equal(KeWaitForSingleObject(&s, Executive, KernelMode,
					       FALSE, &zero), STATUS_SUCCESS);
	assert_int_equal(KeReadStateEvent(&s), 0);
	assert_int_equal(KeWaitForSingleObject(&s, Executive, KernelMode,
					       FALSE, &zero), STATUS_TIMEOUT);
	assert_int_equal(ke_violations(), 0);
}

static void test_wait_with_relative_timeout_times_out(void **state)
{
	LARGE_INTEGER t = { .QuadPart = -50 * MS };
	ULONGLONG before, after;
	KEVENT e;

	(void)state;
	KeInitializeEvent(&e, NotificationEvent, FALSE);
	before = KeQueryInterruptTime();
	assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode,
					       FALSE, &t), STATUS_TIMEOUT);
	after = KeQueryInterruptTime();
	assert_true(after - before >= 50 * MS);
	assert_int_equal(ke_violations(), 0);
}

static void test_wait_with_absolute_timeout(void **state)
{
	LARGE_INTEGER now, t;
	ULONGLONG before;
	KEVENT e;

	(void)state;
	host_fini();
	system_time = 133000000000000000ULL;	/* in 2022 */
	machine(8, 4, 0, 0);
	system_time = 0;
	KeInitializeEvent(&e, SynchronizationEvent, FALSE);
	KeQuerySystemTimePrecise(&now);
	assert_true((ULONG64)now.QuadPart >= 133000000000000000ULL);
	t.QuadPart = now.QuadPart + 30 * MS;
	before = KeQueryInterruptTime();
	assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode,
					       FALSE, &t), STATUS_TIMEOUT);
	assert_true(KeQueryInterruptTime() - before >= 30 * MS);
	t.QuadPart = now.QuadPart - 1000 * MS;	/* passed: ends at once */
	before = KeQueryInterruptTime();
	assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode,
					       FALSE, &t), STATUS_TIMEOUT);
	assert_true(KeQueryInterruptTime() - before < 1000 * MS);
}

static KEVENT shared;

static void *set_later(void *arg)
{
	host_bind((ULONG)(ULONG_PTR)arg);
	nap_ms(30);
	KeSetEvent(&shared, IO_NO_INCREMENT, FALSE);
	return NULL;
}

static void test_event_set_from_another_processor_ends_the_wait(void **state)
{
	LARGE_INTEGER t = { .QuadPart = -20000 * MS };
	pthread_t p;

	(void)state;
	KeInitializeEvent(&shared, NotificationEvent, FALSE);
	pthread_create(&p, NULL, set_later, (PVOID)2);
	assert_int_equal(KeWaitForSingleObject(&shared, Executive, KernelMode,
					       FALSE, NULL), STATUS_SUCCESS);
	pthread_join(p, NULL);
	KeInitializeEvent(&shared, SynchronizationEvent, FALSE);
	pthread_create(&p, NULL, set_later, (PVOID)3);
	assert_int_equal(KeWaitForSingleObject(&shared, Executive, KernelMode,
					       FALSE, &t), STATUS_SUCCESS);
	pthread_join(p, NULL);
	assert_int_equal(KeReadStateEvent(&shared), 0);
	assert_int_equal(ke_violations(), 0);
}

/* A driver whose DriverEntry waits for an event nobody sets. */
static KEVENT never;
static NTSTATUS waited;

static NTSTATUS stuck(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	KeInitializeEvent(&never, NotificationEvent, FALSE);
	waited = KeWaitForSingleObject(&never, Executive, KernelMode, FALSE,
				       NULL);
	return STATUS_SUCCESS;
}

static void test_wait_that_never_ends_is_reported(void **state)
{
	char where[32];
	ULONGLONG before;

	(void)state;
	host_fini();
	hang_ms = 100;
	machine(8, 4, 0, 0);
	hang_ms = 0;
	before = KeQueryInterruptTime();
	assert_int_equal(ke_load_driver(&drv, "stuck", "", stuck),
			 STATUS_SUCCESS);
	assert_true(KeQueryInterruptTime() - before >= 100 * MS);
	assert_int_equal(waited, STATUS_TIMEOUT);
	assert_int_equal(count_rule("wait-hang"), 1);
	assert_string_equal(nth_event('v', 0)->driver, "stuck");
	snprintf(where, sizeof(where), "on %016lx ", (unsigned long)&never);
	assert_non_null(strstr(nth_event('v', 0)->text, where));
	assert_non_null(strstr(nth_event('v', 0)->text,
			       "KeWaitForSingleObject"));
	ke_unload_driver(&drv);
}

static void test_wait_at_dispatch_level_is_reported(void **state)
{
	LARGE_INTEGER zero = { .QuadPart = 0 }, t = { .QuadPart = -1 * MS };
	KIRQL old;
	KEVENT e;

	(void)state;
	KeInitializeEvent(&e, NotificationEvent, TRUE);
	KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t);
	KeDelayExecutionThread(KernelMode, FALSE, &t);
	assert_int_equal(ke_violations(), 0);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero);
	assert_int_equal(ke_violations(), 0);	/* allowed: a test */
	assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode,
					       FALSE, &t), STATUS_SUCCESS);
	assert_int_equal(count_rule("wait-irql"), 1);
	KeDelayExecutionThread(KernelMode, FALSE, &zero);
	assert_int_equal(count_rule("wait-irql"), 2);
	KeLowerIrql(old);
}

static void test_delay_execution_waits_the_interval(void **state)
{
	LARGE_INTEGER t = { .QuadPart = -30 * MS };
	ULONGLONG before;

	(void)state;
	before = KeQueryInterruptTime();
	assert_int_equal(KeDelayExecutionThread(KernelMode, FALSE, &t),
			 STATUS_SUCCESS);
	assert_true(KeQueryInterruptTime() - before >= 30 * MS);
}

static void test_clocks_follow_the_backend(void **state)
{
	LARGE_INTEGER f = { .QuadPart = 0 }, a, b, ticks, sys;
	ULONGLONG i0, i1;

	(void)state;
	a = KeQueryPerformanceCounter(&f);
	assert_int_equal(f.QuadPart, 10000000);
	i0 = KeQueryInterruptTime();
	KeStallExecutionProcessor(20000);
	i1 = KeQueryInterruptTime();
	b = KeQueryPerformanceCounter(NULL);
	assert_true(i1 - i0 >= 20 * MS);
	assert_true(b.QuadPart - a.QuadPart >= 20 * MS);
	/* Everything counts from the core's start, in 100 ns units. */
	KeQueryTickCount(&ticks);
	assert_int_equal(KeQueryTimeIncrement(), 156250);
	assert_true((ULONGLONG)ticks.QuadPart <=
		    KeQueryInterruptTime() / 156250);
	assert_true((ULONGLONG)ticks.QuadPart >= i1 / 156250);
	KeQuerySystemTime(&sys);	/* no base given: from 1601 */
	assert_true((ULONGLONG)sys.QuadPart >= i1);
	assert_true((ULONGLONG)sys.QuadPart <= KeQueryInterruptTime());
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
	const struct CMUnitTest tests[] = {
		T(test_irql_bad_raise_and_lower_are_reported),
		T(test_spin_locks_raise_to_dispatch),
		T(test_queued_spin_lock_serves_waiters_in_order),
		T(test_queued_spin_lock_excludes),
		T(test_event_states),
		T(test_wait_with_relative_timeout_times_out),
		T(test_wait_with_absolute_timeout),
		T(test_event_set_from_another_processor_ends_the_wait),
		T(test_wait_that_never_ends_is_reported),
		T(test_wait_at_dispatch_level_is_reported),
		T(test_delay_execution_waits_the_interval),
		T(test_clocks_follow_the_backend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
