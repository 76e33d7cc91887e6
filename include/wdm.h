/*
 * wdm.h: the driver-facing API of the hotadd simulator.
 *
 * Names, types and values follow the Windows Driver Kit so that driver
 * code written for Windows compiles here unchanged. Only the subset that
 * processor hot-add code uses is provided. Underlying types are fixed
 * width: WCHAR is uint16_t, never wchar_t, so the header also serves
 * builds with a 4-byte wchar_t. Drivers are built with -fshort-wchar
 * (the image and the host tests alike), where L"..." is 16-bit too.
 */
#ifndef _WDM_H_
#define _WDM_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Pool tags are written as multi-character constants ('gaTm'). */
#pragma GCC diagnostic ignored "-Wmultichar"

/* SAL and the driver annotations (sal.h, driverspecs.h), all empty. */
#include <driverspecs.h>

/* Calling-convention and linkage markers, empty as well. */
#define IN
#define OUT
#define OPTIONAL
#define NTAPI
#define NTKERNELAPI
#define NTSYSAPI
#define FORCEINLINE static inline
#define FASTCALL
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define PAGED_CODE()
#define UNREFERENCED_PARAMETER(p) ((void)(p))

/* Basic types. */
typedef void VOID, *PVOID;
typedef char CHAR, *PCHAR, *PSTR;
typedef const char *PCSTR;
typedef uint8_t UCHAR, *PUCHAR, BOOLEAN, *PBOOLEAN, KIRQL, *PKIRQL;
typedef void *HANDLE, **PHANDLE;
typedef int16_t SHORT, CSHORT;
typedef uint16_t USHORT, *PUSHORT, WCHAR, *PWCH, *PWSTR;
typedef const uint16_t *PCWSTR;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef long long LONGLONG, LONG64;
typedef unsigned long long ULONGLONG, ULONG64;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, SIZE_T, *PSIZE_T;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;
typedef ULONG LOGICAL, *PLOGICAL;

#define TRUE 1
#define FALSE 0

#define ANYSIZE_ARRAY 1

/* Limits (ntdef.h, basetsd.h). */
#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffff
#define MAXLONGLONG (0x7fffffffffffffff)
#define MAXULONG64 ((ULONG64)~((ULONG64)0))
#define MAXLONG64 ((LONG64)(MAXULONG64 >> 1))
#define MINLONG64 ((LONG64)~MAXLONG64)
#define MAXULONG_PTR (~((ULONG_PTR)0))
#define MAXLONG_PTR ((LONG_PTR)(MAXULONG_PTR >> 1))
#define MINLONG_PTR (~MAXLONG_PTR)
#define MAXSIZE_T ((SIZE_T)~((SIZE_T)0))

/*
 * Compile-time checks, array and field sizes (ntdef.h). C_ASSERT is a
 * _Static_assert, so it may stand at file scope or among a function's
 * declarations alike; FIELD_OFFSET is a LONG.
 */
#define C_ASSERT(e) _Static_assert(e, #e)
#define RTL_NUMBER_OF_V1(A) (sizeof(A) / sizeof((A)[0]))
#define RTL_NUMBER_OF_V2(A) RTL_NUMBER_OF_V1(A)
#define RTL_NUMBER_OF(A) RTL_NUMBER_OF_V1(A)
#define ARRAYSIZE(A) RTL_NUMBER_OF_V2(A)
#define _ARRAYSIZE(A) RTL_NUMBER_OF_V1(A)
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) \
	(FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define CONTAINING_RECORD(addr, type, field) \
	((type *)((char *)(addr) - offsetof(type, field)))
#define ARGUMENT_PRESENT(ArgumentPointer) \
	((CHAR *)((ULONG_PTR)(ArgumentPointer)) != (CHAR *)NULL)
#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

/* Pages (x64). */
#define PAGE_SIZE 0x1000
#define PAGE_SHIFT 12L
#define BYTE_OFFSET(Va) ((ULONG)((LONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define PAGE_ALIGN(Va) ((PVOID)((ULONG_PTR)(Va) & ~(PAGE_SIZE - 1)))
#define ROUND_TO_PAGES(Size) \
	(((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define BYTES_TO_PAGES(Size) \
	(((Size) >> PAGE_SHIFT) + (((Size) & (PAGE_SIZE - 1)) != 0))

/* Severity in the top two bits: 0 success, 1 informational, 2 warning,
 * 3 error. */
#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#define NT_INFORMATION(s) ((ULONG)(s) >> 30 == 1)
#define NT_WARNING(s) ((ULONG)(s) >> 30 == 2)
#define NT_ERROR(s) ((ULONG)(s) >> 30 == 3)

#define STATUS_SUCCESS			((NTSTATUS)0x00000000L)
#define STATUS_WAIT_0			((NTSTATUS)0x00000000L)
#define STATUS_ABANDONED		((NTSTATUS)0x00000080L)
#define STATUS_USER_APC			((NTSTATUS)0x000000C0L)
#define STATUS_ALERTED			((NTSTATUS)0x00000101L)
#define STATUS_TIMEOUT			((NTSTATUS)0x00000102L)
#define STATUS_PENDING			((NTSTATUS)0x00000103L)
#define STATUS_BUFFER_OVERFLOW		((NTSTATUS)0x80000005L)
#define STATUS_NO_MORE_ENTRIES		((NTSTATUS)0x8000001AL)
#define STATUS_UNSUCCESSFUL		((NTSTATUS)0xC0000001L)
#define STATUS_NOT_IMPLEMENTED		((NTSTATUS)0xC0000002L)
#define STATUS_INFO_LENGTH_MISMATCH	((NTSTATUS)0xC0000004L)
#define STATUS_ACCESS_VIOLATION		((NTSTATUS)0xC0000005L)
#define STATUS_INVALID_HANDLE		((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_PARAMETER	((NTSTATUS)0xC000000DL)
#define STATUS_NO_SUCH_DEVICE		((NTSTATUS)0xC000000EL)
#define STATUS_INVALID_DEVICE_REQUEST	((NTSTATUS)0xC0000010L)
#define STATUS_NO_MEMORY		((NTSTATUS)0xC0000017L)
#define STATUS_ACCESS_DENIED		((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL		((NTSTATUS)0xC0000023L)
#define STATUS_OBJECT_NAME_NOT_FOUND	((NTSTATUS)0xC0000034L)
#define STATUS_INSUFFICIENT_RESOURCES	((NTSTATUS)0xC000009AL)
#define STATUS_DEVICE_NOT_READY		((NTSTATUS)0xC00000A3L)
#define STATUS_IO_TIMEOUT		((NTSTATUS)0xC00000B5L)
#define STATUS_NOT_SUPPORTED		((NTSTATUS)0xC00000BBL)
#define STATUS_INTERNAL_ERROR		((NTSTATUS)0xC00000E5L)
#define STATUS_INVALID_PARAMETER_1	((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2	((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3	((NTSTATUS)0xC00000F1L)
#define STATUS_CANCELLED		((NTSTATUS)0xC0000120L)
#define STATUS_INVALID_DEVICE_STATE	((NTSTATUS)0xC0000184L)
#define STATUS_NOT_FOUND		((NTSTATUS)0xC0000225L)
#define STATUS_LICENSE_QUOTA_EXCEEDED	((NTSTATUS)0xC0000259L)
#define STATUS_ASSERTION_FAILURE	((NTSTATUS)0xC0000420L)

/* 64-bit values as two halves or one (WDK: LARGE_INTEGER). */
typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	struct {
		ULONG LowPart;
		ULONG HighPart;
	};
	struct {
		ULONG LowPart;
		ULONG HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* Interrupt request levels, x64 values. */
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define HIGH_LEVEL 15

/* Doubly linked lists, as drivers keep their per-processor data in. */
typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

FORCEINLINE VOID InitializeListHead(PLIST_ENTRY h)
{
	h->Flink = h->Blink = h;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *h)
{
	return h->Flink == h;
}

FORCEINLINE VOID InsertTailList(PLIST_ENTRY h, PLIST_ENTRY e)
{
	e->Flink = h;
	e->Blink = h->Blink;
	h->Blink->Flink = e;
	h->Blink = e;
}

/* Returns TRUE when the list became empty. */
FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY e)
{
	PLIST_ENTRY f = e->Flink, b = e->Blink;

	b->Flink = f;
	f->Blink = b;
	return f == b;
}

FORCEINLINE VOID InsertHeadList(PLIST_ENTRY h, PLIST_ENTRY e)
{
	e->Flink = h->Flink;
	e->Blink = h;
	h->Flink->Blink = e;
	h->Flink = e;
}

/* On an empty list both return the head itself, as the WDK's do. */
FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY h)
{
	PLIST_ENTRY e = h->Flink;

	RemoveEntryList(e);
	return e;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY h)
{
	PLIST_ENTRY e = h->Blink;

	RemoveEntryList(e);
	return e;
}

/* Strings. */
typedef struct _UNICODE_STRING {
	USHORT Length;		/* bytes, without a terminator */
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

/* The 8-bit counted string. As in ntdef.h, PCANSI_STRING points to a
 * STRING that is not const. */
typedef struct _STRING {
	USHORT Length;		/* bytes, without a terminator */
	USHORT MaximumLength;
	PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING, CANSI_STRING,
	*PCANSI_STRING;
typedef const char *PCSZ;

/* UNICODE_STRING u = RTL_CONSTANT_STRING(L"...") (L"" literals are 16-bit
 * wide in every build: -fshort-wchar), or ANSI_STRING a =
 * RTL_CONSTANT_STRING("..."). */
#define RTL_CONSTANT_STRING(s) \
	{ sizeof(s) - sizeof((s)[0]), sizeof(s), (s) }

NTSYSAPI VOID RtlInitUnicodeString(PUNICODE_STRING Destination,
				   PCWSTR Source);
NTSYSAPI VOID RtlInitAnsiString(PANSI_STRING DestinationString,
				PCSZ SourceString);
NTSYSAPI BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1,
				       PCUNICODE_STRING String2,
				       BOOLEAN CaseInSensitive);

#define RtlZeroMemory(d, n) ((void)__builtin_memset((d), 0, (n)))
#define RtlFillMemory(d, n, c) ((void)__builtin_memset((d), (c), (n)))
#define RtlCopyMemory(d, s, n) ((void)__builtin_memcpy((d), (s), (n)))
#define RtlMoveMemory(d, s, n) ((void)__builtin_memmove((d), (s), (n)))
#define RtlEqualMemory(a, b, n) (__builtin_memcmp((a), (b), (n)) == 0)

/* Interlocked operations: full barriers, like the x86 LOCK forms. */
FORCEINLINE LONG InterlockedIncrement(LONG volatile *a)
{
	return __atomic_add_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedDecrement(LONG volatile *a)
{
	return __atomic_sub_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedExchange(LONG volatile *t, LONG v)
{
	return __atomic_exchange_n(t, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedExchangeAdd(LONG volatile *a, LONG v)
{
	return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);
}

/* Returns the initial value of *d; stores x only if it equaled c. */
FORCEINLINE LONG InterlockedCompareExchange(LONG volatile *d, LONG x, LONG c)
{
	__atomic_compare_exchange_n(d, &c, x, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return c;
}

/* Or, And, Xor return the value before; Add returns the value after. */
FORCEINLINE LONG InterlockedOr(LONG volatile *d, LONG v)
{
	return __atomic_fetch_or(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedAnd(LONG volatile *d, LONG v)
{
	return __atomic_fetch_and(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedXor(LONG volatile *d, LONG v)
{
	return __atomic_fetch_xor(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG InterlockedAdd(LONG volatile *a, LONG v)
{
	return __atomic_add_fetch(a, v, __ATOMIC_SEQ_CST);
}

/* 16- and 8-bit forms. */
FORCEINLINE SHORT InterlockedIncrement16(SHORT volatile *a)
{
	return __atomic_add_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE SHORT InterlockedDecrement16(SHORT volatile *a)
{
	return __atomic_sub_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE SHORT InterlockedExchange16(SHORT volatile *t, SHORT v)
{
	return __atomic_exchange_n(t, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE SHORT InterlockedCompareExchange16(SHORT volatile *d, SHORT x,
					       SHORT c)
{
	__atomic_compare_exchange_n(d, &c, x, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return c;
}

FORCEINLINE CHAR InterlockedExchange8(CHAR volatile *t, CHAR v)
{
	return __atomic_exchange_n(t, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE CHAR InterlockedCompareExchange8(CHAR volatile *d, CHAR x,
					     CHAR c)
{
	__atomic_compare_exchange_n(d, &c, x, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return c;
}

/* Sets or clears bit `Offset` of *Base; returns what the bit was. */
FORCEINLINE BOOLEAN InterlockedBitTestAndSet(LONG volatile *Base,
					     LONG Offset)
{
	LONG bit = (LONG)(1UL << (Offset & 31));

	return (__atomic_fetch_or(&Base[Offset >> 5], bit,
				  __ATOMIC_SEQ_CST) & bit) != 0;
}

FORCEINLINE BOOLEAN InterlockedBitTestAndReset(LONG volatile *Base,
					       LONG Offset)
{
	LONG bit = (LONG)(1UL << (Offset & 31));

	return (__atomic_fetch_and(&Base[Offset >> 5], ~bit,
				   __ATOMIC_SEQ_CST) & bit) != 0;
}

FORCEINLINE LONG64 InterlockedIncrement64(LONG64 volatile *a)
{
	return __atomic_add_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedDecrement64(LONG64 volatile *a)
{
	return __atomic_sub_fetch(a, 1, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedExchange64(LONG64 volatile *t, LONG64 v)
{
	return __atomic_exchange_n(t, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedExchangeAdd64(LONG64 volatile *a, LONG64 v)
{
	return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedAdd64(LONG64 volatile *a, LONG64 v)
{
	return __atomic_add_fetch(a, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedCompareExchange64(LONG64 volatile *d,
						LONG64 x, LONG64 c)
{
	__atomic_compare_exchange_n(d, &c, x, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return c;
}

FORCEINLINE LONG64 InterlockedOr64(LONG64 volatile *d, LONG64 v)
{
	return __atomic_fetch_or(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedAnd64(LONG64 volatile *d, LONG64 v)
{
	return __atomic_fetch_and(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE LONG64 InterlockedXor64(LONG64 volatile *d, LONG64 v)
{
	return __atomic_fetch_xor(d, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE PVOID InterlockedExchangePointer(PVOID volatile *t, PVOID v)
{
	return __atomic_exchange_n(t, v, __ATOMIC_SEQ_CST);
}

FORCEINLINE PVOID InterlockedCompareExchangePointer(PVOID volatile *d,
						    PVOID x, PVOID c)
{
	__atomic_compare_exchange_n(d, &c, x, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return c;
}

/*
 * IRQL, per processor. The simulator masks no interrupt by it: it is what
 * KeGetCurrentIrql reports and what the core checks against.
 */
NTKERNELAPI KIRQL KeGetCurrentIrql(VOID);
NTKERNELAPI KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql);
NTKERNELAPI VOID KeLowerIrql(KIRQL NewIrql);
NTKERNELAPI KIRQL KeRaiseIrqlToDpcLevel(VOID);
#define KeRaiseIrql(a, b) (*(b) = KfRaiseIrql(a))

/* Stops the machine (the simulator reports it and stops it). */
DECLSPEC_NORETURN NTKERNELAPI VOID KeBugCheckEx(ULONG BugCheckCode,
						ULONG_PTR BugCheckParameter1,
						ULONG_PTR BugCheckParameter2,
						ULONG_PTR BugCheckParameter3,
						ULONG_PTR BugCheckParameter4);

/*
 * Assertions. Always checked, as in a checked build: a failed one is
 * printed (DbgPrint) and stops the machine with KMODE_EXCEPTION_NOT_HANDLED
 * (0x1E), STATUS_ASSERTION_FAILURE and the driver's address.
 */
NTSYSAPI VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
			ULONG LineNumber, PSTR MutableMessage);
/* A function, not the WDK's conditional expression, so that an ASSERT
 * used as a statement draws no unused-value warning; it has the value. */
FORCEINLINE BOOLEAN KiAssertion(BOOLEAN Holds, PCSTR Expression, PCSTR File,
				ULONG Line, PCSTR Message)
{
	if (!Holds)
		RtlAssert((PVOID)Expression, (PVOID)File, Line,
			  (PSTR)Message);
	return Holds;
}
#define ASSERTMSG(msg, exp) \
	KiAssertion((exp) ? TRUE : FALSE, #exp, __FILE__, __LINE__, (msg))
#define ASSERT(exp) ASSERTMSG(NULL, exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define NT_ASSERT(exp) ASSERTMSG(NULL, exp)
#define NT_VERIFY(exp) NT_ASSERT(exp)

/*
 * Spin locks raise to DISPATCH_LEVEL and give back the level they raised
 * from; the AtDpcLevel forms leave the IRQL alone. An in-stack queued
 * lock hands the lock over in the order its waiters came.
 */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
	struct _KSPIN_LOCK_QUEUE *volatile Next;
	PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

typedef struct _KLOCK_QUEUE_HANDLE {
	KSPIN_LOCK_QUEUE LockQueue;
	KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

NTKERNELAPI VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
NTKERNELAPI VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
NTKERNELAPI KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLock(
	PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLock(
	PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(
	PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(
	PKLOCK_QUEUE_HANDLE LockHandle);

/* Dispatcher objects: events. */
typedef CHAR CCHAR;
typedef CCHAR KPROCESSOR_MODE;
typedef LONG KPRIORITY;

typedef enum _MODE { KernelMode, UserMode, MaximumMode } MODE;

typedef enum _KWAIT_REASON {
	Executive, FreePage, PageIn, PoolAllocation, DelayExecution,
	Suspended, UserRequest, WrExecutive, WrFreePage, WrPageIn,
	WrPoolAllocation, WrDelayExecution, WrSuspended, WrUserRequest,
} KWAIT_REASON;

typedef enum _EVENT_TYPE {
	NotificationEvent,
	SynchronizationEvent,
} EVENT_TYPE;

#define IO_NO_INCREMENT 0
#define EVENT_INCREMENT 1

/* The x64 size (24 bytes); Type is the EVENT_TYPE, SignalState 0 or 1. */
typedef struct _DISPATCHER_HEADER {
	UCHAR Type;
	UCHAR Signalling;
	UCHAR Size;
	UCHAR Reserved1;
	LONG SignalState;
	LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER;

typedef struct _KEVENT {
	DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

NTKERNELAPI VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type,
				   BOOLEAN State);
NTKERNELAPI LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment,
			    BOOLEAN Wait);
NTKERNELAPI LONG KeResetEvent(PRKEVENT Event);
NTKERNELAPI VOID KeClearEvent(PRKEVENT Event);
NTKERNELAPI LONG KeReadStateEvent(PRKEVENT Event);

/* Timeouts in 100 ns units: negative relative, positive absolute system
 * time, zero a test; NULL waits without a limit. */
NTKERNELAPI NTSTATUS KeWaitForSingleObject(PVOID Object,
					   KWAIT_REASON WaitReason,
					   KPROCESSOR_MODE WaitMode,
					   BOOLEAN Alertable,
					   PLARGE_INTEGER Timeout);
NTKERNELAPI NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode,
					    BOOLEAN Alertable,
					    PLARGE_INTEGER Interval);

/* Time. System time counts 100 ns since 1601-01-01 UTC, interrupt time
 * 100 ns since start, ticks KeQueryTimeIncrement() of those each. */
NTKERNELAPI VOID KeStallExecutionProcessor(ULONG MicroSeconds);
NTKERNELAPI LARGE_INTEGER KeQueryPerformanceCounter(
	PLARGE_INTEGER PerformanceFrequency);
NTKERNELAPI ULONGLONG KeQueryInterruptTime(VOID);
NTKERNELAPI ULONG KeQueryTimeIncrement(VOID);
NTKERNELAPI VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);
NTKERNELAPI ULONG64 KiQueryTickCount(VOID);
#define KeQueryTickCount(CurrentCount) \
	((VOID)((CurrentCount)->QuadPart = (LONGLONG)KiQueryTickCount()))
#define KeQuerySystemTime(CurrentTime) KeQuerySystemTimePrecise(CurrentTime)

/*
 * Intrinsics, as the Microsoft compiler has them. __readmsr and
 * __writemsr need ring 0: the simulator runs there, a host test must not
 * call them.
 */
FORCEINLINE VOID __cpuidex(int CPUInfo[4], int Function, int SubLeaf)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(CPUInfo[0]), "=b"(CPUInfo[1]),
			       "=c"(CPUInfo[2]), "=d"(CPUInfo[3])
			     : "a"(Function), "c"(SubLeaf));
}

FORCEINLINE VOID __cpuid(int CPUInfo[4], int Function)
{
	__cpuidex(CPUInfo, Function, 0);
}

FORCEINLINE ULONG64 __rdtsc(VOID)
{
	ULONG lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (ULONG64)hi << 32 | lo;
}

FORCEINLINE ULONG64 __readmsr(ULONG Register)
{
	ULONG lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(Register));
	return (ULONG64)hi << 32 | lo;
}

FORCEINLINE VOID __writemsr(ULONG Register, ULONG64 Value)
{
	__asm__ __volatile__("wrmsr" : : "c"(Register), "a"((ULONG)Value),
			     "d"((ULONG)(Value >> 32)) : "memory");
}

FORCEINLINE VOID _mm_pause(VOID)
{
	__asm__ __volatile__("pause");
}

/* x64 wdm.h: a spin-wait hint, the time-stamp counter, and barriers. A
 * compiler barrier keeps the compiler from moving memory accesses across
 * it; KeMemoryBarrier stops the processor too (a full fence). */
#define YieldProcessor _mm_pause
#define ReadTimeStampCounter() __rdtsc()

FORCEINLINE VOID _ReadWriteBarrier(VOID)
{
	__asm__ __volatile__("" : : : "memory");
}

FORCEINLINE VOID KeMemoryBarrier(VOID)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define KeMemoryBarrierWithoutFence() _ReadWriteBarrier()

/* Debug output. Every level is shown: the simulator does no filtering. */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_DEFAULT_ID 101

/*
 * Formats follow the Windows kernel's printf (ke/fmt.c), not the C
 * library's: ULONG is 32 bits and prints with %u or %lu, ULONG64 with
 * %llu or %I64u, SIZE_T and ULONG_PTR with %Iu (%zu works here, but
 * not on older Windows kernels, which print it as text); %wZ prints a
 * PCUNICODE_STRING, %Z a PCANSI_STRING, %ws and %S a PCWSTR. As in the
 * WDK there is no format attribute: GCC would check them as LP64 and
 * reject such code.
 */
ULONG DbgPrint(PCSTR Format, ...);
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format,
		  va_list arglist);
#define KdPrint(args) ((void)DbgPrint args)
#define KdPrintEx(args) ((void)DbgPrintEx args)

/* Pool. */
typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	PagedPool = 1,
	NonPagedPoolNx = 512,
} POOL_TYPE;

typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_UNINITIALIZED		0x0000000000000002ULL
#define POOL_FLAG_CACHE_ALIGNED		0x0000000000000008ULL
#define POOL_FLAG_RAISE_ON_FAILURE	0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED		0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE	0x0000000000000080ULL
#define POOL_FLAG_PAGED			0x0000000000000100ULL

NTKERNELAPI PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes,
				  ULONG Tag);
NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType,
					SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
NTKERNELAPI VOID ExFreePool(PVOID P);
/* Extended parameters name a secure pool (ExCreatePool), which the
 * simulator has none of: an ordinary block is freed with NULL, 0. */
typedef struct _POOL_EXTENDED_PARAMETER POOL_EXTENDED_PARAMETER,
	*PPOOL_EXTENDED_PARAMETER;
typedef const POOL_EXTENDED_PARAMETER *PCPOOL_EXTENDED_PARAMETER;
NTKERNELAPI VOID ExFreePool2(PVOID P, ULONG Tag,
			     PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
			     ULONG ExtendedParametersCount);

/* WDK: an inline over ExAllocatePoolWithTag that zeroes the block. */
FORCEINLINE PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
				     ULONG Tag)
{
	PVOID p = ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);

	if (p)
		RtlZeroMemory(p, NumberOfBytes);
	return p;
}

FORCEINLINE PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType,
					      SIZE_T NumberOfBytes, ULONG Tag)
{
	return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

/* Processors and groups. */
#define MAXIMUM_PROC_PER_GROUP 64
#define ALL_PROCESSOR_GROUPS 0xffff
#define INVALID_PROCESSOR_INDEX 0xffffffff

typedef struct _PROCESSOR_NUMBER {
	USHORT Group;
	UCHAR Number;
	UCHAR Reserved;		/* must be zero */
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;

NTKERNELAPI ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors);
NTKERNELAPI ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber);
NTKERNELAPI ULONG KeQueryMaximumProcessorCount(VOID);
NTKERNELAPI ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber);
NTKERNELAPI USHORT KeQueryActiveGroupCount(VOID);
NTKERNELAPI USHORT KeQueryMaximumGroupCount(VOID);
NTKERNELAPI KAFFINITY KeQueryActiveProcessors(VOID);
NTKERNELAPI KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber);
NTKERNELAPI ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber);
NTKERNELAPI ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber);
NTKERNELAPI NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex,
						   PPROCESSOR_NUMBER ProcNumber);

/*
 * DPCs (x64 layout, 64 bytes). Number holds the target: 0 for the
 * processor that queues it, else 1 + the target's seat (group *
 * group size + number). DpcData is non-NULL while the DPC is queued.
 */
typedef struct _SINGLE_LIST_ENTRY {
	struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

typedef enum _KDPC_IMPORTANCE {
	LowImportance,
	MediumImportance,
	HighImportance,
	MediumHighImportance
} KDPC_IMPORTANCE;

#define DpcObject 19
#define ThreadedDpcObject 24

struct _KDPC;
typedef VOID KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext,
			       PVOID SystemArgument1, PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

typedef struct _KDPC {
	union {
		ULONG TargetInfoAsUlong;
		struct {
			UCHAR Type;
			UCHAR Importance;
			volatile USHORT Number;
		};
	};
	SINGLE_LIST_ENTRY DpcListEntry;
	KAFFINITY ProcessorHistory;
	PKDEFERRED_ROUTINE DeferredRoutine;
	PVOID DeferredContext;
	PVOID SystemArgument1;
	PVOID SystemArgument2;
	volatile PVOID DpcData;
} KDPC, *PKDPC, *PRKDPC;

NTKERNELAPI VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
				 PVOID DeferredContext);
NTKERNELAPI VOID KeInitializeThreadedDpc(PKDPC Dpc,
					 PKDEFERRED_ROUTINE DeferredRoutine,
					 PVOID DeferredContext);
NTKERNELAPI VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number);
NTKERNELAPI NTSTATUS KeSetTargetProcessorDpcEx(PKDPC Dpc,
					       PPROCESSOR_NUMBER ProcNumber);
NTKERNELAPI VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance);
NTKERNELAPI BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
				     PVOID SystemArgument2);
NTKERNELAPI BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc);
NTKERNELAPI VOID KeFlushQueuedDpcs(VOID);

typedef struct _GROUP_AFFINITY {
	KAFFINITY Mask;
	USHORT Group;
	USHORT Reserved[3];
} GROUP_AFFINITY, *PGROUP_AFFINITY;

/* The calling thread's processors (WDK: IRQL <= APC_LEVEL). */
NTKERNELAPI VOID KeSetSystemGroupAffinityThread(
	PGROUP_AFFINITY Affinity, PGROUP_AFFINITY PreviousAffinity);
NTKERNELAPI VOID KeRevertToUserGroupAffinityThread(
	PGROUP_AFFINITY PreviousAffinity);
NTKERNELAPI KAFFINITY KeSetSystemAffinityThreadEx(KAFFINITY Affinity);
NTKERNELAPI VOID KeRevertToUserAffinityThreadEx(KAFFINITY Affinity);
/* The older forms (WDK: obsolete, still exported): no previous value. */
FORCEINLINE VOID KeSetSystemAffinityThread(KAFFINITY Affinity)
{
	KeSetSystemAffinityThreadEx(Affinity);
}

FORCEINLINE VOID KeRevertToUserAffinityThread(VOID)
{
	KeRevertToUserAffinityThreadEx(0);
}

/*
 * Topology (winnt.h layouts). Records are variable length: Size is the
 * record's own, GroupMask holds GroupCount entries, GroupInfo
 * ActiveGroupCount entries.
 */
typedef enum _LOGICAL_PROCESSOR_RELATIONSHIP {
	RelationProcessorCore,
	RelationNumaNode,
	RelationCache,
	RelationProcessorPackage,
	RelationGroup,
	RelationProcessorDie,
	RelationNumaNodeEx,
	RelationProcessorModule,
	RelationAll = 0xffff
} LOGICAL_PROCESSOR_RELATIONSHIP;

#define LTP_PC_SMT 0x1

typedef struct _PROCESSOR_RELATIONSHIP {
	UCHAR Flags;
	UCHAR EfficiencyClass;
	UCHAR Reserved[20];
	USHORT GroupCount;
	GROUP_AFFINITY GroupMask[ANYSIZE_ARRAY];
} PROCESSOR_RELATIONSHIP, *PPROCESSOR_RELATIONSHIP;

typedef struct _NUMA_NODE_RELATIONSHIP {
	ULONG NodeNumber;
	UCHAR Reserved[18];
	USHORT GroupCount;
	union {
		GROUP_AFFINITY GroupMask;
		GROUP_AFFINITY GroupMasks[ANYSIZE_ARRAY];
	};
} NUMA_NODE_RELATIONSHIP, *PNUMA_NODE_RELATIONSHIP;

typedef enum _PROCESSOR_CACHE_TYPE {
	CacheUnified, CacheInstruction, CacheData, CacheTrace
} PROCESSOR_CACHE_TYPE;

typedef struct _CACHE_RELATIONSHIP {
	UCHAR Level;
	UCHAR Associativity;
	USHORT LineSize;
	ULONG CacheSize;
	PROCESSOR_CACHE_TYPE Type;
	UCHAR Reserved[18];
	USHORT GroupCount;
	union {
		GROUP_AFFINITY GroupMask;
		GROUP_AFFINITY GroupMasks[ANYSIZE_ARRAY];
	};
} CACHE_RELATIONSHIP, *PCACHE_RELATIONSHIP;

typedef struct _PROCESSOR_GROUP_INFO {
	UCHAR MaximumProcessorCount;
	UCHAR ActiveProcessorCount;
	UCHAR Reserved[38];
	KAFFINITY ActiveProcessorMask;
} PROCESSOR_GROUP_INFO, *PPROCESSOR_GROUP_INFO;

typedef struct _GROUP_RELATIONSHIP {
	USHORT MaximumGroupCount;
	USHORT ActiveGroupCount;
	UCHAR Reserved[20];
	PROCESSOR_GROUP_INFO GroupInfo[ANYSIZE_ARRAY];
} GROUP_RELATIONSHIP, *PGROUP_RELATIONSHIP;

typedef struct _SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX {
	LOGICAL_PROCESSOR_RELATIONSHIP Relationship;
	ULONG Size;
	union {
		PROCESSOR_RELATIONSHIP Processor;
		NUMA_NODE_RELATIONSHIP NumaNode;
		CACHE_RELATIONSHIP Cache;
		GROUP_RELATIONSHIP Group;
	};
} SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX,
	*PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX;

NTKERNELAPI NTSTATUS KeQueryLogicalProcessorRelationship(
	PPROCESSOR_NUMBER ProcessorNumber,
	LOGICAL_PROCESSOR_RELATIONSHIP RelationshipType,
	PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX Information, PULONG Length);
NTKERNELAPI VOID KeQueryNodeActiveAffinity(USHORT NodeNumber,
					   PGROUP_AFFINITY Affinity,
					   PUSHORT Count);
NTKERNELAPI USHORT KeGetCurrentNodeNumber(VOID);
NTKERNELAPI USHORT KeQueryHighestNodeNumber(VOID);

typedef ULONG_PTR KIPI_BROADCAST_WORKER(ULONG_PTR Argument);
typedef KIPI_BROADCAST_WORKER *PKIPI_BROADCAST_WORKER;

NTKERNELAPI ULONG_PTR KeIpiGenericCall(PKIPI_BROADCAST_WORKER BroadcastFunction,
				       ULONG_PTR Context);

/* Processor change notification. */
#define KE_PROCESSOR_CHANGE_ADD_EXISTING 1

typedef enum _KE_PROCESSOR_CHANGE_NOTIFY_STATE {
	KeProcessorAddStartNotify = 0,
	KeProcessorAddCompleteNotify = 1,
	KeProcessorAddFailureNotify = 2,
} KE_PROCESSOR_CHANGE_NOTIFY_STATE;

typedef struct _KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT {
	KE_PROCESSOR_CHANGE_NOTIFY_STATE State;	/* +0 */
	ULONG NtNumber;				/* +4 */
	NTSTATUS Status;			/* +8 */
	PROCESSOR_NUMBER ProcNumber;		/* +12 */
} KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT, *PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT;

typedef VOID PROCESSOR_CALLBACK_FUNCTION(
	PVOID CallbackContext,
	PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
	PNTSTATUS OperationStatus);
typedef PROCESSOR_CALLBACK_FUNCTION *PPROCESSOR_CALLBACK_FUNCTION;

NTKERNELAPI PVOID KeRegisterProcessorChangeCallback(
	PPROCESSOR_CALLBACK_FUNCTION CallbackFunction,
	PVOID CallbackContext, ULONG Flags);
NTKERNELAPI VOID KeDeregisterProcessorChangeCallback(PVOID CallbackHandle);

/* Executive callback objects (\Callback\ProcessorAdd and others). */
#define OBJ_CASE_INSENSITIVE 0x00000040L

typedef struct _OBJECT_ATTRIBUTES {
	ULONG Length;
	HANDLE RootDirectory;
	PUNICODE_STRING ObjectName;
	ULONG Attributes;
	PVOID SecurityDescriptor;
	PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) do {	\
	(p)->Length = sizeof(OBJECT_ATTRIBUTES);	\
	(p)->RootDirectory = (r);			\
	(p)->Attributes = (a);				\
	(p)->ObjectName = (n);				\
	(p)->SecurityDescriptor = (s);			\
	(p)->SecurityQualityOfService = NULL;		\
} while (0)

typedef struct _CALLBACK_OBJECT *PCALLBACK_OBJECT;
typedef VOID CALLBACK_FUNCTION(PVOID CallbackContext, PVOID Argument1,
			       PVOID Argument2);
typedef CALLBACK_FUNCTION *PCALLBACK_FUNCTION;

NTKERNELAPI NTSTATUS ExCreateCallback(PCALLBACK_OBJECT *CallbackObject,
				      POBJECT_ATTRIBUTES ObjectAttributes,
				      BOOLEAN Create,
				      BOOLEAN AllowMultipleCallbacks);
NTKERNELAPI PVOID ExRegisterCallback(PCALLBACK_OBJECT CallbackObject,
				     PCALLBACK_FUNCTION CallbackFunction,
				     PVOID CallbackContext);
NTKERNELAPI VOID ExUnregisterCallback(PVOID CallbackRegistration);
NTKERNELAPI VOID ExNotifyCallback(PVOID CallbackObject, PVOID Argument1,
				  PVOID Argument2);
/* Returns the references left. Callback objects live as long as the
 * simulator: dropping one's last reference is reported. */
NTKERNELAPI LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object);
#define ObDereferenceObject(o) ObfDereferenceObject(o)

/* Driver objects. Devices and IRPs are opaque: no I/O is simulated. */
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;
typedef struct _IRP IRP, *PIRP;
typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;

typedef NTSTATUS DRIVER_INITIALIZE(PDRIVER_OBJECT DriverObject,
				   PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef VOID DRIVER_UNLOAD(PDRIVER_OBJECT DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef NTSTATUS DRIVER_DISPATCH(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;

#define IO_TYPE_DRIVER 4
#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

struct _DRIVER_OBJECT {
	CSHORT Type;
	CSHORT Size;
	PDEVICE_OBJECT DeviceObject;
	ULONG Flags;
	PVOID DriverStart;
	ULONG DriverSize;
	PVOID DriverSection;
	PVOID DriverExtension;
	UNICODE_STRING DriverName;
	PUNICODE_STRING HardwareDatabase;
	PVOID FastIoDispatch;
	PDRIVER_INITIALIZE DriverInit;
	PVOID DriverStartIo;
	PDRIVER_UNLOAD DriverUnload;
	PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
};

#endif
