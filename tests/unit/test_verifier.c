/*
 * test_verifier.c: each verifier rule is reported once per occurrence,
 * names the driver, and leaves the core consistent (docs/conformance.md,
 * "Verifier" and "Deregistration").
 */
#include <string.h>

#include "harness.h"

#define VETO STATUS_INSUFFICIENT_RESOURCES

static struct ke_driver drv;
static struct probe p[3];

/* The probes belong to a driver "bad", so reports can name it. */
static NTSTATUS entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	int i;

	(VOID)o;
	(VOID)path;
	for (i = 0; i < 3; i++) {
		p[i] = (struct probe){ .id = i + 1, .veto_at = ANY_INDEX };
		if (!reg_probe(&p[i], 0))
			return STATUS_UNSUCCESSFUL;
	}
	return STATUS_SUCCESS;
}

static VOID unload(PDRIVER_OBJECT o)
{
	int i;

	(VOID)o;
	for (i = 0; i < 3; i++)
		if (p[i].handle)
			KeDeregisterProcessorChangeCallback(p[i].handle);
}

static NTSTATUS entry_with_unload(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	o->DriverUnload = unload;
	return entry(o, path);
}

static int setup_driver(void **state)
{
	setup_small(state);
	assert_int_equal(ke_load_driver(&drv, "bad", "", entry_with_unload),
			 STATUS_SUCCESS);
	return 0;
}

static int teardown_driver(void **state)
{
	ke_unload_driver(&drv);
	return teardown(state);
}

/* Exactly one report, with this rule and the driver's name ("-" when
 * the call came from outside any driver). */
static void expect_one_from(const char *rule, const char *driver)
{
	assert_int_equal(count_events('v'), 1);
	assert_string_equal(nth_event('v', 0)->rule, rule);
	assert_string_equal(nth_event('v', 0)->driver, driver);
	assert_int_equal(ke_violations(), 1);
}

static void expect_one(const char *rule)
{
	expect_one_from(rule, "bad");
}

static VOID write_in_non_start(struct probe *pr,
			       PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			       PNTSTATUS op)
{
	(VOID)pr;
	if (c->State != KeProcessorAddStartNotify)
		*op = VETO;
}

static void test_verifier_status_written_in_complete(void **state)
{
	(void)state;
	p[0].hook = write_in_non_start;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	expect_one("status-not-start");
	/* undone: the next callback saw success */
	assert_int_equal(calls[4].op, STATUS_SUCCESS);
}

static void test_verifier_status_written_in_failure(void **state)
{
	(void)state;
	p[0].hook = write_in_non_start;
	host_fault(4, HOST_FAIL);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_UNSUCCESSFUL);
	expect_one("status-not-start");
	assert_int_equal(calls[4].op, STATUS_SUCCESS);	/* undone */
}

static void test_verifier_status_written_in_replay_complete(void **state)
{
	struct probe q = { .id = 9, .hook = write_in_non_start };
	struct ke_driver *prev = ke_current_driver();

	(void)state;
	assert_null(prev);
	assert_non_null(reg_probe(&q, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(count_rule("status-not-start"), 4);
	assert_string_equal(nth_event('v', 0)->driver, "-");
	KeDeregisterProcessorChangeCallback(q.handle);
}

static void test_verifier_status_success_code_in_start(void **state)
{
	(void)state;
	p[1].veto = 0x40000001;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	expect_one("status-success");
	assert_int_equal(calls[2].op, STATUS_SUCCESS);
}

static void test_verifier_status_overwrite_of_other_error(void **state)
{
	(void)state;
	p[0].veto = VETO;
	p[2].veto = STATUS_UNSUCCESSFUL;
	assert_int_equal(KeStartDynamicProcessor(4), VETO);
	expect_one("status-overwrite");
}

static void test_verifier_one_report_per_occurrence(void **state)
{
	(void)state;
	p[0].hook = write_in_non_start;
	p[1].hook = write_in_non_start;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(count_rule("status-not-start"), 4);
	assert_int_equal(ke_violations(), 4);
}

static VOID scribble(struct probe *pr, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		     PNTSTATUS op)
{
	(VOID)pr;
	(VOID)op;
	c->NtNumber = 77;
	c->ProcNumber.Reserved = 1;
}

static void test_verifier_context_modified_is_restored(void **state)
{
	(void)state;
	p[0].hook = scribble;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(count_rule("context-modified"), 2);
	assert_int_equal(calls[1].nt, 4);
	assert_int_equal(calls[1].pn.Reserved, 0);
	assert_int_equal(calls[4].nt, 4);
}

/* Changes one field of the context, a different one on each call
 * (pr->arg counts the calls). */
#define NFIELDS 6
static VOID scribble_one(struct probe *pr,
			 PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	ULONG_PTR n = (ULONG_PTR)pr->arg;

	(VOID)op;
	pr->arg = (PVOID)(n + 1);
	switch (n % NFIELDS) {
	case 0: c->State = (KE_PROCESSOR_CHANGE_NOTIFY_STATE)7; break;
	case 1: c->NtNumber++; break;
	case 2: c->Status = STATUS_UNSUCCESSFUL; break;
	case 3: c->ProcNumber.Group++; break;
	case 4: c->ProcNumber.Number++; break;
	default: c->ProcNumber.Reserved = 1; break;
	}
}

/* The verifier's quick look at the context misses no field, in an add
 * or in a replay, and the next callback sees it restored. */
static void test_verifier_context_any_field_modified(void **state)
{
	struct probe q = { .id = 9, .hook = scribble_one };
	ULONG slot;
	int i;

	(void)state;
	p[0].hook = scribble_one;
	for (slot = 4; slot < 4 + NFIELDS / 2; slot++) {
		reset_log();
		assert_int_equal(KeStartDynamicProcessor(slot), STATUS_SUCCESS);
		assert_int_equal(count_rule("context-modified"), 2);
		for (i = 0; i < ncalls; i++) {
			assert_int_equal(calls[i].nt, slot);
			assert_int_equal(calls[i].index_of_number, slot);
			assert_int_equal(calls[i].status, 0);
		}
	}
	reset_log();
	assert_non_null(reg_probe(&q, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(count_rule("context-modified"),
			 2 * (4 + NFIELDS / 2));
	KeDeregisterProcessorChangeCallback(q.handle);
}

static struct probe inner = { .id = 8 };

static VOID register_inside(struct probe *pr,
			    PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	(VOID)pr;
	(VOID)op;
	if (c->State == KeProcessorAddStartNotify)
		assert_null(reg_probe(&inner, KE_PROCESSOR_CHANGE_ADD_EXISTING));
}

static void test_verifier_register_in_callback_refused(void **state)
{
	(void)state;
	p[1].hook = register_inside;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	expect_one("reg-in-callback");
	assert_int_equal(ncalls, 6);	/* the refused one got nothing */
}

/* Deregisters pr->arg's registration in the state pr->veto_at names
 * (ANY_INDEX: any), once. */
static VOID deregister_target(struct probe *pr,
			      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			      PNTSTATUS op)
{
	struct probe *victim = pr->arg;

	(VOID)op;
	if (victim->handle && (pr->veto_at == ANY_INDEX ||
			       pr->veto_at == (ULONG)c->State)) {
		KeDeregisterProcessorChangeCallback(victim->handle);
		victim->handle = NULL;
	}
}

static const int all[] = { 1, 2, 3 }, first_two[] = { 1, 2 },
		 ends[] = { 1, 3 };

/* Adds processor 4: Start heard by the probes start[0..ns), in order,
 * then Complete by done[0..nd), and nothing else. */
static void expect_add_heard_by(const int *start, int ns, const int *done,
				int nd)
{
	int at;

	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	at = expect_pass(0, KeProcessorAddStartNotify, 4, start, ns);
	at = expect_pass(at, KeProcessorAddCompleteNotify, 4, done, nd);
	assert_int_equal(at, ncalls);
}

/* The running registration waits for itself on Windows: reported, and
 * it goes all the same. */
static void test_verifier_deregister_self_in_callback(void **state)
{
	(void)state;
	p[1].hook = deregister_target;
	p[1].arg = &p[1];
	expect_add_heard_by(all, 3, ends, 2);
	expect_one("dereg-in-callback");
	assert_int_equal(drv.registrations, 2);
}

/* Another registration, removed in Start, Complete or Failure (legal:
 * the deregistration does not take the dynamic-processor lock), gets
 * nothing more of that pass or of the next; no report. */
static void test_deregister_another_in_start_is_legal(void **state)
{
	(void)state;
	p[0].hook = deregister_target;
	p[0].arg = &p[2];
	expect_add_heard_by(first_two, 2, first_two, 2);
	assert_int_equal(count_events('v'), 0);
	assert_int_equal(drv.registrations, 2);
}

static void test_deregister_another_in_complete_is_legal(void **state)
{
	(void)state;
	p[1].hook = deregister_target;
	p[1].arg = &p[2];
	p[1].veto_at = KeProcessorAddCompleteNotify;
	expect_add_heard_by(all, 3, first_two, 2);
	assert_int_equal(count_events('v'), 0);
	reset_log();
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(ncalls, 4);
}

static void test_deregister_another_in_failure_is_legal(void **state)
{
	(void)state;
	p[0].veto = VETO;
	p[0].veto_at = 4;
	p[1].hook = deregister_target;
	p[1].arg = &p[2];
	p[1].veto_at = KeProcessorAddFailureNotify;
	assert_int_equal(KeStartDynamicProcessor(4), VETO);
	expect_pass(0, KeProcessorAddStartNotify, 4, all, 3);
	expect_pass(3, KeProcessorAddFailureNotify, 4, first_two, 2);
	assert_int_equal(ncalls, 5);
	assert_int_equal(count_events('v'), 0);
}

/* From a replay: the replayed driver removes another registration. */
static void test_deregister_another_in_replay_is_legal(void **state)
{
	struct probe q = { .id = 9, .hook = deregister_target, .arg = &p[2],
			   .veto_at = ANY_INDEX };

	(void)state;
	assert_non_null(reg_probe(&q, KE_PROCESSOR_CHANGE_ADD_EXISTING));
	assert_int_equal(ncalls, 8);
	assert_null(p[2].handle);
	assert_int_equal(count_events('v'), 0);
	reset_log();
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 6);	/* p[0], p[1], q; not p[2] */
	KeDeregisterProcessorChangeCallback(q.handle);
}

/* The executive routines on \Callback\ProcessorAdd, from inside its
 * callbacks, are treated as the Ke ones. */
static PVOID ex_handle;

static VOID ex_inside(PVOID ctx, PVOID a1, PVOID a2)
{
	PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = a1;
	PCALLBACK_OBJECT o = ctx;

	(VOID)a2;
	if (c->State != KeProcessorAddStartNotify)
		return;
	assert_null(ExRegisterCallback(o, ex_inside, o));
	ExUnregisterCallback(p[2].handle);	/* another: legal */
	p[2].handle = NULL;
	ExUnregisterCallback(ex_handle);		/* itself: reported */
}

static void test_verifier_ex_routines_inside_a_callback(void **state)
{
	UNICODE_STRING u = RTL_CONSTANT_STRING(L"\\Callback\\ProcessorAdd");
	OBJECT_ATTRIBUTES oa;
	PCALLBACK_OBJECT o;

	(void)state;
	InitializeObjectAttributes(&oa, &u, 0, NULL, NULL);
	assert_int_equal(ExCreateCallback(&o, &oa, FALSE, FALSE),
			 STATUS_SUCCESS);
	ex_handle = ExRegisterCallback(o, ex_inside, o);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(count_rule("reg-in-callback"), 1);
	assert_int_equal(count_rule("dereg-in-callback"), 1);
	assert_int_equal(count_events('v'), 2);
	assert_int_equal(ncalls, 5);	/* three Starts, two Completes */
	ObDereferenceObject(o);
}

static void test_verifier_deregister_null_handle(void **state)
{
	(void)state;
	ke_unload_driver(&drv);
	reset_log();
	KeDeregisterProcessorChangeCallback(NULL);
	assert_int_equal(count_rule("dereg-null"), 1);
}

static void test_verifier_deregister_bad_handle(void **state)
{
	(void)state;
	KeDeregisterProcessorChangeCallback((PVOID)&drv);
	KeDeregisterProcessorChangeCallback((PVOID)(ULONG_PTR)0x7ffb);
	assert_int_equal(count_rule("dereg-bad"), 2);
	assert_int_equal(drv.registrations, 3);
}

static void test_verifier_deregister_twice(void **state)
{
	PVOID h = p[0].handle;

	(void)state;
	KeDeregisterProcessorChangeCallback(h);
	p[0].handle = NULL;
	KeDeregisterProcessorChangeCallback(h);
	expect_one_from("dereg-double", "-");
	assert_int_equal(drv.registrations, 2);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 4);
}

static void test_verifier_unload_while_registered(void **state)
{
	(void)state;
	drv.object.DriverUnload = NULL;	/* "forgets" to deregister */
	ke_unload_driver(&drv);
	assert_int_equal(count_rule("unload-registered"), 3);
	assert_string_equal(nth_event('v', 0)->driver, "bad");
	assert_int_equal(drv.registrations, 0);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 0);
}

static NTSTATUS entry_leaving_one(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	inner.handle = KeRegisterProcessorChangeCallback(probe_cb, &inner, 0);
	return STATUS_UNSUCCESSFUL;
}

static void test_verifier_failed_entry_reclaims_registrations(void **state)
{
	struct ke_driver d2;

	(void)state;
	assert_int_equal(ke_load_driver(&d2, "half", "", entry_leaving_one),
			 STATUS_UNSUCCESSFUL);
	expect_one_from("unload-registered", "half");
	assert_false(d2.loaded);
	assert_int_equal(d2.registrations, 0);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(ncalls, 6);	/* only the three of "bad" */
}

static void test_verifier_off_reports_nothing_and_keeps_writes(void **state)
{
	(void)state;
	ke_set_verifier(FALSE);
	assert_false(ke_verifier_enabled());
	p[0].veto = VETO;
	p[2].veto = STATUS_UNSUCCESSFUL;	/* last writer wins */
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_UNSUCCESSFUL);
	KeDeregisterProcessorChangeCallback(NULL);
	assert_int_equal(count_events('v'), 0);
	assert_int_equal(ke_violations(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_driver, teardown_driver)
		T(test_verifier_status_written_in_complete),
		T(test_verifier_status_written_in_failure),
		T(test_verifier_status_written_in_replay_complete),
		T(test_verifier_status_success_code_in_start),
		T(test_verifier_status_overwrite_of_other_error),
		T(test_verifier_one_report_per_occurrence),
		T(test_verifier_context_modified_is_restored),
		T(test_verifier_context_any_field_modified),
		T(test_verifier_register_in_callback_refused),
		T(test_verifier_deregister_self_in_callback),
		T(test_deregister_another_in_start_is_legal),
		T(test_deregister_another_in_complete_is_legal),
		T(test_deregister_another_in_failure_is_legal),
		T(test_deregister_another_in_replay_is_legal),
		T(test_verifier_ex_routines_inside_a_callback),
		T(test_verifier_deregister_null_handle),
		T(test_verifier_deregister_bad_handle),
		T(test_verifier_deregister_twice),
		T(test_verifier_unload_while_registered),
		T(test_verifier_failed_entry_reclaims_registrations),
		T(test_verifier_off_reports_nothing_and_keeps_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
