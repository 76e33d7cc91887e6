/*
 * test_add.c: the add path, KeStartDynamicProcessor (docs/conformance.md,
 * "An add"), including the backend's faults and the processor cap.
 */
#include "harness.h"

#define VETO STATUS_INSUFFICIENT_RESOURCES
#define VETO2 STATUS_INTERNAL_ERROR
#define INFO ((NTSTATUS)0x40000000)

static struct probe p[3];
static const int all3[] = { 1, 2, 3 };
static ULONG expected_violations;

static VOID register_three(VOID)
{
	int i;

	for (i = 0; i < 3; i++) {
		p[i] = (struct probe){ .id = i + 1, .veto_at = ANY_INDEX };
		assert_non_null(reg_probe(&p[i], 0));
	}
}

static int setup_three(void **state)
{
	setup_small(state);
	expected_violations = 0;
	register_three();
	return 0;
}

static int teardown_three(void **state)
{
	int i;

	for (i = 0; i < 3; i++)
		KeDeregisterProcessorChangeCallback(p[i].handle);
	assert_int_equal(ke_violations(), expected_violations);
	return teardown(state);
}

/* The pass event of this state comes before the pass's first callback,
 * for the add (not a replay) of nt, charged to no driver. */
static void expect_pass_before(KE_PROCESSOR_CHANGE_NOTIFY_STATE s, ULONG nt,
			       int first_call)
{
	int i;

	for (i = 0; i < nevents; i++)
		if (events[i].kind == 'p' && events[i].status == (NTSTATUS)s)
			break;
	assert_true(i < calls[first_call].events_before);
	assert_int_equal(events[i].index, nt);
	assert_false(events[i].replay);
	assert_string_equal(events[i].driver, "-");
}

static void test_add_success_sends_start_then_complete(void **state)
{
	int at;

	(void)state;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	at = expect_pass(0, KeProcessorAddStartNotify, 4, all3, 3);
	at = expect_pass(at, KeProcessorAddCompleteNotify, 4, all3, 3);
	assert_int_equal(at, ncalls);
	for (at = 0; at < ncalls; at++) {
		assert_int_equal(calls[at].status, STATUS_SUCCESS);
		assert_int_equal(calls[at].op, STATUS_SUCCESS);
		assert_int_equal(calls[at].irql, PASSIVE_LEVEL);
	}
	assert_int_equal(notifies, 6);
	assert_int_equal(count_events('p'), 2);
	expect_pass_before(KeProcessorAddStartNotify, 4, 0);
	expect_pass_before(KeProcessorAddCompleteNotify, 4, 3);
	assert_true(calls[2].events_before <= nth_event('p', 1) - events);
}

static void test_add_start_sent_to_all_after_veto(void **state)
{
	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	expect_pass(0, KeProcessorAddStartNotify, 4, all3, 3);
	/* the ones after the vetoer see the veto in the pass's status */
	assert_int_equal(calls[1].op, VETO);
	assert_int_equal(calls[2].op, VETO);
}

/* Failure has a status variable of its own, holding success: the final
 * status is only in ChangeContext->Status (KiDynamicProcessorAddNotification,
 * RE). */
static void test_add_failure_sent_to_all_including_vetoer(void **state)
{
	int at;

	(void)state;
	p[1].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	at = expect_pass(3, KeProcessorAddFailureNotify, 4, all3, 3);
	assert_int_equal(at, ncalls);
	for (at = 3; at < 6; at++) {
		assert_int_equal(calls[at].status, VETO);
		assert_int_equal(calls[at].op, STATUS_SUCCESS);
	}
	expect_pass_before(KeProcessorAddFailureNotify, 4, 3);
}

/* Verifier on: the first veto wins, a later one is reported. */
static void test_add_first_veto_wins(void **state)
{
	(void)state;
	p[0].veto = VETO;
	p[2].veto = VETO2;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	assert_int_equal(calls[3].status, VETO);
	assert_int_equal(count_rule("status-overwrite"), 1);
	expected_violations = 1;
}

/* Verifier off, as Windows: the last writer wins. */
static void test_add_last_veto_wins_without_verifier(void **state)
{
	(void)state;
	ke_set_verifier(FALSE);
	p[0].veto = VETO;
	p[2].veto = VETO2;
	assert_int_equal(KeStartDynamicProcessor(5), VETO2);
	assert_int_equal(calls[3].status, VETO2);
	assert_int_equal(count_events('v'), 0);
}

/* Verifier off. Within a pass every callback gets the same context and
 * status, so an edit reaches the next callbacks; the next pass has a
 * context and a status of its own. */
static VOID scribble_in_start(struct probe *pr,
			      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			      PNTSTATUS op)
{
	(VOID)pr;
	if (c->State == KeProcessorAddStartNotify) {
		c->NtNumber = 77;
		c->ProcNumber.Number = 9;
		c->Status = VETO2;
	} else {
		*op = VETO;	/* outside Start: Windows ignores it */
	}
}

static void test_add_each_pass_has_a_fresh_context_and_status(void **state)
{
	int i;

	(void)state;
	ke_set_verifier(FALSE);
	p[0].hook = scribble_in_start;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(ncalls, 6);
	for (i = 1; i < 3; i++) {	/* Start, after the edit */
		assert_int_equal(calls[i].nt, 77);
		assert_int_equal(calls[i].pn.Number, 9);
		assert_int_equal(calls[i].status, VETO2);
	}
	assert_int_equal(calls[3].nt, 4);	/* Complete: made anew */
	assert_int_equal(calls[3].pn.Number, 5);
	assert_int_equal(calls[3].status, STATUS_SUCCESS);
	assert_int_equal(calls[3].op, STATUS_SUCCESS);
	assert_int_equal(calls[4].op, VETO);	/* the pass's one status */
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 5);
}

/* Verifier off: a success code left in Start is no veto; Complete
 * carries it in its context and the add returns it (RE). */
static void test_add_complete_carries_informational_start_status(
	void **state)
{
	(void)state;
	ke_set_verifier(FALSE);
	p[0].veto = INFO;
	assert_int_equal(KeStartDynamicProcessor(5), INFO);
	assert_int_equal(calls[1].op, INFO);
	assert_int_equal(calls[3].state, KeProcessorAddCompleteNotify);
	assert_int_equal(calls[3].status, INFO);
	assert_int_equal(calls[3].op, STATUS_SUCCESS);
	assert_int_equal(events[nevents - 1].status, INFO);
}

static void test_add_veto_skips_backend_start(void **state)
{
	ULONG starts = host_starts();

	(void)state;
	p[2].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	assert_int_equal(host_starts(), starts);
	p[2].veto = 0;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(host_starts(), starts + 1);
}

static void test_add_counts_n_in_start_n_plus_1_in_complete(void **state)
{
	int i;

	(void)state;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	for (i = 0; i < 3; i++)
		assert_int_equal(calls[i].active, 4);
	for (i = 3; i < 6; i++)
		assert_int_equal(calls[i].active, 5);
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 5);
}

/* Read inside the callbacks: the new processor's group is in the
 * affinity and the active group count from Complete on, not in Start. */
static KAFFINITY affinity_seen[3];
static USHORT groups_seen[3];

static VOID look_at_groups(struct probe *pr,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	(VOID)pr;
	(VOID)op;
	affinity_seen[c->State] = KeQueryGroupAffinity(1);
	groups_seen[c->State] = KeQueryActiveGroupCount();
}

static void test_add_group_affinity_updated_before_complete(void **state)
{
	(void)state;
	machine(8, 4, 4, 0);	/* slot 4 opens group 1 */
	register_three();
	p[1].hook = look_at_groups;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(affinity_seen[KeProcessorAddStartNotify], 0);
	assert_int_equal(groups_seen[KeProcessorAddStartNotify], 1);
	assert_int_equal(affinity_seen[KeProcessorAddCompleteNotify], 1);
	assert_int_equal(groups_seen[KeProcessorAddCompleteNotify], 2);
	host_fault(5, HOST_FAIL);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_UNSUCCESSFUL);
	assert_int_equal(affinity_seen[KeProcessorAddFailureNotify], 1);
	assert_int_equal(KeQueryGroupAffinity(1), 1);
}

static void test_add_counts_n_after_failure(void **state)
{
	int i;

	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	for (i = 0; i < ncalls; i++)
		assert_int_equal(calls[i].active, 4);
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 4);
	assert_int_equal(KeQueryGroupAffinity(0), 0xf);
}

/* The failed index goes to the next add, with that processor's own
 * number: slot 6 is index 4 at number 6, slot 5 index 5 at number 5. */
static void test_add_failed_add_consumes_no_index(void **state)
{
	PROCESSOR_NUMBER n;

	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	p[0].veto = 0;
	ncalls = 0;
	assert_int_equal(KeStartDynamicProcessor(6), STATUS_SUCCESS);
	assert_int_equal(calls[0].nt, 4);
	assert_int_equal(calls[0].pn.Number, 6);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(calls[ncalls - 1].nt, 5);
	assert_int_equal(KeGetProcessorNumberFromIndex(5, &n), STATUS_SUCCESS);
	assert_int_equal(n.Number, 5);
	assert_int_equal(KeQueryGroupAffinity(0), 0x6f);
}

static void test_add_number_valid_from_start(void **state)
{
	PROCESSOR_NUMBER n;

	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	/* during Start and Failure the number names the new processor */
	assert_int_equal(calls[0].index_of_number, 4);
	assert_int_equal(calls[5].index_of_number, 4);
	/* and no longer does after the failure */
	assert_int_equal(KeGetProcessorNumberFromIndex(4, &n),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(KeGetProcessorIndexFromNumber(&calls[0].pn),
			 INVALID_PROCESSOR_INDEX);
	p[0].veto = 0;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(KeGetProcessorNumberFromIndex(4, &n), STATUS_SUCCESS);
	assert_int_equal(KeGetProcessorIndexFromNumber(&n), 4);
}

static void expect_failed_start(enum host_fault f, NTSTATUS expect)
{
	int i;

	host_fault(5, f);
	assert_int_equal(KeStartDynamicProcessor(5), expect);
	assert_int_equal(ncalls, 6);
	expect_pass(3, KeProcessorAddFailureNotify, 4, all3, 3);
	for (i = 3; i < 6; i++) {
		assert_int_equal(calls[i].status, expect);
		assert_int_equal(calls[i].op, STATUS_SUCCESS);
	}
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 4);
	/* the slot is usable again */
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
}

static void test_add_start_timeout_fails_with_io_timeout(void **state)
{
	(void)state;
	expect_failed_start(HOST_TIMEOUT, STATUS_IO_TIMEOUT);
}

static void test_add_start_failure_fails_with_unsuccessful(void **state)
{
	(void)state;
	expect_failed_start(HOST_FAIL, STATUS_UNSUCCESSFUL);
}

static void test_add_start_without_ap_init_fails_internal_error(void **state)
{
	(void)state;
	expect_failed_start(HOST_NO_INIT, STATUS_INTERNAL_ERROR);
}

static void test_add_reports_to_sink(void **state)
{
	(void)state;
	p[0].veto = VETO;
	KeStartDynamicProcessor(5);
	p[0].veto = 0;
	KeStartDynamicProcessor(6);
	assert_int_equal(count_events('a'), 2);
	assert_int_equal(nth_event('a', 0)->slot, 5);
	assert_int_equal(nth_event('a', 0)->index, 4);
	assert_int_equal(nth_event('a', 0)->status, VETO);
	assert_int_equal(nth_event('a', 0)->active, 4);
	assert_int_equal(nth_event('a', 1)->status, STATUS_SUCCESS);
	assert_int_equal(nth_event('a', 1)->active, 5);
}

/* Broadcast workers: which processors ran, and on which each thought it
 * was running. */
static ULONG ran[8];

static ULONG_PTR mark(ULONG_PTR arg)
{
	__atomic_add_fetch(&ran[KeGetCurrentProcessorNumberEx(NULL)], 1,
			   __ATOMIC_RELAXED);
	return arg;
}

static ULONG ipi_runs[2];

static VOID ipi_hook(struct probe *pr, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		     PNTSTATUS op)
{
	ULONG i, n = 0;

	(VOID)pr;
	(VOID)op;
	if (c->State == KeProcessorAddFailureNotify)
		return;
	for (i = 0; i < 8; i++)
		ran[i] = 0;
	assert_int_equal(KeIpiGenericCall(mark, 7), 7);
	for (i = 0; i < 8; i++) {
		assert_true(ran[i] <= 1);
		n += ran[i];
	}
	ipi_runs[c->State] = n;
	assert_int_equal(ran[4], c->State == KeProcessorAddCompleteNotify);
}

static void test_ipi_includes_new_processor_only_from_complete(void **state)
{
	(void)state;
	p[1].hook = ipi_hook;
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(ipi_runs[KeProcessorAddStartNotify], 4);
	assert_int_equal(ipi_runs[KeProcessorAddCompleteNotify], 5);
}

/* Registered callbacks hear nothing of an add refused up front. */
static void expect_refused(ULONG slot, NTSTATUS why, ULONG active)
{
	ULONG starts = host_starts();

	reset_log();
	assert_int_equal(KeStartDynamicProcessor(slot), why);
	assert_int_equal(ncalls, 0);
	assert_int_equal(count_events('p'), 0);
	assert_int_equal(host_starts(), starts);
	assert_int_equal(count_events('a'), 1);
	assert_int_equal(nth_event('a', 0)->status, why);
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 active);
}

static void test_add_beyond_cap_fails_before_notifications(void **state)
{
	(void)state;
	machine(8, 2, 0, 3);
	register_three();
	assert_int_equal(KeStartDynamicProcessor(2), STATUS_SUCCESS);
	assert_int_equal(ncalls, 6);
	expect_refused(3, STATUS_LICENSE_QUOTA_EXCEEDED, 3);
}

/* Every processor active: what Windows' KeStartDynamicProcessor returns
 * when the count has reached the maximum (RE). */
static void test_add_with_no_processor_left_fails_license_quota(
	void **state)
{
	(void)state;
	machine(2, 1, 0, 0);
	register_three();
	assert_int_equal(KeStartDynamicProcessor(1), STATUS_SUCCESS);
	expect_refused(1, STATUS_LICENSE_QUOTA_EXCEEDED, 2);
}

/* A slot that is running already, or that the table does not hold. */
static void test_add_of_an_active_or_unknown_slot_is_refused(void **state)
{
	(void)state;
	expect_refused(3, STATUS_INVALID_PARAMETER, 4);
	expect_refused(0, STATUS_INVALID_PARAMETER, 4);
	expect_refused(8, STATUS_INVALID_PARAMETER, 4);
	expect_refused(KE_MAX_PROCESSORS + 1, STATUS_INVALID_PARAMETER, 4);
}

/* An add with nobody registered still has its passes. */
static void test_add_passes_without_registrations(void **state)
{
	(void)state;
	machine(4, 2, 0, 0);
	assert_int_equal(KeStartDynamicProcessor(2), STATUS_SUCCESS);
	assert_int_equal(count_events('p'), 2);
	assert_int_equal(nth_event('p', 0)->status, KeProcessorAddStartNotify);
	assert_int_equal(nth_event('p', 1)->status,
			 KeProcessorAddCompleteNotify);
	assert_int_equal(nth_event('p', 1)->index, 2);
}

static int no_setup(void **state)
{
	(void)state;
	expected_violations = 0;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_three, teardown_three)
#define T0(f) cmocka_unit_test_setup_teardown(f, no_setup, teardown_three)
		T(test_add_success_sends_start_then_complete),
		T(test_add_start_sent_to_all_after_veto),
		T(test_add_failure_sent_to_all_including_vetoer),
		T(test_add_first_veto_wins),
		T(test_add_last_veto_wins_without_verifier),
		T(test_add_each_pass_has_a_fresh_context_and_status),
		T(test_add_complete_carries_informational_start_status),
		T(test_add_veto_skips_backend_start),
		T(test_add_counts_n_in_start_n_plus_1_in_complete),
		T0(test_add_group_affinity_updated_before_complete),
		T(test_add_counts_n_after_failure),
		T(test_add_failed_add_consumes_no_index),
		T(test_add_number_valid_from_start),
		T(test_add_start_timeout_fails_with_io_timeout),
		T(test_add_start_failure_fails_with_unsuccessful),
		T(test_add_start_without_ap_init_fails_internal_error),
		T(test_add_reports_to_sink),
		T(test_ipi_includes_new_processor_only_from_complete),
		T0(test_add_beyond_cap_fails_before_notifications),
		T0(test_add_with_no_processor_left_fails_license_quota),
		T(test_add_of_an_active_or_unknown_slot_is_refused),
		cmocka_unit_test_setup_teardown(
			test_add_passes_without_registrations, no_setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
