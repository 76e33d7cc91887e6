/*
 * gcall.c: at load, KeGenericCallDpc on every active processor (each
 * notes its index and passes the barrier twice), then a DPC queued to
 * every active processor and KeFlushQueuedDpcs; one line per figure.
 * KeGenericCallDpc and friends are declared here, as drivers do: no WDK
 * header has them.
 */
#include <wdm.h>

NTSYSAPI VOID NTAPI KeGenericCallDpc(PKDEFERRED_ROUTINE Routine,
				     PVOID Context);
NTSYSAPI VOID NTAPI KeSignalCallDpcDone(PVOID SystemArgument1);
NTSYSAPI BOOLEAN NTAPI KeSignalCallDpcSynchronize(PVOID SystemArgument2);

DRIVER_INITIALIZE DriverEntry;

#define MAX 64

static LONG Ran[MAX], Winners, Flushed;
static KDPC Dpcs[MAX];

static VOID Everywhere(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	ULONG me = KeGetCurrentProcessorNumberEx(NULL);

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	if (me < MAX && KeGetCurrentIrql() == DISPATCH_LEVEL)
		InterlockedIncrement(&Ran[me]);
	if (KeSignalCallDpcSynchronize(Arg2))
		InterlockedIncrement(&Winners);
	if (KeSignalCallDpcSynchronize(Arg2))
		InterlockedIncrement(&Winners);
	KeSignalCallDpcDone(Arg1);
}

static VOID Count(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	InterlockedIncrement(&Flushed);
}

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
	UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	ULONG n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS), i;
	ULONG once = 0;
	PROCESSOR_NUMBER pn;

	UNREFERENCED_PARAMETER(RegistryPath);
	if (n > MAX)
		return STATUS_NOT_SUPPORTED;
	RtlZeroMemory(Ran, sizeof(Ran));	/* a second instance shares them */
	Winners = Flushed = 0;
	KeGenericCallDpc(Everywhere, NULL);
	for (i = 0; i < n; i++)
		once += Ran[i] == 1;
	DbgPrint("generic call: %u of %u processors once, %d winners\n",
		 once, n, (int)Winners);
	for (i = 0; i < n; i++) {
		KeInitializeDpc(&Dpcs[i], Count, NULL);
		KeGetProcessorNumberFromIndex(i, &pn);
		KeSetTargetProcessorDpcEx(&Dpcs[i], &pn);
		KeInsertQueueDpc(&Dpcs[i], NULL, NULL);
	}
	KeFlushQueuedDpcs();
	DbgPrint("flush: %d of %u ran\n", (int)Flushed, n);
	DriverObject->DriverUnload = Unload;
	return STATUS_SUCCESS;
}
