/*
 * apprint.c: a driver whose workload calls DbgPrint on every processor,
 * APs included. An AP may not call the firmware, so the simulator must
 * queue those lines for the BSP; the test counts them.
 */
#include <ntddk.h>
#include <hotadd.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD Unload;
static HOTADD_WORKLOAD SayOnce;

static volatile LONG Said[64];

static VOID
SayOnce(PVOID Context)
{
	PROCESSOR_NUMBER pn;
	ULONG i;

	UNREFERENCED_PARAMETER(Context);
	KeGetCurrentProcessorNumberEx(&pn);
	i = KeGetProcessorIndexFromNumber(&pn);
	if (i < 64 && InterlockedExchange(&Said[i], 1) == 0)
		DbgPrint("workload ran on processor %lu", i);
}

static VOID
Unload(PDRIVER_OBJECT DriverObject)
{
	HotaddStopWorkload(DriverObject);
}

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(RegistryPath);
	DriverObject->DriverUnload = Unload;
	return HotaddStartWorkload(DriverObject, SayOnce, NULL);
}
