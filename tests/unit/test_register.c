/*
 * test_register.c: KeRegisterProcessorChangeCallback,
 * KeDeregisterProcessorChangeCallback and the ADD_EXISTING replay
 * (docs/conformance.md, "Registration" and "Deregistration"), and the Ex
 * callback object underneath.
 */
#include "harness.h"

#define VETO STATUS_INSUFFICIENT_RESOURCES
#define VETO2 STATUS_INTERNAL_ERROR
#define INFO ((NTSTATUS)0x40000000)

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

/* Writes `code` to the status in Start of processor pr->veto_at. */
static VOID write_in_start(struct probe *pr,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	if (c->State == KeProcessorAddStartNotify && c->NtNumber == pr->veto_at)
		*op = (NTSTATUS)(ULONG_PTR)pr->arg;
}

/* Verifier off: a replay whose callback writes a success code in Start
 * of processor `at` (of 0..3). */
static VOID replay_writing_info_at(struct probe *p, ULONG at)
{
	*p = (struct probe){ .id = 1, .veto_at = at, .hook = write_in_start,
			     .arg = (PVOID)(ULONG_PTR)INFO };
	ke_set_verifier(FALSE);
	assert_non_null(reg_probe(p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 8);
}

/* A success code written in Start of processor 0: Start of processor 1
 * still gets STATUS_SUCCESS (reset before each Start, RE), and so does
 * Complete, which starts from the last Start's. */
static void test_replay_status_reset_before_each_start(void **state)
{
	struct probe p;
	int i;

	(void)state;
	replay_writing_info_at(&p, 0);
	assert_int_equal(calls[0].op, STATUS_SUCCESS);
	for (i = 1; i < 8; i++) {
		assert_int_equal(calls[i].op, STATUS_SUCCESS);
		assert_int_equal(calls[i].status, STATUS_SUCCESS);
	}
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* A success code written in the last Start: Complete carries it as its
 * Status and starts with it as its status (RE). */
static void test_replay_complete_carries_the_last_start_status(void **state)
{
	struct probe p;
	int i;

	(void)state;
	replay_writing_info_at(&p, 3);
	for (i = 4; i < 8; i++) {
		assert_int_equal(calls[i].state, KeProcessorAddCompleteNotify);
		assert_int_equal(calls[i].status, INFO);
		assert_int_equal(calls[i].op, INFO);
	}
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* Writes VETO2 to the status in Complete or Failure of processor 0. */
static VOID write_after_start(struct probe *pr,
			      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			      PNTSTATUS op)
{
	(VOID)pr;
	if (c->State != KeProcessorAddStartNotify && c->NtNumber == 0)
		*op = VETO2;
}

/* Verifier off: in Complete and Failure the status is never reset, so a
 * write there reaches the next processors; it changes nothing else. */
static void test_replay_second_pass_keeps_the_status(void **state)
{
	struct probe p = { .id = 1, .hook = write_after_start,
			   .veto_at = ANY_INDEX };
	int i;

	(void)state;
	ke_set_verifier(FALSE);
	assert_non_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(calls[4].op, STATUS_SUCCESS);
	for (i = 5; i < 8; i++)
		assert_int_equal(calls[i].op, VETO2);
	KeDeregisterProcessorChangeCallback(p.handle);
	reset_log();
	p.veto = VETO;
	p.veto_at = 3;
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 7);
	assert_int_equal(calls[4].op, VETO);	/* Failure 0 */
	assert_int_equal(calls[5].op, VETO2);
	assert_int_equal(calls[6].op, VETO2);
	for (i = 4; i < 7; i++)
		assert_int_equal(calls[i].status, VETO);
}

/* Changes every field it may, in processor 0's Start and Complete. */
static VOID scribble_at_0(struct probe *pr,
			  PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	(VOID)pr;
	(VOID)op;
	if (c->NtNumber != 0)
		return;
	c->State = (KE_PROCESSOR_CHANGE_NOTIFY_STATE)7;
	c->NtNumber = 99;
	c->Status = VETO2;
	c->ProcNumber.Group = 3;
	c->ProcNumber.Number = 33;
	c->ProcNumber.Reserved = 5;
}

/* Verifier off: the replay's one context gets NtNumber, Group and
 * Number anew for each processor, State and Status anew only in Start,
 * Reserved never (RE). */
static void test_replay_context_refreshed_as_on_windows(void **state)
{
	struct probe p = { .id = 1, .hook = scribble_at_0,
			   .veto_at = ANY_INDEX };

	(void)state;
	ke_set_verifier(FALSE);
	assert_non_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 8);
	/* Start 1 */
	assert_int_equal(calls[1].state, KeProcessorAddStartNotify);
	assert_int_equal(calls[1].nt, 1);
	assert_int_equal(calls[1].status, STATUS_SUCCESS);
	assert_int_equal(calls[1].pn.Group, 0);
	assert_int_equal(calls[1].pn.Number, 1);
	assert_int_equal(calls[1].pn.Reserved, 5);
	/* Complete 0 is made from the pass's State and Status ... */
	assert_int_equal(calls[4].state, KeProcessorAddCompleteNotify);
	assert_int_equal(calls[4].status, STATUS_SUCCESS);
	assert_int_equal(calls[4].nt, 0);
	/* ... which Complete 1 gets as the callback left them */
	assert_int_equal(calls[5].state, 7);
	assert_int_equal(calls[5].status, VETO2);
	assert_int_equal(calls[5].nt, 1);
	assert_int_equal(calls[5].pn.Group, 0);
	assert_int_equal(calls[5].pn.Number, 1);
	assert_int_equal(calls[5].pn.Reserved, 5);
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* Each pass of a replay is announced, for the registering driver. */
static void test_replay_passes_are_announced(void **state)
{
	struct probe p = { .id = 1, .veto_at = ANY_INDEX };

	(void)state;
	assert_non_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(count_events('p'), 2);
	assert_true(nth_event('p', 0)->replay);
	assert_int_equal(nth_event('p', 0)->status, KeProcessorAddStartNotify);
	assert_true(nth_event('p', 0) - events < calls[0].events_before);
	assert_int_equal(nth_event('p', 1)->status,
			 KeProcessorAddCompleteNotify);
	assert_true(nth_event('p', 1) - events < calls[4].events_before);
	assert_true(nth_event('p', 1) - events >= calls[3].events_before);
	KeDeregisterProcessorChangeCallback(p.handle);
	reset_log();
	p.veto = VETO;
	p.veto_at = 0;		/* nothing to fail: no Failure pass */
	assert_null(reg_probe(&p, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(count_events('p'), 1);
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
 * the object itself gets the same notifications, in the same list. */
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

/* The probe, as an executive callback. */
static VOID ex_probe(PVOID ctx, PVOID a1, PVOID a2)
{
	probe_cb(ctx, a1, a2);
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

/* Ke, Ex, Ke registered in that order hear every pass in that order,
 * with the same context and status; a veto through the Ex one is a veto. */
static void test_ex_processor_add_object_carries_notifications(void **state)
{
	struct probe a = { .id = 1, .veto_at = ANY_INDEX },
		     b = { .id = 2, .veto_at = ANY_INDEX },
		     c = { .id = 3, .veto_at = ANY_INDEX };
	static const int order[] = { 1, 2, 3 };
	PCALLBACK_OBJECT o;
	PVOID h;
	int at, i;

	(void)state;
	open_object(&o, u"\\callback\\processoradd", FALSE, STATUS_SUCCESS);
	reg_probe(&a, 0);
	h = ExRegisterCallback(o, ex_probe, &b);
	assert_non_null(h);
	reg_probe(&c, 0);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	at = expect_pass(0, KeProcessorAddStartNotify, 4, order, 3);
	at = expect_pass(at, KeProcessorAddCompleteNotify, 4, order, 3);
	assert_int_equal(at, ncalls);
	for (i = 0; i < 6; i++) {
		assert_int_equal(calls[i].status, STATUS_SUCCESS);
		assert_int_equal(calls[i].op, STATUS_SUCCESS);
		assert_int_equal(calls[i].pn.Number, 4);
		assert_int_equal(calls[i].index_of_number, 4);
	}
	reset_log();
	b.veto = VETO;
	assert_int_equal(KeStartDynamicProcessor(5), VETO);
	at = expect_pass(0, KeProcessorAddStartNotify, 5, order, 3);
	at = expect_pass(at, KeProcessorAddFailureNotify, 5, order, 3);
	assert_int_equal(calls[2].op, VETO);
	assert_int_equal(calls[4].status, VETO);
	ExUnregisterCallback(h);
	KeDeregisterProcessorChangeCallback(a.handle);
	KeDeregisterProcessorChangeCallback(c.handle);
	assert_int_equal(ObDereferenceObject(o), 1);
	assert_int_equal(ke_violations(), 0);
}

/* A NULL function: Windows takes it and calls it at the first add. */
static void test_register_null_function_refused(void **state)
{
	PCALLBACK_OBJECT o;

	(void)state;
	assert_null(KeRegisterProcessorChangeCallback(NULL, NULL,
			KE_PROCESSOR_CHANGE_ADD_EXISTING));
	open_object(&o, u"\\Callback\\ProcessorAdd", FALSE, STATUS_SUCCESS);
	assert_null(ExRegisterCallback(o, NULL, NULL));
	assert_int_equal(count_rule("reg-null-callback"), 2);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
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
		T(test_replay_complete_carries_the_last_start_status),
		T(test_replay_second_pass_keeps_the_status),
		T(test_replay_context_refreshed_as_on_windows),
		T(test_replay_passes_are_announced),
		T(test_replay_veto_at_first_processor_sends_no_failure),
		T(test_replay_veto_undoes_registration),
		T(test_only_flag_bit_0_selects_replay),
		T(test_callbacks_run_in_registration_order),
		T(test_deregistered_callback_gets_nothing_more),
		T(test_ex_processor_add_object_carries_notifications),
		T(test_register_null_function_refused),
		T(test_ex_create_opens_or_creates_by_name),
		T(test_ex_single_callback_object_refuses_second),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
