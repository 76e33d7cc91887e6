/*
 * test_add.c: the add path, KeStartDynamicProcessor (DESIGN.md section
 * 3, "An add of processor P"), including the backend's faults and the
 * processor cap.
 */
#include "harness.h"

#define VETO STATUS_INSUFFICIENT_RESOURCES
#define VETO2 STATUS_INTERNAL_ERROR

static struct probe p[3];
static const int all3[] = { 1, 2, 3 };
static ULONG expected_violations;

static int setup_three(void **state)
{
	int i;

	setup_small(state);
	expected_violations = 0;
	for (i = 0; i < 3; i++) {
		p[i] = (struct probe){ .id = i + 1, .veto_at = ANY_INDEX };
		assert_non_null(reg_probe(&p[i], 0));
	}
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
	}
	assert_int_equal(notifies, 6);
}

static void test_add_start_sent_to_all_after_veto(void **state)
{
	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	expect_pass(0, KeProcessorAddStartNotify, 4, all3, 3);
	/* the ones after the vetoer see the veto in the shared status */
	assert_int_equal(calls[1].op, VETO);
	assert_int_equal(calls[2].op, VETO);
}

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
		assert_int_equal(calls[at].op, VETO);
	}
}

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

static void test_add_failed_add_consumes_no_index(void **state)
{
	(void)state;
	p[0].veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	p[0].veto = 0;
	ncalls = 0;
	assert_int_equal(KeStartDynamicProcessor(6), STATUS_SUCCESS);
	assert_int_equal(calls[0].nt, 4);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(calls[ncalls - 1].nt, 5);
	assert_int_equal(KeQueryGroupAffinity(0), 0x3f);
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
		assert_int_equal(calls[i].op, expect);
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
	assert_int_equal(events[0].slot, 5);
	assert_int_equal(events[0].index, 4);
	assert_int_equal(events[0].status, VETO);
	assert_int_equal(events[0].active, 4);
	assert_int_equal(events[1].status, STATUS_SUCCESS);
	assert_int_equal(events[1].active, 5);
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

static void test_add_informational_status_is_not_veto(void **state)
{
	(void)state;
	ke_set_verifier(FALSE);
	p[0].veto = 0x40000000;	/* success class, not an error */
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(calls[3].state, KeProcessorAddCompleteNotify);
}

static void test_add_beyond_cap_fails_before_notifications(void **state)
{
	(void)state;
	machine(8, 2, 0, 3);
	assert_int_equal(KeStartDynamicProcessor(2), STATUS_SUCCESS);
	ncalls = nevents = 0;
	assert_int_equal(KeStartDynamicProcessor(3),
			 STATUS_LICENSE_QUOTA_EXCEEDED);
	assert_int_equal(ncalls, 0);
	assert_int_equal(host_starts(), 1);
	assert_int_equal(count_events('a'), 1);
	assert_int_equal(events[0].status, STATUS_LICENSE_QUOTA_EXCEEDED);
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 3);
}

static void test_add_with_no_processor_left_fails_invalid_parameter(
	void **state)
{
	(void)state;
	machine(2, 1, 0, 0);
	assert_int_equal(KeStartDynamicProcessor(1), STATUS_SUCCESS);
	assert_int_equal(KeStartDynamicProcessor(1), STATUS_INVALID_PARAMETER);
	assert_int_equal(host_starts(), 1);
}

static int no_setup(void **state)
{
	(void)state;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_three, teardown_three)
		T(test_add_success_sends_start_then_complete),
		T(test_add_start_sent_to_all_after_veto),
		T(test_add_failure_sent_to_all_including_vetoer),
		T(test_add_first_veto_wins),
		T(test_add_veto_skips_backend_start),
		T(test_add_counts_n_in_start_n_plus_1_in_complete),
		T(test_add_counts_n_after_failure),
		T(test_add_failed_add_consumes_no_index),
		T(test_add_number_valid_from_start),
		T(test_add_start_timeout_fails_with_io_timeout),
		T(test_add_start_failure_fails_with_unsuccessful),
		T(test_add_start_without_ap_init_fails_internal_error),
		T(test_add_reports_to_sink),
		T(test_ipi_includes_new_processor_only_from_complete),
		T(test_add_informational_status_is_not_veto),
		cmocka_unit_test_setup_teardown(
			test_add_beyond_cap_fails_before_notifications,
			no_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_add_with_no_processor_left_fails_invalid_parameter,
			no_setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
