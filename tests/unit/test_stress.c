/*
 * test_stress.c: hundreds of adds on the threaded backend, with random
 * vetoes and start faults, run under ThreadSanitizer. After every add
 * the log must hold exactly the expected notifications (none lost, none
 * doubled) and the counts, masks and numbers must agree. Other threads
 * query, and register and deregister, at the same time.
 *
 * Callbacks that run on other threads never assert (cmocka cannot
 * unwind across threads): they count errors, which the test checks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define MAX 300
#define ATTEMPTS 350
#define NPROBE 4
#define SEED 20240601u

static struct probe probes[NPROBE];
static unsigned seed = SEED;
static LONG stop, errors;
static ULONG overwrites;		/* later vetoes: one report each */

static int chance(int percent)
{
	return rand_r(&seed) % 100 < percent;
}

static VOID report_error(const char *what)
{
	fprintf(stderr, "stress: %s\n", what);
	InterlockedIncrement(&errors);
}

/* Which outcome the test arranged for the next add. */
static NTSTATUS arrange(ULONG slot)
{
	static const NTSTATUS fault_status[] = {
		[HOST_TIMEOUT] = STATUS_IO_TIMEOUT,
		[HOST_FAIL] = STATUS_UNSUCCESSFUL,
		[HOST_NO_INIT] = STATUS_INTERNAL_ERROR,
	};
	NTSTATUS expect = STATUS_SUCCESS;
	enum host_fault f = HOST_OK;
	int i;

	for (i = 0; i < NPROBE; i++) {
		probes[i].veto = chance(6) ? (NTSTATUS)(0xC0000100 + i) : 0;
		if (probes[i].veto && !NT_SUCCESS(expect))
			overwrites++;
		else if (probes[i].veto)
			expect = probes[i].veto;
	}
	if (chance(10))
		f = HOST_TIMEOUT + rand_r(&seed) % 3;
	host_fault(slot, f);
	if (NT_SUCCESS(expect) && f != HOST_OK)
		expect = fault_status[f];
	return expect;
}

/* The log of one add: Start for all, then Complete or Failure for all. */
static void check_log(ULONG n, NTSTATUS st)
{
	KE_PROCESSOR_CHANGE_NOTIFY_STATE end = NT_SUCCESS(st) ?
		KeProcessorAddCompleteNotify : KeProcessorAddFailureNotify;
	int i;

	assert_int_equal(ncalls, 2 * NPROBE);
	for (i = 0; i < 2 * NPROBE; i++) {
		assert_int_equal(calls[i].id, i % NPROBE);
		assert_int_equal(calls[i].nt, n);
		assert_int_equal(calls[i].state,
				 i < NPROBE ? KeProcessorAddStartNotify : end);
		assert_int_equal(calls[i].active,
				 n + (i >= NPROBE && NT_SUCCESS(st)));
		assert_int_equal(calls[i].index_of_number, n);
		if (i >= NPROBE)
			assert_int_equal(calls[i].status,
					 NT_SUCCESS(st) ? 0 : st);
	}
}

/* Counts, group masks and numbers describe the same active set. */
static void check_machine(ULONG active)
{
	PROCESSOR_NUMBER pn;
	ULONG i, bits = 0;
	USHORT g;

	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 active);
	for (g = 0; g < KeQueryMaximumGroupCount(); g++) {
		bits += __builtin_popcountll(KeQueryGroupAffinity(g));
		assert_int_equal(KeQueryActiveProcessorCountEx(g),
				 __builtin_popcountll(KeQueryGroupAffinity(g)));
	}
	assert_int_equal(bits, active);
	for (i = 0; i < active; i++) {
		assert_int_equal(KeGetProcessorNumberFromIndex(i, &pn),
				 STATUS_SUCCESS);
		assert_true(KeQueryGroupAffinity(pn.Group) &
			    (KAFFINITY)1 << pn.Number);
		assert_int_equal(KeGetProcessorIndexFromNumber(&pn), i);
	}
	assert_int_equal(KeGetProcessorNumberFromIndex(active, &pn),
			 STATUS_INVALID_PARAMETER);
}

static ULONG hits[MAX];

static ULONG_PTR count_hit(ULONG_PTR arg)
{
	__atomic_add_fetch(&hits[KeGetCurrentProcessorNumberEx(NULL)], 1,
			   __ATOMIC_RELAXED);
	return arg;
}

static void check_broadcast(ULONG active)
{
	ULONG i;

	for (i = 0; i < MAX; i++)
		hits[i] = 0;
	KeIpiGenericCall(count_hit, 0);
	for (i = 0; i < MAX; i++)
		assert_int_equal(hits[i], i < active);
}

/* A reader on another processor: what it sees must never go backwards
 * and an active index always has its bit and its number. */
static void *reader(void *arg)
{
	PROCESSOR_NUMBER pn;
	ULONG c, i, last = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		c = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
		if (c < last)
			report_error("active count went down");
		last = c;
		for (i = 0; i < c; i += 7) {
			if (KeGetProcessorNumberFromIndex(i, &pn))
				report_error("active index without a number");
			else if (!(KeQueryGroupAffinity(pn.Group) &
				   (KAFFINITY)1 << pn.Number))
				report_error("active index without its bit");
		}
	}
	return NULL;
}

static void run_adds(void)
{
	ULONG n, slot = 2, ok = 0;
	NTSTATUS expect, st;
	int i;

	for (i = 0; i < ATTEMPTS && slot < MAX; i++) {
		n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
		expect = arrange(slot);
		ncalls = 0;
		st = KeStartDynamicProcessor(slot);
		assert_int_equal(st, expect);
		check_log(n, st);
		check_machine(n + NT_SUCCESS(st));
		if (NT_SUCCESS(st) && ++ok % 16 == 0)
			check_broadcast(n + 1);
		slot += NT_SUCCESS(st);
	}
	assert_true(ok > ATTEMPTS / 2);
}

static int setup_stress(void **state)
{
	int i;

	(void)state;
	log_passes = FALSE;
	machine(MAX, 2, 2, 0);
	stop = errors = 0;
	overwrites = 0;
	for (i = 0; i < NPROBE; i++) {
		probes[i] = (struct probe){ .id = i, .veto_at = ANY_INDEX };
		assert_non_null(reg_probe(&probes[i], 0));
	}
	return 0;
}

static int teardown_stress(void **state)
{
	int i;

	for (i = 0; i < NPROBE; i++)
		KeDeregisterProcessorChangeCallback(probes[i].handle);
	teardown(state);
	log_passes = TRUE;
	assert_int_equal(count_rule("status-overwrite"), overwrites);
	assert_int_equal(ke_violations(), overwrites);
	return 0;
}

static void test_stress_random_adds_keep_invariants(void **state)
{
	pthread_t t;

	(void)state;
	pthread_create(&t, NULL, reader, NULL);
	run_adds();
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	assert_int_equal(errors, 0);
}

/*
 * A driver registering from processor 1 while the BSP adds. Its replay
 * must see one stable active set (Start 0..n-1, then Complete 0..n-1,
 * the count n throughout), and each add it sees must be a Start then
 * an end for the same processor.
 */
struct watcher {
	ULONG replay_n;		/* active count when the replay began */
	ULONG next;		/* next NtNumber expected in the replay */
	KE_PROCESSOR_CHANGE_NOTIFY_STATE phase;
	ULONG add_nt;		/* INVALID_PROCESSOR_INDEX: no add open */
	ULONG replays, adds;
};

static VOID replay_step(struct watcher *w,
			PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	if (w->replay_n == 0)	/* first call: the set must hold from here */
		w->replay_n = KeQueryActiveProcessorCountEx(
			ALL_PROCESSOR_GROUPS);
	if (KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS) != w->replay_n)
		report_error("active count changed during a replay");
	if (c->State != w->phase || c->NtNumber != w->next)
		report_error("replay out of order");
	if (++w->next == w->replay_n && w->phase == KeProcessorAddStartNotify) {
		w->phase = KeProcessorAddCompleteNotify;
		w->next = 0;
	}
}

static VOID add_step(struct watcher *w, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	if (c->State == KeProcessorAddStartNotify) {
		if (w->add_nt != INVALID_PROCESSOR_INDEX)
			report_error("two Starts without an end");
		w->add_nt = c->NtNumber;
		return;
	}
	if (w->add_nt != c->NtNumber)
		report_error("end of an add that never started");
	w->add_nt = INVALID_PROCESSOR_INDEX;
	w->adds++;
}

static VOID watch(PVOID ctx, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		  PNTSTATUS op)
{
	(VOID)op;
	if (KeGetCurrentProcessorNumberEx(NULL) == 1)
		replay_step(ctx, c);
	else
		add_step(ctx, c);
}

static void *registrar(void *arg)
{
	struct watcher *w = arg;
	PVOID h;

	host_bind(1);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		w->replay_n = 0;
		w->next = 0;
		w->phase = KeProcessorAddStartNotify;
		w->add_nt = INVALID_PROCESSOR_INDEX;
		h = KeRegisterProcessorChangeCallback(watch, w,
			KE_PROCESSOR_CHANGE_ADD_EXISTING);
		if (!h) {
			report_error("registration failed");
			break;
		}
		if (w->phase != KeProcessorAddCompleteNotify ||
		    w->next != w->replay_n)
			report_error("replay incomplete");
		w->replays++;
		KeDeregisterProcessorChangeCallback(h);
	}
	return NULL;
}

static void test_registration_and_adds_never_interleave(void **state)
{
	struct watcher w = { 0 };
	pthread_t t;

	(void)state;
	pthread_create(&t, NULL, registrar, &w);
	run_adds();
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	assert_int_equal(errors, 0);
	assert_true(w.replays > 0);
	printf("stress: %u replays, %u adds seen by the registrar\n",
	       w.replays, w.adds);
}

/*
 * Four processors pass data through an in-stack queued spin lock and
 * hand a synchronization event round: ThreadSanitizer checks that the
 * lock's hand-over and the event's release order what they protect.
 */
#define LOCK_ROUNDS 1000
#define PINGS 200

static KSPIN_LOCK qlock;
static ULONG guarded[2];		/* plain: the lock orders them */
static KEVENT ping[4];
static ULONG passed;			/* plain: the events order it */

static void *lock_and_ping(void *arg)
{
	ULONG me = (ULONG)(ULONG_PTR)arg, i;
	KLOCK_QUEUE_HANDLE h;

	host_bind(me);
	for (i = 0; i < LOCK_ROUNDS; i++) {
		KeAcquireInStackQueuedSpinLock(&qlock, &h);
		if (guarded[0] != guarded[1])
			report_error("queued lock let two in");
		guarded[0]++;
		guarded[1]++;
		KeReleaseInStackQueuedSpinLock(&h);
	}
	for (i = 0; i < PINGS; i++) {
		if (KeWaitForSingleObject(&ping[me], Executive, KernelMode,
					  FALSE, NULL) != STATUS_SUCCESS)
			report_error("event wait failed");
		passed++;
		KeSetEvent(&ping[(me + 1) % 4], IO_NO_INCREMENT, FALSE);
	}
	return NULL;
}

/* Spinning waiters outnumber the cores: a processor may wait long for
 * its turn, longer than the default bound on a wait. */
static int setup_patient(void **state)
{
	(void)state;
	hang_ms = 600000;
	machine(8, 4, 0, 0);
	hang_ms = 0;
	return 0;
}

static void test_queued_lock_and_events_order_memory(void **state)
{
	pthread_t t[3];
	ULONG i;

	(void)state;
	KeInitializeSpinLock(&qlock);
	for (i = 0; i < 4; i++)
		KeInitializeEvent(&ping[i], SynchronizationEvent, i == 0);
	for (i = 1; i < 4; i++)
		pthread_create(&t[i - 1], NULL, lock_and_ping,
			       (PVOID)(ULONG_PTR)i);
	lock_and_ping(0);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(guarded[0], 4 * LOCK_ROUNDS);
	assert_int_equal(passed, 4 * PINGS);
	assert_int_equal(errors, 0);
	assert_int_equal(ke_violations(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_stress_random_adds_keep_invariants,
			setup_stress, teardown_stress),
		cmocka_unit_test_setup_teardown(
			test_registration_and_adds_never_interleave,
			setup_stress, teardown_stress),
		cmocka_unit_test_setup_teardown(
			test_queued_lock_and_events_order_memory,
			setup_patient, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
