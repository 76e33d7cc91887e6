/*
 * test_driver.c: the driver side. The WDK-shaped sample driver, driver
 * objects, pool with per-driver accounting, DbgPrint (its formats:
 * test_fmt.c), and the header's types, constants and inline routines.
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
	struct ke_config cfg = {
		.processors = one_package(8, 4), .count = 8, .verifier = TRUE,
	};

	(void)state;
	real_alloc = host_backend.alloc;
	be.alloc = counting_alloc;
	allocs_left = 100;	/* whatever ke_init needs */
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

static BOOLEAN all_bytes(const void *p, int value, SIZE_T n)
{
	const unsigned char *b = p;
	SIZE_T i;

	for (i = 0; i < n; i++)
		if (b[i] != value)
			return FALSE;
	return TRUE;
}

/* The host backend hands out memory filled with 0xa5, so a block that
 * reads all zero was zeroed by the pool. */
static void test_pool_charged_to_current_driver(void **state)
{
	(void)state;
	assert_int_equal(ke_load_driver(&drv, "pool", "", pool_user),
			 STATUS_SUCCESS);
	assert_int_equal(drv.pool_blocks, 3);
	assert_int_equal(drv.pool_bytes, 72);
	assert_true(all_bytes(blocks[0], 0, 40));	/* Pool2 zeroes */
	assert_true(all_bytes(blocks[1], 0xa5, 24));	/* WithTag does not */
	assert_int_equal((ULONG_PTR)blocks[0] % 16, 0);
	assert_int_equal((ULONG_PTR)blocks[1] % 16, 0);
	ExFreePoolWithTag(blocks[0], 'aTst');
	ExFreePool(blocks[2]);
	assert_int_equal(drv.pool_blocks, 1);
	assert_int_equal(drv.pool_bytes, 24);
	ExFreePoolWithTag(blocks[1], 'bTst');
	ke_unload_driver(&drv);
	assert_int_equal(ke_violations(), 0);
}

/* WDK ExAllocatePool2 flags: uninitialised, cache-line aligned. */
static void test_pool2_uninitialized_and_cache_aligned(void **state)
{
	PVOID p[8];
	int i;

	(void)state;
	p[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED,
			       32, 'xxxx');
	assert_true(all_bytes(p[0], 0xa5, 32));
	ExFreePool(p[0]);
	for (i = 0; i < 8; i++) {
		p[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED |
				       POOL_FLAG_CACHE_ALIGNED, 8 + i, 'xxxx');
		assert_int_equal((ULONG_PTR)p[i] % 64, 0);
		assert_true(all_bytes(p[i], 0, 8 + i));
	}
	for (i = 0; i < 8; i++)
		ExFreePoolWithTag(p[i], 'xxxx');
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

static NTSTATUS greedy(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	blocks[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED |
				    POOL_FLAG_RAISE_ON_FAILURE,
				    (SIZE_T)-1 / 2 + 1, 'gReG');
	return STATUS_SUCCESS;
}

/* A failure with POOL_FLAG_RAISE_ON_FAILURE raises, and no handler
 * takes it: the machine stops with 0x7E, the status and the caller's
 * address, charged to the driver. Without the flag: NULL. */
static void test_pool2_raise_on_failure_stops_the_machine(void **state)
{
	(void)state;
	assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)-1 / 2 + 1,
				    'gReG'));
	blocks[0] = (PVOID)1;
	EXPECT_BUGCHECK(ke_load_driver(&drv, "greedy", "", greedy));
	assert_int_equal(blocks[0], 1);		/* never returned */
	assert_int_equal(count_events('b'), 1);
	assert_int_equal(events[0].code, 0x7E);
	assert_int_equal(events[0].param[0],
			 (ULONG_PTR)STATUS_INSUFFICIENT_RESOURCES);
	assert_true(events[0].param[1] >= (ULONG_PTR)greedy &&
		    events[0].param[1] < (ULONG_PTR)greedy + 4096);
	assert_string_equal(events[0].driver, "greedy");
	/* host_fail_allocs makes the same happen on a small size */
	host_fail_allocs(1);
	EXPECT_BUGCHECK(ExAllocatePool2(POOL_FLAG_PAGED |
					POOL_FLAG_RAISE_ON_FAILURE, 8, 'x'));
	assert_int_equal(count_events('b'), 2);
}

static void test_bugcheck_reports_code_and_parameters(void **state)
{
	(void)state;
	EXPECT_BUGCHECK(KeBugCheckEx(0xE2, 1, 2, 3, 4));
	assert_int_equal(count_events('b'), 1);
	assert_int_equal(events[0].code, 0xE2);
	assert_int_equal(events[0].param[0], 1);
	assert_int_equal(events[0].param[3], 4);
	assert_string_equal(events[0].driver, "-");
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

/* WDK: an ordinary block is freed with no extended parameters; the
 * simulator has no secure pool for them to name. */
static void test_pool_free2_with_and_without_parameters(void **state)
{
	PVOID p, q;

	(void)state;
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, 'eerF');
	q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, 'eerF');
	ExFreePool2(p, 'eerF', NULL, 0);
	ExFreePool2(q, 'eerF', NULL, 1);
	assert_int_equal(count_rule("pool-bad-free"), 1);
	assert_int_equal(ke_pool_blocks(), 1);		/* q is still there */
	ExFreePool2(q, 'xxxx', NULL, 0);
	assert_int_equal(count_rule("pool-tag-mismatch"), 1);
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

/* WDK-style code with L"" literals compiles and works on the host as in
 * the image: a WCHAR array, RTL_CONSTANT_STRING, ExCreateCallback with
 * an OBJECT_ATTRIBUTES whose RootDirectory is a HANDLE, and
 * ObDereferenceObject's count of references left. */
static void test_wide_literals_handles_and_object_references(void **state)
{
	static WCHAR name[] = L"\\Callback\\ProcessorAdd";
	UNICODE_STRING u = RTL_CONSTANT_STRING(L"\\Callback\\ProcessorAdd");
	UNICODE_STRING v;
	OBJECT_ATTRIBUTES oa;
	PCALLBACK_OBJECT o, again;
	HANDLE root = NULL;
	LONG_PTR left;

	(void)state;
	assert_int_equal(sizeof(name[0]), 2);
	assert_int_equal(u.Length, 22 * sizeof(WCHAR));
	assert_int_equal(u.MaximumLength, 23 * sizeof(WCHAR));
	RtlInitUnicodeString(&v, name);
	assert_true(RtlEqualUnicodeString(&u, &v, FALSE));
	InitializeObjectAttributes(&oa, &u, OBJ_CASE_INSENSITIVE, root, NULL);
	assert_null(oa.RootDirectory);
	assert_int_equal(ExCreateCallback(&o, &oa, FALSE, TRUE),
			 STATUS_SUCCESS);
	assert_int_equal(ExCreateCallback(&again, &oa, FALSE, TRUE),
			 STATUS_SUCCESS);
	assert_ptr_equal(o, again);
	left = ObDereferenceObject(again);
	assert_int_equal(left, 2);
	assert_int_equal(ObDereferenceObject(o), 1);
	assert_int_equal(ke_violations(), 0);
	assert_int_equal(ObDereferenceObject(o), 0);	/* not the caller's */
	assert_int_equal(count_rule("ob-bad-deref"), 1);
}

/* WDK IRQL routines on the calling processor. */
static void test_irql_raise_and_lower(void **state)
{
	KIRQL old, older;

	(void)state;
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	old = KeRaiseIrqlToDpcLevel();
	assert_int_equal(old, PASSIVE_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	KeRaiseIrql(HIGH_LEVEL, &older);
	assert_int_equal(older, DISPATCH_LEVEL);
	assert_int_equal(KeGetCurrentIrql(), HIGH_LEVEL);
	KeLowerIrql(older);
	KeLowerIrql(old);
	assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
	assert_int_equal(APC_LEVEL, 1);
	assert_int_equal(IPI_LEVEL, 14);
	assert_int_equal(HIGH_LEVEL, 15);
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
	assert_int_equal(sizeof(HANDLE), sizeof(void *));
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

static void test_status_codes_and_severity(void **state)
{
	(void)state;
	assert_int_equal(STATUS_TIMEOUT, 0x102);
	assert_int_equal(STATUS_PENDING, 0x103);
	assert_int_equal((ULONG)STATUS_BUFFER_OVERFLOW, 0x80000005u);
	assert_int_equal((ULONG)STATUS_INFO_LENGTH_MISMATCH, 0xC0000004u);
	assert_int_equal((ULONG)STATUS_NOT_SUPPORTED, 0xC00000BBu);
	assert_int_equal((ULONG)STATUS_ASSERTION_FAILURE, 0xC0000420u);
	assert_true(NT_ERROR(STATUS_INVALID_PARAMETER));
	assert_false(NT_ERROR(STATUS_BUFFER_OVERFLOW));
	assert_true(NT_WARNING(STATUS_BUFFER_OVERFLOW));
	assert_true(NT_INFORMATION(0x40000000));
	assert_false(NT_ERROR(STATUS_TIMEOUT));
	assert_true(NT_SUCCESS(STATUS_TIMEOUT));
}

static void test_lists_large_integers_and_interlocked64(void **state)
{
	LIST_ENTRY h, a, b, c;
	LARGE_INTEGER li = { .QuadPart = 0x100000002LL };
	LONG v = 0x0f;
	LONG64 w = 5;

	(void)state;
	InitializeListHead(&h);
	assert_ptr_equal(RemoveHeadList(&h), &h);	/* empty: the head */
	InsertTailList(&h, &b);
	InsertHeadList(&h, &a);
	InsertTailList(&h, &c);
	assert_ptr_equal(RemoveHeadList(&h), &a);
	assert_ptr_equal(RemoveTailList(&h), &c);
	assert_ptr_equal(RemoveTailList(&h), &b);
	assert_true(IsListEmpty(&h));
	assert_int_equal(li.LowPart, 2);
	assert_int_equal(li.HighPart, 1);
	assert_int_equal(li.u.LowPart, 2);
	assert_int_equal(sizeof(LARGE_INTEGER), 8);
	assert_int_equal(InterlockedOr(&v, 0x30), 0x0f);
	assert_int_equal(InterlockedAnd(&v, 0x3c), 0x3f);
	assert_int_equal(InterlockedXor(&v, 0x3c), 0x3c);
	assert_int_equal(InterlockedAdd(&v, 5), 5);
	assert_int_equal(InterlockedIncrement64(&w), 6);
	assert_int_equal(InterlockedDecrement64(&w), 5);
	assert_int_equal(InterlockedExchange64(&w, 1LL << 40), 5);
	assert_int_equal(InterlockedExchangeAdd64(&w, 1), 1LL << 40);
	assert_int_equal(InterlockedAdd64(&w, 1), (1LL << 40) + 2);
	assert_int_equal(InterlockedCompareExchange64(&w, 7, 0),
			 (1LL << 40) + 2);		/* no match: kept */
	assert_int_equal(InterlockedCompareExchange64(&w, 7, (1LL << 40) + 2),
			 (1LL << 40) + 2);
	assert_int_equal(w, 7);
	assert_int_equal(InterlockedOr64(&w, 8), 7);
	assert_int_equal(InterlockedAnd64(&w, 12), 15);
	assert_int_equal(InterlockedXor64(&w, 12), 12);
	assert_int_equal(w, 0);
}

/* __readmsr and __writemsr need ring 0: compiled here, never run. */
static void test_intrinsics(void **state)
{
	int a[4], b[4];
	ULONG64 t0, t1;
	ULONG64 (*rd)(ULONG) = __readmsr;
	VOID (*wr)(ULONG, ULONG64) = __writemsr;

	(void)state;
	__cpuid(a, 0);
	__cpuidex(b, 0, 0);
	assert_true(a[0] >= 1);
	assert_memory_equal(a, b, sizeof(a));
	__cpuidex(a, 1, 0);
	assert_int_not_equal(a[0], 0);		/* family, model, stepping */
	t0 = __rdtsc();
	_mm_pause();
	t1 = __rdtsc();
	assert_true(t1 > t0);
	assert_non_null(rd);
	assert_non_null(wr);
}

static NTSTATUS asserter(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(VOID)o;
	(VOID)path;
	ASSERT(o != NULL);
	NT_ASSERT(path != NULL);
	NT_ASSERTMSG("the ring is full", 1 + 1 == 3);
	return STATUS_SUCCESS;
}

static void test_failed_assertion_stops_the_machine(void **state)
{
	(void)state;
	EXPECT_BUGCHECK(ke_load_driver(&drv, "asserter", "", asserter));
	assert_int_equal(count_events('b'), 1);
	assert_int_equal(nth_event('b', 0)->code, 0x1E);
	assert_int_equal(nth_event('b', 0)->param[0],
			 (ULONG_PTR)STATUS_ASSERTION_FAILURE);
	assert_int_not_equal(nth_event('b', 0)->param[1], 0);
	assert_string_equal(nth_event('b', 0)->driver, "asserter");
	assert_non_null(strstr(nth_event('d', 0)->text,
			       "the ring is full: 1 + 1 == 3"));
	assert_non_null(strstr(nth_event('d', 0)->text, "test_driver.c:"));
	assert_true(ASSERT(TRUE));
}

static void test_pool_zero(void **state)
{
	UCHAR *p, zero[64] = { 0 };

	(void)state;
	p = ExAllocatePoolZero(NonPagedPoolNx, sizeof(zero), 'oreZ');
	assert_non_null(p);
	assert_memory_equal(p, zero, sizeof(zero));
	ExFreePoolWithTag(p, 'oreZ');
	p = ExAllocatePoolUninitialized(NonPagedPoolNx, 8, 'inUn');
	assert_int_equal(p[0], 0xa5);		/* the host's fresh memory */
	ExFreePool(p);
	assert_int_equal(ke_violations(), 0);
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
	assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
	assert_int_not_equal(lock, 0);
	KeReleaseSpinLock(&lock, irql);
	assert_int_equal(lock, 0);
}

/* 16- and 8-bit interlocked forms and bit tests; the barriers, the
 * spin-wait hint and the time-stamp counter exist and can be called. */
static void test_interlocked_small_bits_and_barriers(void **state)
{
	SHORT volatile s = 1;
	CHAR volatile c = 5;
	LONG volatile bits[2] = { 0, 0 };

	(void)state;
	assert_int_equal(InterlockedIncrement16(&s), 2);
	assert_int_equal(InterlockedDecrement16(&s), 1);
	assert_int_equal(InterlockedCompareExchange16(&s, 7, 1), 1);
	assert_int_equal(InterlockedCompareExchange16(&s, 9, 1), 7);
	assert_int_equal(InterlockedExchange16(&s, 3), 7);
	assert_int_equal(s, 3);
	assert_int_equal(InterlockedExchange8(&c, 6), 5);
	assert_int_equal(InterlockedCompareExchange8(&c, 8, 6), 6);
	assert_int_equal(c, 8);
	assert_false(InterlockedBitTestAndSet(bits, 33));
	assert_int_equal(bits[1], 2);
	assert_true(InterlockedBitTestAndSet(bits, 33));
	assert_true(InterlockedBitTestAndReset(bits, 33));
	assert_int_equal(bits[1], 0);
	assert_false(InterlockedBitTestAndSet(bits, 31));
	assert_int_equal((ULONG)bits[0], 0x80000000u);
	KeMemoryBarrier();
	KeMemoryBarrierWithoutFence();
	_ReadWriteBarrier();
	YieldProcessor();
	assert_int_not_equal(ReadTimeStampCounter(), 0);
}

/* ntdef.h's helpers and limits, and the x64 page macros. */
static void test_ntdef_helpers_limits_and_pages(void **state)
{
	struct rec {
		CHAR a;
		ULONG b[3];
		USHORT c;
	} r;
	PVOID none = NULL;
	C_ASSERT(RTL_NUMBER_OF(r.b) == 3);

	(void)state;
	assert_int_equal(ARRAYSIZE(r.b), 3);
	assert_int_equal(FIELD_OFFSET(struct rec, b), 4);
	assert_int_equal(sizeof(FIELD_OFFSET(struct rec, b)), sizeof(LONG));
	assert_int_equal(RTL_FIELD_SIZE(struct rec, b), 12);
	assert_int_equal(RTL_SIZEOF_THROUGH_FIELD(struct rec, b), 16);
	assert_ptr_equal(CONTAINING_RECORD(&r.c, struct rec, c), &r);
	assert_false(ARGUMENT_PRESENT(none));
	assert_true(ARGUMENT_PRESENT(&r));
	assert_int_equal(min(3, 5), 3);
	assert_int_equal(max(3, 5), 5);
	assert_true(MAXUCHAR == 0xff && MAXUSHORT == 0xffff);
	assert_true(MAXULONG == 0xffffffffu && MAXLONG == 0x7fffffff);
	assert_true(MINLONG == 0x80000000u && MAXSHORT == 0x7fff);
	assert_true(MAXULONG64 == ~0ULL && MAXSIZE_T == ~(SIZE_T)0);
	assert_true(MAXLONGLONG == 0x7fffffffffffffffLL);
	assert_true(MAXLONG64 == MAXLONGLONG && MINLONG64 == -MAXLONG64 - 1);
	assert_true(MAXULONG_PTR == ~(ULONG_PTR)0 &&
		    MAXLONG_PTR == MAXLONGLONG && MINLONG_PTR == MINLONG64);
	assert_int_equal(PAGE_SIZE, 4096);
	assert_int_equal(1 << PAGE_SHIFT, PAGE_SIZE);
	assert_int_equal(ROUND_TO_PAGES(1), 4096);
	assert_int_equal(ROUND_TO_PAGES(4096), 4096);
	assert_int_equal(ROUND_TO_PAGES(4097), 8192);
	assert_int_equal(BYTES_TO_PAGES(0), 0);
	assert_int_equal(BYTES_TO_PAGES(4096), 1);
	assert_int_equal(BYTES_TO_PAGES(4097), 2);
	assert_int_equal(BYTE_OFFSET(0x12345), 0x345);
	assert_ptr_equal(PAGE_ALIGN((PVOID)0x12345), (PVOID)0x12000);
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

/* A string longer than a USHORT counts is cut at the WDK's limit, not
 * counted round (a hang) or wrapped; one just under it is exact. */
static void test_rtl_init_strings_too_long_are_cut(void **state)
{
	static char big[70000];
	static WCHAR wbig[40000];
	ANSI_STRING a;
	UNICODE_STRING u;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	RtlInitAnsiString(&a, big);
	assert_int_equal(a.Length, 0xfffe);
	assert_int_equal(a.MaximumLength, 0xffff);
	big[0xfffe] = 0;
	RtlInitAnsiString(&a, big);
	assert_int_equal(a.Length, 0xfffe);
	assert_int_equal(a.MaximumLength, 0xffff);
	big[100] = 0;
	RtlInitAnsiString(&a, big);
	assert_int_equal(a.Length, 100);
	assert_int_equal(a.MaximumLength, 101);
	for (size_t i = 0; i + 1 < sizeof(wbig) / sizeof(WCHAR); i++)
		wbig[i] = u'y';
	RtlInitUnicodeString(&u, wbig);
	assert_int_equal(u.Length, 0xfffc);
	assert_int_equal(u.MaximumLength, 0xfffe);
	wbig[0x7ffe] = 0;	/* 32766 characters: 0xfffc bytes, fits */
	RtlInitUnicodeString(&u, wbig);
	assert_int_equal(u.Length, 0xfffc);
	assert_int_equal(u.MaximumLength, 0xfffe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
		T(test_sample_driver_replays_adds_and_unloads_clean),
		T(test_rtl_init_strings_too_long_are_cut),
		T(test_sample_driver_fails_load_with_callback_status),
		T(test_driver_object_has_names_and_runs_as_current),
		T(test_pool_charged_to_current_driver),
		T(test_pool_leak_reported_with_tag_and_size_at_unload),
		T(test_pool_bad_free_and_tag_mismatch_reported),
		T(test_pool2_refuses_bad_flags_and_counts_failures),
		T(test_pool_free2_with_and_without_parameters),
		T(test_pool2_uninitialized_and_cache_aligned),
		T(test_pool2_raise_on_failure_stops_the_machine),
		T(test_bugcheck_reports_code_and_parameters),
		T(test_wide_literals_handles_and_object_references),
		T(test_irql_raise_and_lower),
		T(test_dbgprint_reaches_sink_with_driver_name),
		T(test_notify_context_layout_matches_wdk),
		T(test_constants_have_wdk_values),
		T(test_interlocked_and_spin_lock),
		T(test_status_codes_and_severity),
		T(test_lists_large_integers_and_interlocked64),
		T(test_intrinsics),
		T(test_failed_assertion_stops_the_machine),
		T(test_pool_zero),
		T(test_interlocked_small_bits_and_barriers),
		T(test_ntdef_helpers_limits_and_pages),
		T(test_rtl_memory_and_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
