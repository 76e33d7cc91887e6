/*
 * awaybug.c: stops the machine from the processor just added. Its
 * Complete callback moves the thread there, says where it is, and calls
 * KeBugCheckEx: the report must name that processor, and the BSP must
 * get the machine back to report it (the thread's stack included).
 */
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;

static VOID Callback(PVOID Context, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT Change,
		     PNTSTATUS OperationStatus)
{
	GROUP_AFFINITY to = { 0 };
	PROCESSOR_NUMBER on;

	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(OperationStatus);
	if (Change->State != KeProcessorAddCompleteNotify)
		return;
	to.Group = Change->ProcNumber.Group;
	to.Mask = (KAFFINITY)1 << Change->ProcNumber.Number;
	KeSetSystemGroupAffinityThread(&to, NULL);
	KeGetCurrentProcessorNumberEx(&on);
	DbgPrint("on %u:%u, stopping\n", on.Group, on.Number);
	KeBugCheckEx(0xE2, 1, 2, 3, 4);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(DriverObject);
	UNREFERENCED_PARAMETER(RegistryPath);
	return KeRegisterProcessorChangeCallback(Callback, NULL, 0) ?
	       STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
