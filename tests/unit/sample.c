/*
 * sample.c: a driver written only against the WDK, in the shape of the
 * documented synchronous processor-change flow: DriverEntry registers a
 * callback with KE_PROCESSOR_CHANGE_ADD_EXISTING and a status variable
 * as its context, fails if the handle is NULL, and Unload deregisters.
 * It keeps one pool block per processor, indexed by NtNumber, and
 * vetoes an add when it cannot allocate that block.
 *
 * Nothing here may need the simulator's own headers.
 */
#include <ntddk.h>

#define SAMPLE_TAG 'lpmS'
#define SAMPLE_MAX 64

typedef struct _PER_PROCESSOR {
	ULONG Index;
	PROCESSOR_NUMBER Number;
	LONG Adds;
} PER_PROCESSOR, *PPER_PROCESSOR;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD Unload;
PROCESSOR_CALLBACK_FUNCTION SyncProcessorCallback;

PVOID CallbackHandle;
NTSTATUS CallbackStatus;
PPER_PROCESSOR PerProcessor[SAMPLE_MAX];
LONG Online;

static VOID PrepareProcessor(PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT Change,
			     PNTSTATUS OperationStatus)
{
	PPER_PROCESSOR p;

	if (Change->NtNumber >= SAMPLE_MAX) {
		*OperationStatus = STATUS_INVALID_PARAMETER;
		return;
	}
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*p), SAMPLE_TAG);
	if (p == NULL) {
		*OperationStatus = STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	p->Index = Change->NtNumber;
	p->Number = Change->ProcNumber;
	PerProcessor[Change->NtNumber] = p;
}

_Use_decl_annotations_
VOID SyncProcessorCallback(PVOID CallbackContext,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			   PNTSTATUS OperationStatus)
{
	PNTSTATUS status = (PNTSTATUS)CallbackContext;
	ULONG i = ChangeContext->NtNumber;

	switch (ChangeContext->State) {
	case KeProcessorAddStartNotify:
		PrepareProcessor(ChangeContext, OperationStatus);
		/* keep the reason of a veto for DriverEntry */
		if (!NT_SUCCESS(*OperationStatus))
			*status = *OperationStatus;
		break;
	case KeProcessorAddCompleteNotify:
		InterlockedIncrement(&PerProcessor[i]->Adds);
		InterlockedIncrement(&Online);
		KdPrint(("sample: processor %u (group %u number %u) online\n",
			 i, ChangeContext->ProcNumber.Group,
			 ChangeContext->ProcNumber.Number));
		break;
	case KeProcessorAddFailureNotify:
		/* A vetoed add may have no block if this driver vetoed. */
		if (i < SAMPLE_MAX && PerProcessor[i]) {
			ExFreePoolWithTag(PerProcessor[i], SAMPLE_TAG);
			PerProcessor[i] = NULL;
		}
		break;
	}
}

_Use_decl_annotations_
VOID Unload(PDRIVER_OBJECT DriverObject)
{
	ULONG i;

	UNREFERENCED_PARAMETER(DriverObject);
	if (CallbackHandle != NULL)
		KeDeregisterProcessorChangeCallback(CallbackHandle);
	for (i = 0; i < SAMPLE_MAX; i++) {
		if (PerProcessor[i]) {
			ExFreePoolWithTag(PerProcessor[i], SAMPLE_TAG);
			PerProcessor[i] = NULL;
		}
	}
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(RegistryPath);
	DriverObject->DriverUnload = Unload;
	CallbackStatus = STATUS_SUCCESS;
	Online = 0;
	CallbackHandle = KeRegisterProcessorChangeCallback(
		SyncProcessorCallback, &CallbackStatus,
		KE_PROCESSOR_CHANGE_ADD_EXISTING);
	if (CallbackHandle == NULL) {
		Unload(DriverObject);
		return NT_SUCCESS(CallbackStatus) ? STATUS_UNSUCCESSFUL :
						    CallbackStatus;
	}
	DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
		   "sample: loaded, %u processors\n", Online);
	return STATUS_SUCCESS;
}
