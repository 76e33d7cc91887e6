/*
 * dpcheld.c: at load, queues a DPC to the first processor of group 0
 * that is not active (a held one) and returns; the DPC says where it ran.
 * It never removes the DPC: an unload before that processor's add leaves
 * it queued, which the verifier reports (dpc-at-unload).
 */
#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;

static KDPC Dpc;

static VOID Ran(PKDPC D, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	PROCESSOR_NUMBER n;
	int r[4];

	UNREFERENCED_PARAMETER(D);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeGetCurrentProcessorNumberEx(&n);
	__cpuid(r, 1);
	DbgPrint("dpc ran on %u:%u apic=%u irql=%u\n", n.Group, n.Number,
		 (ULONG)r[1] >> 24, KeGetCurrentIrql());
}

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
	UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	PROCESSOR_NUMBER held = { .Group = 0 };
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	held.Number = (UCHAR)KeQueryActiveProcessorCountEx(0);
	KeInitializeDpc(&Dpc, Ran, NULL);
	status = KeSetTargetProcessorDpcEx(&Dpc, &held);
	DbgPrint("target %u:%u status=0x%08x queued=%u\n", held.Group,
		 held.Number, (ULONG)status,
		 NT_SUCCESS(status) && KeInsertQueueDpc(&Dpc, NULL, NULL));
	DriverObject->DriverUnload = Unload;
	return status;
}
