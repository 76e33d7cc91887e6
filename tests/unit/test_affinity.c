/*
 * test_affinity.c: the thread's system affinity. The thread moves to
 * every active processor in turn and back (the backend's own idea of
 * where it runs, host_slot, agrees with the core's index, as a CPUID
 * read there does on firmware); inside a Complete callback it moves to
 * the processor just added; a DPC it queues to its processor there runs
 * there; invalid affinities change nothing; an affinity left set when
 * driver code returns is reported and undone.
 */
#include <string.h>

#include "harness.h"

static GROUP_AFFINITY only(ULONG index)
{
	PROCESSOR_NUMBER n;
	GROUP_AFFINITY a = { 0 };

	assert_int_equal(KeGetProcessorNumberFromIndex(index, &n),
			 STATUS_SUCCESS);
	a.Group = n.Group;
	a.Mask = (KAFFINITY)1 << n.Number;
	return a;
}

static VOID set_flag(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	(VOID)Dpc;
	(VOID)A1;
	(VOID)A2;
	*(ULONG *)Context = KeGetCurrentProcessorNumberEx(NULL) + 1;
}

static void test_affinity_to_every_active_processor(void **state)
{
	GROUP_AFFINITY a, prev;
	ULONG i, ran;
	KDPC dpc;

	(void)state;
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	for (i = 0; i < 5; i++) {
		a = only(i);
		KeSetSystemGroupAffinityThread(&a, &prev);
		assert_int_equal(prev.Mask, 0);
		assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), i);
		assert_int_equal(host_slot(), i);	/* slot i is index i */
		assert_int_equal(ke_thread_processor(), i);
		/* An untargeted DPC queued here runs here, at once. */
		ran = 0;
		KeInitializeDpc(&dpc, set_flag, &ran);
		assert_true(KeInsertQueueDpc(&dpc, NULL, NULL));
		assert_int_equal(ran, i + 1);
		KeRevertToUserGroupAffinityThread(&prev);
		assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
		assert_int_equal(ke_thread_processor(), 0);
	}
	/* Processor to processor without going home. */
	a = only(2);
	KeSetSystemGroupAffinityThread(&a, &prev);
	a = only(3);
	KeSetSystemGroupAffinityThread(&a, NULL);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 3);
	KeRevertToUserGroupAffinityThread(&prev);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	assert_int_equal(ke_violations(), 0);
}

/* The thread stays where it is when that processor is in the set. */
static void test_affinity_keeps_a_processor_in_the_set(void **state)
{
	GROUP_AFFINITY a = { .Mask = 0xe }, prev;

	(void)state;
	KeSetSystemGroupAffinityThread(&a, &prev);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 1);
	a.Mask = 0xc;
	KeSetSystemGroupAffinityThread(&a, NULL);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 2);
	a.Mask = 0x6;
	KeSetSystemGroupAffinityThread(&a, NULL);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 2);
	KeRevertToUserGroupAffinityThread(&prev);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
}

static void test_invalid_affinity_changes_nothing(void **state)
{
	GROUP_AFFINITY bad[] = {
		{ .Mask = 0x30 },		/* held processors only */
		{ .Mask = 0x102 },		/* a bit past the 8 placed */
		{ .Group = 1, .Mask = 1 },	/* no such group */
		{ .Mask = 0 },
	};
	GROUP_AFFINITY prev = { .Mask = 0x55 };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		KeSetSystemGroupAffinityThread(&bad[i], &prev);
		assert_int_equal(prev.Mask, 0x55);
		assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	}
	assert_int_equal(ke_violations(), 0);
}

/* The Ex forms: group 0; the previous system affinity, 0 for none. */
static void test_affinity_ex_forms_nest(void **state)
{
	KAFFINITY first, second;

	(void)state;
	first = KeSetSystemAffinityThreadEx(0x8);
	assert_int_equal(first, 0);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 3);
	second = KeSetSystemAffinityThreadEx(0x2);
	assert_int_equal(second, 0x8);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 1);
	KeRevertToUserAffinityThreadEx(second);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 3);
	KeRevertToUserAffinityThreadEx(first);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	/* The older forms. */
	KeSetSystemAffinityThread(0x4);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 2);
	KeRevertToUserAffinityThread();
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	assert_int_equal(ke_violations(), 0);
}

static void test_affinity_above_apc_level_is_reported(void **state)
{
	GROUP_AFFINITY a = { .Mask = 0x2 };
	KIRQL old;

	(void)state;
	old = KeRaiseIrqlToDpcLevel();
	KeSetSystemGroupAffinityThread(&a, NULL);
	KeLowerIrql(old);
	assert_int_equal(count_rule("affinity-irql"), 1);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
}

/* Complete moves to the processor just added, as a hypervisor driver
 * does, and queues a DPC there that it waits for. */
struct seen_there {
	ULONG index, slot, dpc_ran;
	PROCESSOR_NUMBER pn;
	KEVENT done;
	KDPC dpc;
};

static VOID dpc_there(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
	struct seen_there *s = Context;

	(VOID)Dpc;
	(VOID)A1;
	(VOID)A2;
	s->dpc_ran = KeGetCurrentProcessorNumberEx(NULL) + 1;
	KeSetEvent(&s->done, IO_NO_INCREMENT, FALSE);
}

static VOID go_there(struct probe *p, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		     PNTSTATUS op)
{
	struct seen_there *s = p->arg;
	GROUP_AFFINITY a = { 0 }, prev;
	LARGE_INTEGER t = { .QuadPart = -100000000LL };

	(VOID)op;
	if (c->State != KeProcessorAddCompleteNotify)
		return;
	a.Group = c->ProcNumber.Group;
	a.Mask = (KAFFINITY)1 << c->ProcNumber.Number;
	KeSetSystemGroupAffinityThread(&a, &prev);
	s->index = KeGetCurrentProcessorNumberEx(&s->pn);
	s->slot = host_slot();
	KeInitializeEvent(&s->done, NotificationEvent, FALSE);
	KeInitializeDpc(&s->dpc, dpc_there, s);
	KeSetTargetProcessorDpcEx(&s->dpc, &c->ProcNumber);
	KeInsertQueueDpc(&s->dpc, NULL, NULL);
	KeWaitForSingleObject(&s->done, Executive, KernelMode, FALSE, &t);
	if (p->id == 1)
		KeRevertToUserGroupAffinityThread(&prev);
}

static void test_complete_moves_to_the_new_processor(void **state)
{
	struct seen_there s;
	struct probe p = { .id = 1, .veto_at = ANY_INDEX, .hook = go_there,
			   .arg = &s };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_non_null(reg_probe(&p, 0));
	assert_int_equal(KeStartDynamicProcessor(6), STATUS_SUCCESS);
	assert_int_equal(s.index, 4);
	assert_int_equal(s.slot, 6);
	assert_int_equal(s.dpc_ran, 5);
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	assert_int_equal(ke_violations(), 0);
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* Id 2 forgets to revert: reported, and the add goes on on the BSP. */
static void test_callback_left_on_another_processor_is_reported(void **state)
{
	struct seen_there s;
	struct probe p = { .id = 2, .veto_at = ANY_INDEX, .hook = go_there,
			   .arg = &s };
	struct event *e;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_non_null(reg_probe(&p, 0));
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(s.slot, 5);
	assert_int_equal(count_rule("affinity-not-reverted"), 1);
	e = nth_event('v', 0);
	assert_non_null(strstr(e->text, "processor-change callback"));
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	assert_int_equal(ke_thread_processor(), 0);
	assert_int_equal(host_slot(), 0);
	KeDeregisterProcessorChangeCallback(p.handle);
}

/* Registering from a callback, moved elsewhere: still the thread that
 * holds the dynamic-processor lock, so refused, not a wait for ever. */
static VOID register_there(struct probe *p,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	GROUP_AFFINITY a = { .Mask = 0x2 }, prev;

	(VOID)op;
	if (c->State != KeProcessorAddCompleteNotify)
		return;
	KeSetSystemGroupAffinityThread(&a, &prev);
	p->arg = KeRegisterProcessorChangeCallback(probe_cb, p, 0);
	KeRevertToUserGroupAffinityThread(&prev);
}

static void test_registration_from_a_moved_callback_is_refused(void **state)
{
	struct probe p = { .id = 3, .veto_at = ANY_INDEX,
			   .hook = register_there };

	(void)state;
	assert_non_null(reg_probe(&p, 0));
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_null(p.arg);
	assert_int_equal(count_rule("reg-in-callback"), 1);
	KeDeregisterProcessorChangeCallback(p.handle);
}

static NTSTATUS stays_away(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	KeSetSystemAffinityThreadEx(0x4);
	return STATUS_SUCCESS;
}

static void test_driver_entry_left_on_another_processor(void **state)
{
	struct ke_driver d;

	(void)state;
	assert_int_equal(ke_load_driver(&d, "away", "", stays_away),
			 STATUS_SUCCESS);
	assert_int_equal(count_rule("affinity-not-reverted"), 1);
	assert_string_equal(nth_event('v', 0)->driver, "away");
	assert_int_equal(KeGetCurrentProcessorNumberEx(NULL), 0);
	ke_unload_driver(&d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
	const struct CMUnitTest tests[] = {
		T(test_affinity_to_every_active_processor),
		T(test_affinity_keeps_a_processor_in_the_set),
		T(test_invalid_affinity_changes_nothing),
		T(test_affinity_ex_forms_nest),
		T(test_affinity_above_apc_level_is_reported),
		T(test_complete_moves_to_the_new_processor),
		T(test_callback_left_on_another_processor_is_reported),
		T(test_driver_entry_left_on_another_processor),
		T(test_registration_from_a_moved_callback_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
