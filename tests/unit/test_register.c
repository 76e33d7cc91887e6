/*
 * test_register.c: KeRegisterProcessorChangeCallback,
 * KeDeregisterProcessorChangeCallback and the ADD_EXISTING replay
 * (DESIGN.md section 3, "Registration" and "Deregistration"), and the Ex
 * callback object underneath.
 */
#include "harness.h"

#define VETO STATUS_INSUFFICIENT_RESOURCES

static void test_register_without_flag_returns_handle_and_calls_nothing(
	void **state)
{
	struct probe p = { .id = 1 };

	(void)state;
	assert_non_null(reg_probe(&p, 0));
	assert_int_equal(ncalls, 0);
	KeDeregisterProcessorChangeCallback(p.handle);
	assert_int_equal(ke_violations(), 0);
}

static void test_register_returns_null_when_allocation_fails(void **state)
{
	struct probe p = { .id = 1 };

	(void)state;
	host_fail_allocs(1);
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 0);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 0);
}

static void test_replay_sends_all_start_then_all_complete(void **state)
{
	struct probe p = { .id = 1 };
	ULONG i;

	(void)state;
	assert_non_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 8);
	for (i = 0; i < 8; i++) {
		assert_int_equal(calls[i].state, i < 4 ?
				 KeProcessorAddStartNotify :
				 KeProcessorAddCompleteNotify);
		assert_int_equal(calls[i].nt, i % 4);
		assert_int_equal(calls[i].status, STATUS_SUCCESS);
		assert_int_equal(calls[i].op, STATUS_SUCCESS);
		assert_int_equal(calls[i].index_of_number, i % 4);
		assert_int_equal(calls[i].active, 4);
	}
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* Vetoes at processor 1 only; with the status reset before each Start,
 * processor 1 must still see success on entry. */
static VOID veto_only_at_1(struct probe *p,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	(VOID)p;
	if (c->NtNumber == 1 && c->State == KeProcessorAddStartNotify)
		*op = VETO;
}

static void test_replay_veto_sends_failure_for_earlier_processors_only(
	void **state)
{
	struct probe p = { .id = 1, .veto = VETO, .veto_at = 2 };
	int at;

	(void)state;
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 5);
	for (at = 0; at < 3; at++)
		assert_int_equal(calls[at].state, KeProcessorAddStartNotify);
	for (at = 3; at < 5; at++) {
		assert_int_equal(calls[at].state, KeProcessorAddFailureNotify);
		assert_int_equal(calls[at].nt, at - 3);
		assert_int_equal(calls[at].status, VETO);
		assert_int_equal(calls[at].op, VETO);
	}
	assert_int_equal(ke_violations(), 0);
}

static void test_replay_status_reset_before_each_start(void **state)
{
	struct probe p = { .id = 1, .hook = veto_only_at_1 };

	(void)state;
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(calls[0].op, STATUS_SUCCESS);
	assert_int_equal(calls[1].op, STATUS_SUCCESS);
	assert_int_equal(ncalls, 3);	/* Start 0, Start 1, Failure 0 */
	assert_int_equal(calls[2].state, KeProcessorAddFailureNotify);
	assert_int_equal(calls[2].nt, 0);
}

static void test_replay_veto_at_first_processor_sends_no_failure(void **state)
{
	struct probe p = { .id = 1, .veto = VETO, .veto_at = 0 };

	(void)state;
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 1);
}

static void test_replay_veto_undoes_registration(void **state)
{
	struct probe p = { .id = 1, .veto = VETO, .veto_at = 3 };

	(void)state;
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	ncalls = 0;
	p.veto = 0;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 0);
	assert_int_equal(host_allocs(), 0);
}

static void test_only_flag_bit_0_selects_replay(void **state)
{
	struct probe a = { .id = 1 }, b = { .id = 2 };

	(void)state;
	assert_non_null(reg_probe(&a, ~(ULONG)KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 0);
	assert_non_null(reg_probe(&b, 0x3));
	assert_int_equal(ncalls, 8);
	KeDeregisterProcessorChangeCallback(a.handle);
	KeDeregisterProcessorChangeCallback(b.handle);
}

static void test_callbacks_run_in_registration_order(void **state)
{
	struct probe p[3] = { { .id = 1 }, { .id = 2 }, { .id = 3 } };
	static const int order[] = { 1, 2, 3 };
	int i, at;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_non_null(reg_probe(&p[i], 0));
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	at = expect_pass(0, KeProcessorAddStartNotify, 4, order, 3);
	at = expect_pass(at, KeProcessorAddCompleteNotify, 4, order, 3);
	assert_int_equal(at, ncalls);
	for (i = 0; i < 3; i++)
		KeDeregisterProcessorChangeCallback(p[i].handle);
}

static void test_deregistered_callback_gets_nothing_more(void **state)
{
	struct probe a = { .id = 1 }, b = { .id = 2 };
	static const int only_b[] = { 2 };

	(void)state;
	reg_probe(&a, 0);
	reg_probe(&b, 0);
	KeDeregisterProcessorChangeCallback(a.handle);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	expect_pass(0, KeProcessorAddStartNotify, 4, only_b, 1);
	assert_int_equal(ncalls, 2);
	KeDeregisterProcessorChangeCallback(b.handle);
	assert_int_equal(ke_violations(), 0);
}

/* The Ke functions sit on \Callback\ProcessorAdd: a driver that opens
 * the object itself gets the same notifications. */
static PVOID seen_ctx, seen_status;
static ULONG seen_calls;

static VOID ex_cb(PVOID ctx, PVOID a1, PVOID a2)
{
	PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = a1;

	assert_ptr_equal(ctx, &seen_calls);
	seen_ctx = a1;
	seen_status = a2;
	seen_calls += c->State == KeProcessorAddStartNotify;
}

static VOID open_object(PCALLBACK_OBJECT *o, PCWSTR name, BOOLEAN create,
			NTSTATUS expect)
{
	OBJECT_ATTRIBUTES oa;
	UNICODE_STRING u;

	RtlInitUnicodeString(&u, name);
	InitializeObjectAttributes(&oa, &u, OBJ_CASE_INSENSITIVE, NULL, NULL);
	assert_int_equal(ExCreateCallback(o, &oa, create, TRUE), expect);
}

static void test_ex_processor_add_object_carries_notifications(void **state)
{
	PCALLBACK_OBJECT o;
	PVOID h;

	(void)state;
	seen_calls = 0;
	open_object(&o, u"\\callback\\processoradd", FALSE, STATUS_SUCCESS);
	h = ExRegisterCallback(o, ex_cb, &seen_calls);
	assert_non_null(h);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(seen_calls, 1);
	assert_non_null(seen_ctx);
	assert_non_null(seen_status);
	ExUnregisterCallback(h);
	ObDereferenceObject(o);
}

static void test_ex_create_opens_or_creates_by_name(void **state)
{
	PCALLBACK_OBJECT o, again;
	PVOID h;

	(void)state;
	seen_calls = 0;
	open_object(&o, u"\\Callback\\Mine", FALSE,
		    STATUS_OBJECT_NAME_NOT_FOUND);
	open_object(&o, u"\\Callback\\Mine", TRUE, STATUS_SUCCESS);
	open_object(&again, u"\\CALLBACK\\MINE", FALSE, STATUS_SUCCESS);
	assert_ptr_equal(o, again);
	h = ExRegisterCallback(o, ex_cb, &seen_calls);
	ExNotifyCallback(o, &(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT){ 0 }, NULL);
	assert_int_equal(seen_calls, 1);
	ExUnregisterCallback(h);
}

static void test_ex_single_callback_object_refuses_second(void **state)
{
	OBJECT_ATTRIBUTES oa;
	PCALLBACK_OBJECT o;
	PVOID h;

	(void)state;
	InitializeObjectAttributes(&oa, NULL, 0, NULL, NULL);
	assert_int_equal(ExCreateCallback(&o, &oa, TRUE, FALSE),
			 STATUS_SUCCESS);
	h = ExRegisterCallback(o, ex_cb, &seen_calls);
	assert_non_null(h);
	assert_null(ExRegisterCallback(o, ex_cb, &seen_calls));
	ExUnregisterCallback(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
		T(test_register_without_flag_returns_handle_and_calls_nothing),
		T(test_register_returns_null_when_allocation_fails),
		T(test_replay_sends_all_start_then_all_complete),
		T(test_replay_veto_sends_failure_for_earlier_processors_only),
		T(test_replay_status_reset_before_each_start),
		T(test_replay_veto_at_first_processor_sends_no_failure),
		T(test_replay_veto_undoes_registration),
		T(test_only_flag_bit_0_selects_replay),
		T(test_callbacks_run_in_registration_order),
		T(test_deregistered_callback_gets_nothing_more),
		T(test_ex_processor_add_object_carries_notifications),
		T(test_ex_create_opens_or_creates_by_name),
		T(test_ex_single_callback_object_refuses_second),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
