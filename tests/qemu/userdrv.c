/*
 * userdrv.c: a driver from outside the tree, as a driver author writes it
 * against the WDK, built into the image with `make DRIVERS=...`.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD Unload;
static PROCESSOR_CALLBACK_FUNCTION OnProcessorChange;

static PVOID Handle;
static NTSTATUS Status;

static VOID
OnProcessorChange(PVOID Context, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT Change,
		  PNTSTATUS OperationStatus)
{
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(OperationStatus);
	if (Change->State == KeProcessorAddCompleteNotify)
		DbgPrint("processor %lu is ready", Change->NtNumber);
}

static VOID
Unload(PDRIVER_OBJECT DriverObject)
{
	UNREFERENCED_PARAMETER(DriverObject);
	KeDeregisterProcessorChangeCallback(Handle);
}

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(RegistryPath);
	Handle = KeRegisterProcessorChangeCallback(OnProcessorChange, &Status,
						   KE_PROCESSOR_CHANGE_ADD_EXISTING);
	if (Handle == NULL)
		return STATUS_UNSUCCESSFUL;
	DriverObject->DriverUnload = Unload;
	return STATUS_SUCCESS;
}
