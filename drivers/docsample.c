/*
 * docsample.c: the flow the WDK describes under "Registering for
 * Synchronous Driver Notification", written as a driver for the
 * simulator. It uses nothing beyond <wdm.h>.
 *
 * DriverEntry registers one callback with KE_PROCESSOR_CHANGE_ADD_EXISTING,
 * so the callback first sees every processor that is already active, as
 * if each were being added. The callback context is the address of a
 * status variable: when the callback refuses a processor it stores the
 * reason there, because a failed registration returns only NULL.
 * DriverEntry then fails with that reason (or STATUS_UNSUCCESSFUL when
 * there is none). Unload deregisters.
 *
 * The per-processor resource here is a small record allocated in Start:
 * Start is the only notification in which a driver may refuse a
 * processor, so anything the driver cannot work without is acquired
 * there, and released again in Failure.
 *
 * Lines:
 *   registered, A processors active
 *   processor N (group G number M) online
 *   processor N failed to start, status 0xSSSSSSSS
 *   no memory for processor N
 */
#include <wdm.h>

#define SAMPLE_TAG 'sDaH'

typedef struct _SAMPLE_PROCESSOR {
	PROCESSOR_NUMBER Number;
	BOOLEAN Online;
} SAMPLE_PROCESSOR, *PSAMPLE_PROCESSOR;

/*
 * Per instance: several copies may be loaded under different names, so
 * nothing lives in globals. The block hangs off DriverExtension (the
 * simulator leaves that field to the driver; the WDK would use
 * IoAllocateDriverObjectExtension). CallbackStatus comes first: its
 * address is the callback context, and the block is found back from it.
 */
typedef struct _SAMPLE_DRIVER {
	NTSTATUS CallbackStatus;
	PVOID CallbackHandle;
	ULONG MaxProcessors;
	PSAMPLE_PROCESSOR *Processors;	/* MaxProcessors entries, below */
} SAMPLE_DRIVER, *PSAMPLE_DRIVER;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SampleUnload;
static PROCESSOR_CALLBACK_FUNCTION SampleCallback;

static PSAMPLE_DRIVER SampleFromStatus(PVOID CallbackContext)
{
	return CONTAINING_RECORD(CallbackContext, SAMPLE_DRIVER,
				 CallbackStatus);
}

/* Start: get what the new processor needs, or refuse it. */
static VOID SampleStart(PSAMPLE_DRIVER Sample,
			PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT Change,
			PNTSTATUS OperationStatus)
{
	PSAMPLE_PROCESSOR p;
	NTSTATUS status = STATUS_SUCCESS;

	if (Change->NtNumber >= Sample->MaxProcessors) {
		status = STATUS_INVALID_PARAMETER;
	} else {
		p = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*p),
				    SAMPLE_TAG);
		if (p == NULL) {
			DbgPrint("no memory for processor %u\n",
				 Change->NtNumber);
			status = STATUS_INSUFFICIENT_RESOURCES;
		} else {
			p->Number = Change->ProcNumber;
			Sample->Processors[Change->NtNumber] = p;
		}
	}
	if (!NT_SUCCESS(status)) {
		*OperationStatus = status;
		Sample->CallbackStatus = status;
	}
}

static VOID SampleRelease(PSAMPLE_DRIVER Sample, ULONG Index)
{
	if (Index < Sample->MaxProcessors && Sample->Processors[Index]) {
		ExFreePoolWithTag(Sample->Processors[Index], SAMPLE_TAG);
		Sample->Processors[Index] = NULL;
	}
}

static VOID SampleCallback(PVOID CallbackContext,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			   PNTSTATUS OperationStatus)
{
	PSAMPLE_DRIVER sample = SampleFromStatus(CallbackContext);
	ULONG i = ChangeContext->NtNumber;

	switch (ChangeContext->State) {
	case KeProcessorAddStartNotify:
		SampleStart(sample, ChangeContext, OperationStatus);
		break;
	case KeProcessorAddCompleteNotify:
		/* The processor runs now: its record may be used. */
		if (i < sample->MaxProcessors && sample->Processors[i])
			sample->Processors[i]->Online = TRUE;
		DbgPrint("processor %u (group %u number %u) online\n", i,
			 ChangeContext->ProcNumber.Group,
			 ChangeContext->ProcNumber.Number);
		break;
	case KeProcessorAddFailureNotify:
		/* Sent to every driver, the one that refused included; a
		 * refused processor may have no record. */
		SampleRelease(sample, i);
		DbgPrint("processor %u failed to start, status 0x%08x\n", i,
			 (ULONG)ChangeContext->Status);
		break;
	}
}

static VOID SampleFree(PSAMPLE_DRIVER Sample)
{
	ULONG i;

	for (i = 0; i < Sample->MaxProcessors; i++)
		SampleRelease(Sample, i);
	ExFreePoolWithTag(Sample, SAMPLE_TAG);
}

static VOID SampleUnload(PDRIVER_OBJECT DriverObject)
{
	PSAMPLE_DRIVER sample = DriverObject->DriverExtension;

	KeDeregisterProcessorChangeCallback(sample->CallbackHandle);
	DriverObject->DriverExtension = NULL;
	SampleFree(sample);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	ULONG max = KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS);
	PSAMPLE_DRIVER sample;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	sample = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*sample) +
				 max * sizeof(PSAMPLE_PROCESSOR), SAMPLE_TAG);
	if (sample == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	sample->MaxProcessors = max;
	sample->Processors = (PSAMPLE_PROCESSOR *)(sample + 1);
	sample->CallbackStatus = STATUS_SUCCESS;
	sample->CallbackHandle = KeRegisterProcessorChangeCallback(
		SampleCallback, &sample->CallbackStatus,
		KE_PROCESSOR_CHANGE_ADD_EXISTING);
	if (sample->CallbackHandle == NULL) {
		status = NT_SUCCESS(sample->CallbackStatus) ?
			 STATUS_UNSUCCESSFUL : sample->CallbackStatus;
		SampleFree(sample);
		return status;
	}
	DriverObject->DriverExtension = sample;
	DriverObject->DriverUnload = SampleUnload;
	DbgPrint("registered, %u processors active\n",
		 KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS));
	return STATUS_SUCCESS;
}
