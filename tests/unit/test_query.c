/*
 * test_query.c: the processor and group queries (docs/conformance.md,
 * "Groups" and "Queries") on machines with several groups.
 */
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int no_setup(void **state)
{
	(void)state;
	return 0;
}

static void test_query_non_ex_forms_describe_group_0(void **state)
{
	KAFFINITY a = 0;

	(void)state;
	machine(7, 5, 2, 0);
	assert_int_equal(KeQueryActiveProcessorCount(&a), 2);
	assert_int_equal(a, 0x3);
	assert_int_equal(KeQueryActiveProcessorCount(NULL), 2);
	assert_int_equal(KeQueryActiveProcessors(), 0x3);
	assert_int_equal(KeQueryMaximumProcessorCount(), 2);
}

static void test_query_all_groups_counts_everything(void **state)
{
	(void)state;
	machine(7, 5, 2, 0);
	assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 5);
	assert_int_equal(KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 7);
}

static void test_query_group_size_two_makes_groups(void **state)
{
	(void)state;
	machine(7, 3, 2, 0);
	assert_int_equal(KeQueryMaximumGroupCount(), 4);
	assert_int_equal(KeQueryActiveGroupCount(), 2);
	assert_int_equal(KeQueryGroupAffinity(0), 0x3);
	assert_int_equal(KeQueryGroupAffinity(1), 0x1);
	assert_int_equal(KeQueryGroupAffinity(2), 0);
	assert_int_equal(KeQueryActiveProcessorCountEx(1), 1);
	assert_int_equal(KeQueryMaximumProcessorCountEx(3), 1);
	assert_int_equal(KeStartDynamicProcessor(3), STATUS_SUCCESS);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(KeQueryActiveGroupCount(), 3);
	assert_int_equal(KeQueryGroupAffinity(1), 0x3);
	assert_int_equal(KeQueryGroupAffinity(2), 0x1);
}

static void test_query_default_group_size_is_64(void **state)
{
	PROCESSOR_NUMBER n;

	(void)state;
	machine(130, 66, 0, 0);
	assert_int_equal(KeQueryMaximumGroupCount(), 3);
	assert_int_equal(KeQueryActiveGroupCount(), 2);
	assert_int_equal(KeQueryGroupAffinity(0), ~(KAFFINITY)0);
	assert_int_equal(KeQueryGroupAffinity(1), 0x3);
	assert_int_equal(KeGetProcessorNumberFromIndex(65, &n),
			 STATUS_SUCCESS);
	assert_int_equal(n.Group, 1);
	assert_int_equal(n.Number, 1);
}

static void test_query_bad_group_returns_zero(void **state)
{
	(void)state;
	machine(7, 3, 2, 0);
	assert_int_equal(KeQueryActiveProcessorCountEx(4), 0);
	assert_int_equal(KeQueryMaximumProcessorCountEx(4), 0);
	assert_int_equal(KeQueryGroupAffinity(4), 0);
	assert_int_equal(KeQueryGroupAffinity(0xfffe), 0);
}

static void test_query_max_count_constant_across_adds(void **state)
{
	(void)state;
	machine(4, 1, 0, 0);
	assert_int_equal(KeStartDynamicProcessor(1), STATUS_SUCCESS);
	host_fault(2, HOST_FAIL);
	assert_int_equal(KeStartDynamicProcessor(2), STATUS_UNSUCCESSFUL);
	assert_int_equal(KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 4);
	assert_int_equal(KeQueryMaximumProcessorCount(), 4);
}

static void test_index_from_number_bad_number_is_invalid_index(void **state)
{
	PROCESSOR_NUMBER n = { 0 };

	(void)state;
	machine(7, 3, 2, 0);
	n.Number = 2;			/* beyond the group size */
	assert_int_equal(KeGetProcessorIndexFromNumber(&n),
			 INVALID_PROCESSOR_INDEX);
	n = (PROCESSOR_NUMBER){ .Group = 1, .Number = 1 };	/* index 3 */
	assert_int_equal(KeGetProcessorIndexFromNumber(&n),
			 INVALID_PROCESSOR_INDEX);
	n = (PROCESSOR_NUMBER){ .Group = 9 };
	assert_int_equal(KeGetProcessorIndexFromNumber(&n),
			 INVALID_PROCESSOR_INDEX);
	n = (PROCESSOR_NUMBER){ .Group = 1, .Reserved = 1 };
	assert_int_equal(KeGetProcessorIndexFromNumber(&n),
			 INVALID_PROCESSOR_INDEX);
	assert_int_equal(KeGetProcessorIndexFromNumber(NULL),
			 INVALID_PROCESSOR_INDEX);
}

static void test_number_from_index_bad_index_is_invalid_parameter(
	void **state)
{
	PROCESSOR_NUMBER n;

	(void)state;
	machine(7, 3, 2, 0);
	assert_int_equal(KeGetProcessorNumberFromIndex(3, &n),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(KeGetProcessorNumberFromIndex(INVALID_PROCESSOR_INDEX,
						       &n),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(KeGetProcessorNumberFromIndex(0, NULL),
			 STATUS_INVALID_PARAMETER);
}

static void test_index_number_is_a_bijection(void **state)
{
	PROCESSOR_NUMBER n, seen[9];
	ULONG i, j;

	(void)state;
	machine(9, 9, 4, 0);
	for (i = 0; i < 9; i++) {
		assert_int_equal(KeGetProcessorNumberFromIndex(i, &n),
				 STATUS_SUCCESS);
		assert_int_equal(n.Reserved, 0);
		assert_true(n.Number < 4);
		assert_int_equal(KeGetProcessorIndexFromNumber(&n), i);
		for (j = 0; j < i; j++)
			assert_false(seen[j].Group == n.Group &&
				     seen[j].Number == n.Number);
		seen[i] = n;
	}
}

/* A worker that records, on each processor, the backend's own idea of
 * where it runs (the thread's slot) and what the core says. */
struct seen {
	ULONG runs, index;
	PROCESSOR_NUMBER pn;
};
static struct seen seen_at[HOST_MAX];

static ULONG_PTR whoami(ULONG_PTR arg)
{
	struct seen *s = &seen_at[host_slot()];

	s->index = KeGetCurrentProcessorNumberEx(&s->pn);
	__atomic_add_fetch(&s->runs, 1, __ATOMIC_RELAXED);
	return arg + s->index;
}

/* Two packages of three, groups of four: package 1 is group 1 (a node
 * stays whole in a group), its processors numbered from 0. */
static const struct ke_processor two_by_three[] = {
	{ .slot = 0, .package = 0, .core = 0, .node = 0, .active = TRUE, .present = TRUE },
	{ .slot = 1, .package = 0, .core = 1, .node = 0, .active = TRUE, .present = TRUE },
	{ .slot = 2, .package = 0, .core = 2, .node = 0, .active = TRUE, .present = TRUE },
	{ .slot = 3, .package = 1, .core = 0, .node = 1, .active = TRUE, .present = TRUE },
	{ .slot = 4, .package = 1, .core = 1, .node = 1, .present = TRUE },
	{ .slot = 5, .package = 1, .core = 2, .node = 1, .present = TRUE },
};

/* Where the Windows rules put each slot of two_by_three, worked out by
 * hand: not what index / group size would give. */
static const PROCESSOR_NUMBER two_by_three_at[] = {
	{ 0, 0, 0 }, { 0, 1, 0 }, { 0, 2, 0 }, { 1, 0, 0 }, { 1, 1, 0 },
	{ 1, 2, 0 },
};

static void expect_number(PROCESSOR_NUMBER n, PROCESSOR_NUMBER want)
{
	assert_int_equal(n.Group, want.Group);
	assert_int_equal(n.Number, want.Number);
	assert_int_equal(n.Reserved, 0);
}

/* Checked against the thread each worker ran on, not against the
 * function under test: slot 5 is added before slot 4, so it is index 4
 * at number 1:2, and slot 4 index 5 at 1:1. */
static void test_current_processor_number_right_on_every_processor(
	void **state)
{
	static const ULONG index_of_slot[] = { 0, 1, 2, 3, 5, 4 };
	ULONG s;

	(void)state;
	machine_table(two_by_three, 6, 4, 0);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_SUCCESS);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	memset(seen_at, 0, sizeof(seen_at));
	KeIpiGenericCall(whoami, 0);
	for (s = 0; s < 6; s++) {
		assert_int_equal(seen_at[s].runs, 1);
		assert_int_equal(seen_at[s].index, index_of_slot[s]);
		expect_number(seen_at[s].pn, two_by_three_at[s]);
	}
}

static void test_groups_keep_a_package_whole(void **state)
{
	PROCESSOR_NUMBER n;
	ULONG s;

	(void)state;
	machine_table(two_by_three, 6, 4, 0);
	for (s = 0; s < 6; s++) {
		assert_int_equal(ke_slot_number(s, &n), STATUS_SUCCESS);
		expect_number(n, two_by_three_at[s]);
	}
	assert_int_equal(ke_slot_number(6, &n), STATUS_INVALID_PARAMETER);
	assert_int_equal(KeQueryMaximumGroupCount(), 2);
	assert_int_equal(KeQueryActiveGroupCount(), 2);
	assert_int_equal(KeQueryMaximumProcessorCountEx(0), 3);
	assert_int_equal(KeQueryMaximumProcessorCountEx(1), 3);
	assert_int_equal(KeQueryGroupAffinity(0), 0x7);
	assert_int_equal(KeQueryGroupAffinity(1), 0x1);
	/* index 3 is 1:0, and 0:3 names nothing */
	assert_int_equal(KeGetProcessorNumberFromIndex(3, &n), STATUS_SUCCESS);
	expect_number(n, two_by_three_at[3]);
	n = (PROCESSOR_NUMBER){ .Group = 0, .Number = 3 };
	assert_int_equal(KeGetProcessorIndexFromNumber(&n),
			 INVALID_PROCESSOR_INDEX);
	/* the held slot 4 keeps the number it got at boot */
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(KeGetProcessorNumberFromIndex(4, &n), STATUS_SUCCESS);
	expect_number(n, two_by_three_at[4]);
	assert_int_equal(KeQueryGroupAffinity(1), 0x3);
}

/* 80 processors, packages of `per` (each its NUMA node), the first
 * `active` running, groups of 64. */
static VOID eighty_in_packages_of(ULONG per, ULONG active)
{
	static struct ke_processor p[80];
	ULONG i;

	for (i = 0; i < 80; i++)
		p[i] = (struct ke_processor){
			.slot = i, .package = i / per, .node = i / per,
			.core = i % per, .active = i < active, .present = TRUE,
		};
	machine_table(p, 80, 0, 0);
}

/* 80 processors in two packages of 40, default group size: two groups
 * of 40, not 64 + 16 (WDK "NUMA Support": a node lies in one group). */
static void test_groups_80_processors_in_two_packages(void **state)
{
	PROCESSOR_NUMBER n;

	(void)state;
	eighty_in_packages_of(40, 60);
	assert_int_equal(KeQueryMaximumGroupCount(), 2);
	assert_int_equal(KeQueryMaximumProcessorCountEx(0), 40);
	assert_int_equal(KeQueryMaximumProcessorCountEx(1), 40);
	assert_int_equal(KeQueryActiveProcessorCountEx(1), 20);
	assert_int_equal(KeGetProcessorNumberFromIndex(40, &n), STATUS_SUCCESS);
	expect_number(n, (PROCESSOR_NUMBER){ 1, 0, 0 });
	assert_int_equal(KeStartDynamicProcessor(79), STATUS_SUCCESS);
	assert_int_equal(KeGetProcessorNumberFromIndex(60, &n), STATUS_SUCCESS);
	expect_number(n, (PROCESSOR_NUMBER){ 1, 39, 0 });
}

/* Four packages of 20 in groups of 64: the two largest-first seeds take
 * packages 0 and 1, then package 2 goes to the group holding fewer
 * (group 0, the first of equals) and package 3 to group 1
 * (KiAssignFixedNodes, RE). */
static void test_groups_fill_the_emptiest_group(void **state)
{
	static const PROCESSOR_NUMBER first[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 0, 20, 0 }, { 1, 20, 0 },
	};
	PROCESSOR_NUMBER n;
	ULONG i;

	(void)state;
	eighty_in_packages_of(20, 80);
	for (i = 0; i < 4; i++) {
		assert_int_equal(ke_slot_number(i * 20, &n), STATUS_SUCCESS);
		expect_number(n, first[i]);
	}
	assert_int_equal(KeQueryGroupAffinity(0), 0xffffffffffull);
}

/* A node larger than a group is cut, at core boundaries: 5 cores of 2
 * threads in groups of 4 are 4 + 4 + 2. The boot processor's group is
 * group 0 even when its node is the smaller one. */
static void test_groups_cut_a_large_node_keep_cores_whole(void **state)
{
	static const struct ke_processor p[] = {
		{ .slot = 0, .package = 1, .node = 1, .active = TRUE, .present = TRUE },
		{ .slot = 1, .package = 0, .core = 0, .thread = 0, .present = TRUE },
		{ .slot = 2, .package = 0, .core = 1, .thread = 0, .present = TRUE },
		{ .slot = 3, .package = 0, .core = 0, .thread = 1, .present = TRUE },
		{ .slot = 4, .package = 0, .core = 1, .thread = 1, .present = TRUE },
		{ .slot = 5, .package = 0, .core = 2, .thread = 0, .present = TRUE },
		{ .slot = 6, .package = 0, .core = 2, .thread = 1, .present = TRUE },
	};
	/* node 0 (6 threads) cut into cores {0,1} and {2}; the second
	 * piece shares group 0 with node 1; numbers in table order */
	static const PROCESSOR_NUMBER at[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 1, 1, 0 }, { 1, 2, 0 },
		{ 1, 3, 0 }, { 0, 1, 0 }, { 0, 2, 0 },
	};
	PROCESSOR_NUMBER n;
	ULONG s;

	(void)state;
	machine_table(p, 7, 4, 0);
	assert_int_equal(KeQueryMaximumGroupCount(), 2);
	for (s = 0; s < 7; s++) {
		assert_int_equal(ke_slot_number(s, &n), STATUS_SUCCESS);
		expect_number(n, at[s]);
	}
}

/* A processor that may be plugged in later counts in its node's
 * capacity and gets its place at boot. */
static void test_groups_keep_room_for_absent_processors(void **state)
{
	static const struct ke_processor p[] = {
		{ .slot = 0, .package = 0, .node = 0, .active = TRUE, .present = TRUE },
		{ .slot = 1, .package = 0, .node = 0, .core = 1, .active = TRUE, .present = TRUE },
		{ .slot = 2, .package = 1, .node = 1, .active = TRUE, .present = TRUE },
		{ .slot = 3, .package = 1, .node = 1, .core = 1 },
		{ .slot = 4, .package = 1, .node = 1, .core = 2 },
	};
	PROCESSOR_NUMBER n;

	(void)state;
	machine_table(p, 5, 4, 0);
	assert_int_equal(KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 5);
	assert_int_equal(ke_slot_number(4, &n), STATUS_SUCCESS);
	expect_number(n, (PROCESSOR_NUMBER){ 1, 2, 0 });
	assert_int_equal(KeGetProcessorNumberFromIndex(2, &n), STATUS_SUCCESS);
	expect_number(n, (PROCESSOR_NUMBER){ 1, 0, 0 });
}

/* All at once: each worker waits (5 s at most) until every one has
 * started; one running alone gives up and says so. */
static LONG arrived, alone;

static ULONG_PTR rendezvous(ULONG_PTR count)
{
	ULONG64 deadline = host_backend.clock_us() + 5000000;

	InterlockedIncrement(&arrived);
	while ((ULONG_PTR)__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < count)
		if (host_backend.clock_us() > deadline) {
			InterlockedIncrement(&alone);
			break;
		}
	return 0;
}

static void test_ipi_runs_on_all_processors_at_once(void **state)
{
	(void)state;
	machine(4, 4, 0, 0);
	arrived = alone = 0;
	KeIpiGenericCall(rendezvous, 4);
	assert_int_equal(arrived, 4);
	assert_int_equal(alone, 0);
}

/* Each processor returns something else: the caller's value comes back,
 * and every worker has returned by then. */
static LONG returned;

static ULONG_PTR distinct(ULONG_PTR base)
{
	ULONG i = KeGetCurrentProcessorNumberEx(NULL);

	if (i)
		usleep(2000 * i);	/* later ones return later */
	InterlockedIncrement(&returned);
	return base + 100 * (i + 1);
}

static void test_ipi_returns_the_callers_result(void **state)
{
	(void)state;
	machine(6, 6, 0, 0);
	returned = 0;
	assert_int_equal(KeIpiGenericCall(distinct, 7), 107);
	assert_int_equal(returned, 6);
}

static KIRQL irql_seen[8];

static ULONG_PTR note_irql(ULONG_PTR arg)
{
	irql_seen[KeGetCurrentProcessorNumberEx(NULL)] = KeGetCurrentIrql();
	return arg;
}

static ULONG_PTR nested_call(ULONG_PTR arg)
{
	return KeIpiGenericCall(note_irql, arg) + 1;
}

static void test_ipi_worker_runs_at_ipi_level(void **state)
{
	ULONG i;

	(void)state;
	machine(4, 4, 0, 0);
	KeIpiGenericCall(note_irql, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(irql_seen[i], IPI_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	/* from inside a worker (IPI_LEVEL): refused on every processor */
	memset(irql_seen, 0, sizeof(irql_seen));
	assert_int_equal(KeIpiGenericCall(nested_call, 5), 1);
	assert_int_equal(count_rule("ipi-irql"), 4);
	assert_int_equal(irql_seen[0], 0);
}

/* A processor that never arrives is named, no worker runs anywhere, and
 * when it wakes up late it finds the call closed. */
static LONG runs;

static ULONG_PTR count_run(ULONG_PTR arg)
{
	InterlockedIncrement(&runs);
	return arg;
}

static void test_ipi_missing_processor_named_and_nothing_runs(void **state)
{
	(void)state;
	ipi_timeout_ms = 500;
	machine(4, 4, 0, 0);
	ipi_timeout_ms = IPI_TIMEOUT_MS;
	runs = 0;
	host_deaf(2, TRUE);
	assert_int_equal(KeIpiGenericCall(count_run, 9), 0);
	assert_int_equal(runs, 0);
	assert_int_equal(count_events('i'), 1);
	assert_int_equal(nth_event('i', 0)->index, 2);
	assert_int_equal(nth_event('i', 0)->active, 500);
	host_deaf(2, FALSE);		/* takes the closed call: nothing */
	assert_int_equal(runs, 0);
	assert_int_equal(KeIpiGenericCall(count_run, 9), 9);
	assert_int_equal(runs, 4);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_init_refuses_bad_config(void **state)
{
	struct ke_processor p[3] = {
		{ .slot = 0, .active = TRUE, .present = TRUE },
		{ .slot = 1, .present = TRUE },
		{ .slot = 2, .present = TRUE },
	};
	struct ke_config c = { .processors = p, .count = 3 };
	struct ke_backend none = { 0 };

	(void)state;
	c.group_size = 65;
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c.group_size = 0;
	c.count = KE_MAX_PROCESSORS + 1;
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c.count = 3;
	p[2].slot = 1;				/* a slot twice */
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	p[2].slot = KE_MAX_PROCESSORS;		/* out of range */
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	p[2].slot = 2;
	p[2].present = FALSE;
	p[2].active = TRUE;			/* running but absent */
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	p[0].active = p[2].active = FALSE;	/* nothing running */
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	p[0].active = TRUE;
	c.processors = NULL;
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c.processors = p;
	assert_int_equal(ke_init(&c, &none, NULL), STATUS_INVALID_PARAMETER);
	assert_int_equal(ke_init(&c, &host_backend, NULL), STATUS_SUCCESS);
}

/* The per-processor state comes from the backend, sized by the table. */
static void test_init_allocates_per_processor_state(void **state)
{
	struct ke_config c = { .processors = one_package(4, 1), .count = 4 };

	(void)state;
	host_fail_allocs(1);
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INSUFFICIENT_RESOURCES);
	c = (struct ke_config){
		.processors = one_package(KE_MAX_PROCESSORS, 2),
		.count = KE_MAX_PROCESSORS,
	};
	assert_int_equal(ke_init(&c, &host_backend, NULL), STATUS_SUCCESS);
	assert_int_equal(KeQueryMaximumGroupCount(), KE_MAX_PROCESSORS / 64);
	assert_int_equal(KeQueryGroupAffinity(0), 3);
	assert_int_equal(KeQueryGroupAffinity(KE_MAX_PROCESSORS / 64 - 1), 0);
	assert_int_equal(KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS),
			 KE_MAX_PROCESSORS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, no_setup, teardown)
		T(test_query_non_ex_forms_describe_group_0),
		T(test_query_all_groups_counts_everything),
		T(test_query_group_size_two_makes_groups),
		T(test_query_default_group_size_is_64),
		T(test_query_bad_group_returns_zero),
		T(test_query_max_count_constant_across_adds),
		T(test_index_from_number_bad_number_is_invalid_index),
		T(test_number_from_index_bad_index_is_invalid_parameter),
		T(test_index_number_is_a_bijection),
		T(test_current_processor_number_right_on_every_processor),
		T(test_groups_keep_a_package_whole),
		T(test_groups_80_processors_in_two_packages),
		T(test_groups_fill_the_emptiest_group),
		T(test_groups_cut_a_large_node_keep_cores_whole),
		T(test_groups_keep_room_for_absent_processors),
		T(test_ipi_runs_on_all_processors_at_once),
		T(test_ipi_returns_the_callers_result),
		T(test_ipi_worker_runs_at_ipi_level),
		T(test_ipi_missing_processor_named_and_nothing_runs),
		T(test_init_refuses_bad_config),
		T(test_init_allocates_per_processor_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
