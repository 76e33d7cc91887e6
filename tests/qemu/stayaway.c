/*
 * stayaway.c: moves its thread to each processor added, in Complete,
 * allocates and frees pool there, and returns without reverting. The
 * verifier reports it and moves the thread back to the BSP; the shell
 * goes on there.
 */
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;

static VOID Callback(PVOID Context, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT Change,
		     PNTSTATUS OperationStatus)
{
	GROUP_AFFINITY to = { 0 };
	PROCESSOR_NUMBER on;
	int r[4];
	PVOID p;

	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(OperationStatus);
	if (Change->State != KeProcessorAddCompleteNotify)
		return;
	to.Group = Change->ProcNumber.Group;
	to.Mask = (KAFFINITY)1 << Change->ProcNumber.Number;
	KeSetSystemGroupAffinityThread(&to, NULL);
	KeGetCurrentProcessorNumberEx(&on);
	__cpuid(r, 1);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4096, 'ytsS');
	DbgPrint("left on %u:%u apic=%u pool=%s\n", on.Group, on.Number,
		 (ULONG)r[1] >> 24, p ? "ok" : "none");
	if (p)
		ExFreePoolWithTag(p, 'ytsS');
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(DriverObject);
	UNREFERENCED_PARAMETER(RegistryPath);
	return KeRegisterProcessorChangeCallback(Callback, NULL, 0) ?
	       STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
