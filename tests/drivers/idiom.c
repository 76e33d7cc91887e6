/*
 * idiom.c: a driver written the way WDK drivers are, with the idioms of
 * which each one alone stops a build when the header lacks a name: SAL
 * and driver annotations, #pragma alloc_text, C_ASSERT, RTL_NUMBER_OF,
 * FIELD_OFFSET, the MAX limits, the page macros, Interlocked*16,
 * YieldProcessor, KeMemoryBarrier, ReadTimeStampCounter, ExFreePool2,
 * and DbgPrint with the kernel's formats (%wZ, %Z, %lu for a ULONG,
 * %Iu for a SIZE_T, %I64u, %hu, %#x). tests/drivers/test_drivers.c
 * checks every line it prints.
 *
 * Lines:
 *   loaded as <DriverName> from <RegistryPath>
 *   ansi=<text> lengths=<Length>/<MaximumLength>
 *   record=<bytes> offset=<of Slots> field=<bytes> through=<bytes> slots=<n>
 *   pages=<n> rounded=0x<bytes> offset=0x<n>
 *   limits <MAXULONG> <MAXLONG> <MAXUSHORT> <MAXUCHAR> <MAXULONG64> <MAXLONGLONG>
 *   processor <nt> ready, group <g> number <n>, <count> so far
 *   unload: <count> processors, tsc moved: <yes|no>
 */
#include <ntddk.h>
#include <intrin.h>		/* MSVC's intrinsics header, as many drivers include it */

#define IDIOM_TAG 'moiD'
#define IDIOM_SLOTS 64

typedef struct _IDIOM_SLOT {
	ULONG NtNumber;
	PROCESSOR_NUMBER Number;
	BOOLEAN Ready;
} IDIOM_SLOT, *PIDIOM_SLOT;

typedef struct _IDIOM_DRIVER {
	PVOID Handle;
	volatile SHORT Gate;		/* 1 while someone holds the slots */
	volatile SHORT Count;
	ULONG64 Stamp;
	_Guarded_by_(Gate) _Field_size_(IDIOM_SLOTS)
	IDIOM_SLOT Slots[IDIOM_SLOTS];
} IDIOM_DRIVER, *PIDIOM_DRIVER;

C_ASSERT(RTL_NUMBER_OF(((PIDIOM_DRIVER)0)->Slots) == IDIOM_SLOTS);
C_ASSERT(FIELD_OFFSET(IDIOM_SLOT, NtNumber) == 0);

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD IdiomUnload;
static PROCESSOR_CALLBACK_FUNCTION IdiomCallback;
_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
static DRIVER_DISPATCH IdiomCreateClose;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#endif
#pragma alloc_text(PAGE, IdiomUnload)

static PIDIOM_DRIVER Idiom;

_IRQL_requires_max_(DISPATCH_LEVEL)
_Acquires_lock_(Idiom->Gate)
static VOID IdiomLock(_Inout_ PIDIOM_DRIVER Driver)
{
	while (InterlockedCompareExchange16(&Driver->Gate, 1, 0) != 0)
		YieldProcessor();
}

_IRQL_requires_max_(DISPATCH_LEVEL)
_Releases_lock_(Idiom->Gate)
static VOID IdiomUnlock(_Inout_ PIDIOM_DRIVER Driver)
{
	KeMemoryBarrier();
	InterlockedDecrement16(&Driver->Gate);
}

_Use_decl_annotations_
static VOID IdiomCallback(PVOID CallbackContext,
			  PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			  PNTSTATUS OperationStatus)
{
	PIDIOM_DRIVER idiom = (PIDIOM_DRIVER)CallbackContext;
	ULONG nt = ChangeContext->NtNumber;
	PIDIOM_SLOT slot;

	UNREFERENCED_PARAMETER(OperationStatus);
	if (ChangeContext->State != KeProcessorAddCompleteNotify ||
	    nt >= RTL_NUMBER_OF(idiom->Slots))
		return;
	IdiomLock(idiom);
	slot = &idiom->Slots[nt];
	slot->NtNumber = nt;
	slot->Number = ChangeContext->ProcNumber;
	slot->Ready = TRUE;
	IdiomUnlock(idiom);
	DbgPrint("processor %lu ready, group %hu number %u, %hd so far\n", nt,
		 slot->Number.Group, slot->Number.Number,
		 InterlockedIncrement16(&idiom->Count));
}

/* Never called: the simulator sends no IRPs. Here for the annotation. */
_Use_decl_annotations_
static NTSTATUS IdiomCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	return STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_
static VOID IdiomUnload(PDRIVER_OBJECT DriverObject)
{
	PIDIOM_DRIVER idiom = Idiom;
	SHORT count;

	UNREFERENCED_PARAMETER(DriverObject);
	PAGED_CODE();
	KeDeregisterProcessorChangeCallback(idiom->Handle);
	IdiomLock(idiom);
	count = idiom->Count;
	IdiomUnlock(idiom);
	DbgPrint("unload: %hd processors, tsc moved: %s\n", count,
		 ReadTimeStampCounter() != idiom->Stamp ? "yes" : "no");
	ExFreePool2(idiom, IDIOM_TAG, NULL, 0);
	Idiom = NULL;
}

/* What the names are worth, printed the WDK way. */
_IRQL_requires_max_(PASSIVE_LEVEL)
static VOID IdiomSizes(VOID)
{
	SIZE_T bytes = sizeof(IDIOM_DRIVER);
	C_ASSERT(sizeof(IDIOM_SLOT) <= 16);

	DbgPrint("record=%Iu offset=%ld field=%Iu through=%Iu slots=%Iu\n",
		 bytes, FIELD_OFFSET(IDIOM_DRIVER, Slots),
		 RTL_FIELD_SIZE(IDIOM_SLOT, Number),
		 RTL_SIZEOF_THROUGH_FIELD(IDIOM_SLOT, Number),
		 ARRAYSIZE(Idiom->Slots));
	DbgPrint("pages=%Iu rounded=%#Ix offset=%#lx\n", BYTES_TO_PAGES(bytes),
		 ROUND_TO_PAGES(bytes), BYTE_OFFSET(0x12345));
	DbgPrint("limits %lu %ld %hu %u %I64u %I64d\n", MAXULONG, MAXLONG,
		 MAXUSHORT, MAXUCHAR, MAXULONG64, MAXLONGLONG);
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	ANSI_STRING ansi;
	PIDIOM_DRIVER idiom;

	PAGED_CODE();
	if (!ARGUMENT_PRESENT(RegistryPath))
		return STATUS_INVALID_PARAMETER;
	DbgPrint("loaded as %wZ from %wZ\n", &DriverObject->DriverName,
		 RegistryPath);
	RtlInitAnsiString(&ansi, "idiom");
	DbgPrint("ansi=%Z lengths=%hu/%hu\n", &ansi, ansi.Length,
		 ansi.MaximumLength);
	idiom = (PIDIOM_DRIVER)ExAllocatePool2(POOL_FLAG_NON_PAGED,
					       sizeof(*idiom), IDIOM_TAG);
	if (idiom == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	Idiom = idiom;
	IdiomSizes();
	idiom->Stamp = ReadTimeStampCounter();
	idiom->Handle = KeRegisterProcessorChangeCallback(
		IdiomCallback, idiom, KE_PROCESSOR_CHANGE_ADD_EXISTING);
	if (idiom->Handle == NULL) {
		ExFreePool2(idiom, IDIOM_TAG, NULL, 0);
		Idiom = NULL;
		return STATUS_UNSUCCESSFUL;
	}
	DriverObject->MajorFunction[IRP_MJ_CREATE] = IdiomCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLOSE] = IdiomCreateClose;
	DriverObject->DriverUnload = IdiomUnload;
	return STATUS_SUCCESS;
}
