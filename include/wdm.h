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

/* Annotations: the WDK's SAL and calling-convention markers, all empty. */
#define IN
#define OUT
#define OPTIONAL
#define NTAPI
#define NTKERNELAPI
#define NTSYSAPI
#define FORCEINLINE static inline
#define FASTCALL
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define _In_
#define _In_opt_
#define _In_z_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _Printf_format_string_
#define _Must_inspect_result_
#define _Use_decl_annotations_
#define _IRQL_requires_same_
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_(irql)
#define _Function_class_(name)
#define _When_(cond, anno)
#define _Success_(expr)
#define _Post_maybenull_
#define _Out_writes_bytes_(n)
#define _In_reads_bytes_(n)
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
typedef int64_t LONGLONG, LONG64;
typedef uint64_t ULONGLONG, ULONG64;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, SIZE_T, *PSIZE_T;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;

#define TRUE 1
#define FALSE 0

#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)

#define STATUS_SUCCESS			((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL		((NTSTATUS)0xC0000001L)
#define STATUS_INVALID_PARAMETER	((NTSTATUS)0xC000000DL)
#define STATUS_OBJECT_NAME_NOT_FOUND	((NTSTATUS)0xC0000034L)
#define STATUS_INSUFFICIENT_RESOURCES	((NTSTATUS)0xC000009AL)
#define STATUS_IO_TIMEOUT		((NTSTATUS)0xC00000B5L)
#define STATUS_INTERNAL_ERROR		((NTSTATUS)0xC00000E5L)
#define STATUS_LICENSE_QUOTA_EXCEEDED	((NTSTATUS)0xC0000259L)

/* Interrupt request levels, x64 values. */
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define HIGH_LEVEL 15

#define CONTAINING_RECORD(addr, type, field) \
	((type *)((char *)(addr) - offsetof(type, field)))

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

/* Strings. */
typedef struct _UNICODE_STRING {
	USHORT Length;		/* bytes, without a terminator */
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

/* UNICODE_STRING u = RTL_CONSTANT_STRING(L"..."): L"" literals are 16-bit
 * wide in every build (-fshort-wchar). */
#define RTL_CONSTANT_STRING(s) \
	{ sizeof(s) - sizeof((s)[0]), sizeof(s), (PWSTR)(s) }

NTSYSAPI VOID RtlInitUnicodeString(PUNICODE_STRING Destination,
				   PCWSTR Source);
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

/* Spin locks. They do not raise the IRQL yet: OldIrql is PASSIVE_LEVEL. */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

NTKERNELAPI VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
NTKERNELAPI VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);

/* Debug output. Every level is shown: the simulator does no filtering. */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_DEFAULT_ID 101

ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
	__attribute__((format(printf, 3, 4)));
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
