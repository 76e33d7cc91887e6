/*
 * test_driver.c: the driver side. The WDK-shaped sample driver, driver
 * objects, pool with per-driver accounting, DbgPrint, the formatter, and
 * the header's types, constants and inline routines.
 */
#include <string.h>

#include "harness.h"

/* From sample.c, which sees nothing but <ntddk.h>. */
extern NTSTATUS CallbackStatus;
extern LONG Online;
DRIVER_INITIALIZE DriverEntry;

static struct ke_driver drv;

static void test_sample_driver_replays_adds_and_unloads_clean(void **state)
{
	(void)state;
	assert_int_equal(ke_load_driver(&drv, "sample", "", DriverEntry),
			 STATUS_SUCCESS);
	assert_int_equal(Online, 4);
	assert_int_equal(drv.pool_blocks, 4);
	assert_int_equal(KeStartDynamicProcessor(4), STATUS_SUCCESS);
	assert_int_equal(Online, 5);
	assert_int_equal(drv.pool_blocks, 5);
	host_fault(5, HOST_TIMEOUT);
	assert_int_equal(KeStartDynamicProcessor(5), STATUS_IO_TIMEOUT);
	assert_int_equal(drv.pool_blocks, 5);	/* freed in Failure */
	ke_unload_driver(&drv);
	assert_int_equal(drv.pool_blocks, 0);
	assert_int_equal(drv.registrations, 0);
	assert_int_equal(ke_violations(), 0);
	assert_int_equal(ke_pool_blocks(), 0);
}

/* The handle is NULL and the code reaches DriverEntry only through the
 * context variable: the documented flow. */
static PVOID (*real_alloc)(SIZE_T);
static int allocs_left;

static PVOID counting_alloc(SIZE_T n)
{
	return allocs_left-- > 0 ? real_alloc(n) : NULL;
}

static void test_sample_driver_fails_load_with_callback_status(void **state)
{
	struct ke_backend be = host_backend;
	struct ke_config cfg = { .max = 8, .active = 4, .verifier = TRUE };

	(void)state;
	real_alloc = host_backend.alloc;
	be.alloc = counting_alloc;
	allocs_left = 1;	/* ke_init's per-processor block */
	assert_int_equal(ke_init(&cfg, &be, &rec_sink), STATUS_SUCCESS);
	allocs_left = 3;	/* registration, blocks 0 and 1; 2 fails */
	assert_int_equal(ke_load_driver(&drv, "sample", "", DriverEntry),
			 STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(CallbackStatus, STATUS_INSUFFICIENT_RESOURCES);
	assert_false(drv.loaded);
	assert_int_equal(drv.pool_blocks, 0);
	assert_int_equal(drv.registrations, 0);
	assert_int_equal(ke_violations(), 0);
	assert_int_equal(ke_pool_blocks(), 0);
}

static void expect_wide(const UNICODE_STRING *u, const char *s)
{
	size_t i, n = strlen(s);

	assert_int_equal(u->Length, n * sizeof(WCHAR));
	for (i = 0; i < n; i++)
		assert_int_equal(u->Buffer[i], (unsigned char)s[i]);
}

static PDRIVER_OBJECT seen_object;
static PUNICODE_STRING seen_path;

static NTSTATUS look(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	seen_object = o;
	seen_path = path;
	assert_ptr_equal(ke_current_driver(), &drv);
	return STATUS_SUCCESS;
}

static void test_driver_object_has_names_and_runs_as_current(void **state)
{
	(void)state;
	assert_null(ke_current_driver());
	assert_int_equal(ke_load_driver(&drv, "look", "a=1", look),
			 STATUS_SUCCESS);
	assert_null(ke_current_driver());
	assert_ptr_equal(seen_object, &drv.object);
	assert_int_equal(drv.object.Type, IO_TYPE_DRIVER);
	assert_ptr_equal(drv.object.DriverInit, look);
	expect_wide(&drv.object.DriverName, "\\Driver\\look");
	expect_wide(seen_path, "\\Registry\\Machine\\System\\"
		    "CurrentControlSet\\Services\\look");
	assert_string_equal(drv.options, "a=1");
	assert_true(drv.loaded);
	ke_unload_driver(&drv);		/* no Unload routine: allowed */
	assert_false(drv.loaded);
	assert_int_equal(ke_load_driver(&drv, "x", NULL, NULL),
			 STATUS_INVALID_PARAMETER);
}

static PVOID blocks[3];

static NTSTATUS pool_user(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	blocks[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, 'aTst');
	blocks[1] = ExAllocatePoolWithTag(NonPagedPoolNx, 24, 'bTst');
	blocks[2] = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'cTst');
	return STATUS_SUCCESS;
}

static void test_pool_charged_to_current_driver(void **state)
{
	unsigned char *b;
	int i;

	(void)state;
	assert_int_equal(ke_load_driver(&drv, "pool", "", pool_user),
			 STATUS_SUCCESS);
	assert_int_equal(drv.pool_blocks, 3);
	assert_int_equal(drv.pool_bytes, 72);
	b = blocks[0];
	for (i = 0; i < 40; i++)
		assert_int_equal(b[i], 0);	/* ExAllocatePool2 zeroes */
	assert_int_equal((ULONG_PTR)b % 16, 0);
	ExFreePoolWithTag(blocks[0], 'aTst');
	ExFreePool(blocks[2]);
	assert_int_equal(drv.pool_blocks, 1);
	assert_int_equal(drv.pool_bytes, 24);
	ExFreePoolWithTag(blocks[1], 'bTst');
	ke_unload_driver(&drv);
	assert_int_equal(ke_violations(), 0);
}

static void test_pool_leak_reported_with_tag_and_size_at_unload(void **state)
{
	(void)state;
	assert_int_equal(ke_load_driver(&drv, "leaky", "", pool_user),
			 STATUS_SUCCESS);
	ExFreePoolWithTag(blocks[1], 'bTst');
	ke_unload_driver(&drv);
	assert_int_equal(count_rule("pool-leak"), 2);
	assert_string_equal(events[0].driver, "leaky");
	assert_non_null(strstr(events[0].text, "40 bytes with tag 'tsTa'"));
	assert_non_null(strstr(events[1].text, "8 bytes with tag 'tsTc'"));
	assert_int_equal(drv.pool_blocks, 0);
	assert_int_equal(ke_pool_blocks(), 0);
}

static void test_pool_bad_free_and_tag_mismatch_reported(void **state)
{
	PVOID p;
	int local;

	(void)state;
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, 'xxxx');
	ExFreePoolWithTag(p, 'yyyy');
	assert_int_equal(count_rule("pool-tag-mismatch"), 1);
	ExFreePoolWithTag(p, 'xxxx');	/* freed already */
	ExFreePool(&local);
	ExFreePool(NULL);
	assert_int_equal(count_rule("pool-bad-free"), 3);
	assert_int_equal(ke_pool_blocks(), 0);
}

static void test_pool2_refuses_bad_flags_and_counts_failures(void **state)
{
	(void)state;
	assert_null(ExAllocatePool2(0, 8, 'xxxx'));
	assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 8,
				    'xxxx'));
	assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)-16, 'xxxx'));
	host_fail_allocs(1);
	assert_null(ExAllocatePoolWithTag(NonPagedPool, 8, 'xxxx'));
	assert_int_equal(ke_pool_blocks(), 0);
}

static NTSTATUS talker(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	DbgPrint("hello %s %d\n", "world", -5);
	KdPrint(("kd %u", 7u));
	DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL, "ex %x\r\n", 255);
	return STATUS_SUCCESS;
}

static void test_dbgprint_reaches_sink_with_driver_name(void **state)
{
	(void)state;
	assert_int_equal(ke_load_driver(&drv, "talk", "", talker),
			 STATUS_SUCCESS);
	assert_int_equal(count_events('d'), 3);
	assert_string_equal(events[0].driver, "talk");
	assert_string_equal(events[0].text, "hello world -5");
	assert_string_equal(events[1].text, "kd 7");
	assert_string_equal(events[2].text, "ex ff");
	DbgPrint("outside");
	assert_string_equal(events[3].driver, "-");
	ke_unload_driver(&drv);
}

static void expect_fmt(const char *want, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ke_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_fmt_conversions_match_printf(void **state)
{
	char small[4];

	(void)state;
	expect_fmt("42 -42 2a 2A", "%d %i %x %X", 42, -42, 42, 42);
	expect_fmt("0000beef|  7|7  |-07", "%08x|%3u|%-3u|%03d", 0xbeef, 7,
		   7, -7);
	expect_fmt("18446744073709551615 ffffffffffffffff -9",
		   "%llu %lx %ld", ~0ULL, ~0UL, -9L);
	expect_fmt("5 c (null) 100%", "%zu %c %s 100%%", (size_t)5, 'c',
		   (char *)NULL);
	expect_fmt("00000000000000ff", "%p", (void *)0xff);
	assert_int_equal(ke_snprintf(small, sizeof(small), "%s", "abcdef"), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(ke_snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_notify_context_layout_matches_wdk(void **state)
{
	(void)state;
	assert_int_equal(offsetof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT, State), 0);
	assert_int_equal(offsetof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT, NtNumber),
			 4);
	assert_int_equal(offsetof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT, Status),
			 8);
	assert_int_equal(offsetof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT,
				  ProcNumber), 12);
	assert_int_equal(sizeof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT), 16);
	assert_int_equal(sizeof(PROCESSOR_NUMBER), 4);
	assert_int_equal(offsetof(PROCESSOR_NUMBER, Number), 2);
	assert_int_equal(sizeof(ULONG), 4);
	assert_int_equal(sizeof(WCHAR), 2);
	assert_int_equal(sizeof(KAFFINITY), sizeof(void *));
}

static void test_constants_have_wdk_values(void **state)
{
	(void)state;
	assert_int_equal(KeProcessorAddStartNotify, 0);
	assert_int_equal(KeProcessorAddCompleteNotify, 1);
	assert_int_equal(KeProcessorAddFailureNotify, 2);
	assert_int_equal(KE_PROCESSOR_CHANGE_ADD_EXISTING, 1);
	assert_int_equal(ALL_PROCESSOR_GROUPS, 0xffff);
	assert_int_equal(INVALID_PROCESSOR_INDEX, 0xffffffffu);
	assert_int_equal((ULONG)STATUS_UNSUCCESSFUL, 0xC0000001u);
	assert_int_equal((ULONG)STATUS_INVALID_PARAMETER, 0xC000000Du);
	assert_int_equal((ULONG)STATUS_INSUFFICIENT_RESOURCES, 0xC000009Au);
	assert_int_equal((ULONG)STATUS_INTERNAL_ERROR, 0xC00000E5u);
	assert_int_equal((ULONG)STATUS_LICENSE_QUOTA_EXCEEDED, 0xC0000259u);
	assert_false(NT_SUCCESS(STATUS_IO_TIMEOUT));
	assert_true(NT_SUCCESS(0x40000000));
	assert_false(NT_SUCCESS(0x80000005));
}

static void test_interlocked_and_spin_lock(void **state)
{
	LONG v = 5;
	PVOID ptr = NULL;
	KSPIN_LOCK lock;
	KIRQL irql = 9;

	(void)state;
	assert_int_equal(InterlockedIncrement(&v), 6);
	assert_int_equal(InterlockedDecrement(&v), 5);
	assert_int_equal(InterlockedExchange(&v, 9), 5);
	assert_int_equal(InterlockedExchangeAdd(&v, 2), 9);
	assert_int_equal(InterlockedCompareExchange(&v, 1, 7), 11);
	assert_int_equal(v, 11);
	assert_int_equal(InterlockedCompareExchange(&v, 1, 11), 11);
	assert_int_equal(v, 1);
	assert_null(InterlockedExchangePointer(&ptr, &v));
	assert_ptr_equal(InterlockedCompareExchangePointer(&ptr, NULL, &v), &v);
	assert_null(ptr);
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &irql);
	assert_int_equal(irql, PASSIVE_LEVEL);
	assert_int_not_equal(lock, 0);
	KeReleaseSpinLock(&lock, irql);
	assert_int_equal(lock, 0);
}

static void test_rtl_memory_and_strings(void **state)
{
	char a[8] = "abcdefg", b[8];
	UNICODE_STRING x, y, z;

	(void)state;
	RtlCopyMemory(b, a, sizeof(a));
	assert_true(RtlEqualMemory(a, b, sizeof(a)));
	RtlZeroMemory(b, 4);
	assert_int_equal(b[3], 0);
	assert_int_equal(b[4], 'e');
	RtlInitUnicodeString(&x, u"Abc");
	RtlInitUnicodeString(&y, u"aBC");
	RtlInitUnicodeString(&z, NULL);
	assert_int_equal(x.Length, 6);
	assert_int_equal(x.MaximumLength, 8);
	assert_true(RtlEqualUnicodeString(&x, &y, TRUE));
	assert_false(RtlEqualUnicodeString(&x, &y, FALSE));
	assert_false(RtlEqualUnicodeString(&x, &z, TRUE));
	assert_int_equal(z.Length, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
		T(test_sample_driver_replays_adds_and_unloads_clean),
		T(test_sample_driver_fails_load_with_callback_status),
		T(test_driver_object_has_names_and_runs_as_current),
		T(test_pool_charged_to_current_driver),
		T(test_pool_leak_reported_with_tag_and_size_at_unload),
		T(test_pool_bad_free_and_tag_mismatch_reported),
		T(test_pool2_refuses_bad_flags_and_counts_failures),
		T(test_dbgprint_reaches_sink_with_driver_name),
		T(test_fmt_conversions_match_printf),
		T(test_notify_context_layout_matches_wdk),
		T(test_constants_have_wdk_values),
		T(test_interlocked_and_spin_lock),
		T(test_rtl_memory_and_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
