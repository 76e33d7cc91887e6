/*
 * test_query.c: the processor and group queries (DESIGN.md section 3,
 * "Queries") on machines with several groups.
 */
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

/* Every active processor runs the worker once and knows who it is. */
static PROCESSOR_NUMBER where[16];
static ULONG runs[16];

static ULONG_PTR whoami(ULONG_PTR arg)
{
	PROCESSOR_NUMBER n;
	ULONG i = KeGetCurrentProcessorNumberEx(&n);

	where[i] = n;
	__atomic_add_fetch(&runs[i], 1, __ATOMIC_RELAXED);
	return arg + 1;
}

static void test_current_processor_number_right_on_every_processor(
	void **state)
{
	PROCESSOR_NUMBER n;
	ULONG i;

	(void)state;
	machine(16, 6, 4, 0);
	assert_int_equal(KeStartDynamicProcessor(9), STATUS_SUCCESS);
	assert_int_equal(KeIpiGenericCall(whoami, 41), 42);
	for (i = 0; i < 16; i++) {
		assert_int_equal(runs[i], i < 7);
		if (i >= 7)
			continue;
		KeGetProcessorNumberFromIndex(i, &n);
		assert_int_equal(where[i].Group, n.Group);
		assert_int_equal(where[i].Number, n.Number);
	}
}

/* All at once: each worker waits until every one has arrived. */
static LONG arrived;

static ULONG_PTR rendezvous(ULONG_PTR count)
{
	InterlockedIncrement(&arrived);
	while ((ULONG_PTR)__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < count)
		;
	return 0;
}

static void test_ipi_runs_on_all_processors_at_once(void **state)
{
	(void)state;
	machine(4, 4, 0, 0);
	arrived = 0;
	KeIpiGenericCall(rendezvous, 4);
	assert_int_equal(arrived, 4);
}

static void test_init_refuses_bad_config(void **state)
{
	struct ke_config c = { .max = 4, .active = 5 };
	struct ke_backend none = { 0 };

	(void)state;
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c = (struct ke_config){ .max = 4, .active = 1, .group_size = 65 };
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c = (struct ke_config){ .max = KE_MAX_PROCESSORS + 1, .active = 1 };
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INVALID_PARAMETER);
	c = (struct ke_config){ .max = 4, .active = 1 };
	assert_int_equal(ke_init(&c, &none, NULL), STATUS_INVALID_PARAMETER);
	assert_int_equal(ke_init(&c, &host_backend, NULL), STATUS_SUCCESS);
}

/* The per-processor state comes from the backend, sized by max. */
static void test_init_allocates_per_processor_state(void **state)
{
	struct ke_config c = { .max = 4, .active = 1 };

	(void)state;
	host_fail_allocs(1);
	assert_int_equal(ke_init(&c, &host_backend, NULL),
			 STATUS_INSUFFICIENT_RESOURCES);
	c = (struct ke_config){ .max = KE_MAX_PROCESSORS, .active = 2 };
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
		T(test_ipi_runs_on_all_processors_at_once),
		T(test_init_refuses_bad_config),
		T(test_init_allocates_per_processor_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
