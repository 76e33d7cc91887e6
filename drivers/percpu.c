/*
 * percpu.c: the shape of a typical driver with per-processor data.
 *
 * Each processor gets its own slot. The slot is allocated in the Start
 * notification, the one place a driver can still refuse the processor
 * (it vetoes with STATUS_INSUFFICIENT_RESOURCES when the pool is out),
 * freed again in Failure, and marked ready in Complete (WDK page of
 * KeRegisterProcessorChangeCallback). A workload runs on every active
 * processor and counts, in that processor's own slot, how often it ran.
 *
 * What the counters say:
 *   count  runs on a processor whose slot is ready: the normal case
 *   early  runs on a processor whose slot was given in Start but whose
 *          Complete has not arrived yet: the processor joins the active
 *          set before Complete, so this may happen and is not an error
 *   stray  runs on a processor this driver never gave a slot to, i.e.
 *          code ran on a processor the driver was never told about
 *
 * Lines (from the stats command):
 *   stats cpu=N count=C early=E stray=S[ STRAY]   one per processor seen
 *   stats processors=P stray=S unknown=U          P = slots ready
 * "unknown" counts runs where the processor's own number did not map to
 * an index (KeGetProcessorIndexFromNumber failed).
 * And "no memory for processor N, vetoing its add" on a veto, "no
 * workload slot, status 0xSSSSSSSS" when DriverEntry fails for want of one.
 *
 * No options.
 */
#include <wdm.h>
#include <hotadd.h>

#define PERCPU_TAG 'cPaH'

typedef struct _PERCPU_SLOT {
	LONG Count;
	LONG Early;
	LONG Ready;		/* set in Complete */
} PERCPU_SLOT, *PPERCPU_SLOT;

/*
 * Per instance, in DriverExtension (the simulator leaves that field to
 * the driver; the WDK would use IoAllocateDriverObjectExtension). The
 * two arrays follow the structure in the same pool block, sized for
 * every processor that may ever be added (the maximum count never
 * changes at run time).
 */
typedef struct _PERCPU_DRIVER {
	PVOID Handle;
	NTSTATUS CallbackStatus;	/* why the registration failed */
	ULONG MaxProcessors;
	PPERCPU_SLOT *Slots;		/* by NtNumber; NULL = never given */
	LONG *Stray;			/* by processor index */
	LONG Unknown;
} PERCPU_DRIVER, *PPERCPU_DRIVER;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD PercpuUnload;
static PROCESSOR_CALLBACK_FUNCTION PercpuCallback;
static HOTADD_WORKLOAD PercpuWork;
static HOTADD_STATS PercpuStats;

/* Slots are published and withdrawn on the processor that runs the
 * callbacks and read by the workload on the others: interlocked both
 * ways, so a reader sees either NULL or a whole, zeroed slot. */
static PPERCPU_SLOT PercpuSlot(PPERCPU_DRIVER Percpu, ULONG Index)
{
	return InterlockedCompareExchangePointer(
		(PVOID volatile *)&Percpu->Slots[Index], NULL, NULL);
}

static VOID PercpuStart(PPERCPU_DRIVER Percpu, ULONG Index,
			PNTSTATUS OperationStatus)
{
	PPERCPU_SLOT slot;

	if (Index >= Percpu->MaxProcessors) {
		*OperationStatus = Percpu->CallbackStatus =
			STATUS_INVALID_PARAMETER;
		return;
	}
	if (PercpuSlot(Percpu, Index) != NULL)
		return;
	slot = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*slot), PERCPU_TAG);
	if (slot == NULL) {
		DbgPrint("no memory for processor %u, vetoing its add\n",
			 Index);
		*OperationStatus = Percpu->CallbackStatus =
			STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	InterlockedExchangePointer((PVOID volatile *)&Percpu->Slots[Index],
				   slot);
}

static VOID PercpuRelease(PPERCPU_DRIVER Percpu, ULONG Index)
{
	PPERCPU_SLOT slot;

	if (Index >= Percpu->MaxProcessors)
		return;
	slot = InterlockedExchangePointer(
		(PVOID volatile *)&Percpu->Slots[Index], NULL);
	if (slot != NULL)
		ExFreePoolWithTag(slot, PERCPU_TAG);
}

static VOID PercpuCallback(PVOID CallbackContext,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			   PNTSTATUS OperationStatus)
{
	PPERCPU_DRIVER percpu = CallbackContext;
	ULONG i = ChangeContext->NtNumber;
	PPERCPU_SLOT slot;

	switch (ChangeContext->State) {
	case KeProcessorAddStartNotify:
		PercpuStart(percpu, i, OperationStatus);
		break;
	case KeProcessorAddCompleteNotify:
		slot = i < percpu->MaxProcessors ? PercpuSlot(percpu, i) : NULL;
		if (slot != NULL)
			InterlockedExchange(&slot->Ready, 1);
		break;
	case KeProcessorAddFailureNotify:
		/* The processor never ran: nothing can be using its slot. */
		PercpuRelease(percpu, i);
		break;
	}
}

/* Runs on every active processor, over and over. */
static VOID PercpuWork(PVOID Context)
{
	PPERCPU_DRIVER percpu = Context;
	PROCESSOR_NUMBER number;
	PPERCPU_SLOT slot;
	ULONG i;

	KeGetCurrentProcessorNumberEx(&number);
	i = KeGetProcessorIndexFromNumber(&number);
	if (i >= percpu->MaxProcessors) {
		InterlockedIncrement(&percpu->Unknown);
		return;
	}
	slot = PercpuSlot(percpu, i);
	if (slot == NULL)
		InterlockedIncrement(&percpu->Stray[i]);
	else if (InterlockedCompareExchange(&slot->Ready, 1, 1) == 1)
		InterlockedIncrement(&slot->Count);
	else
		InterlockedIncrement(&slot->Early);
}

static VOID PercpuStats(PVOID Context)
{
	PPERCPU_DRIVER percpu = Context;
	PPERCPU_SLOT slot;
	ULONG i, ready = 0, strays = 0, stray;

	for (i = 0; i < percpu->MaxProcessors; i++) {
		slot = PercpuSlot(percpu, i);
		stray = (ULONG)InterlockedExchangeAdd(&percpu->Stray[i], 0);
		if (slot == NULL && stray == 0)
			continue;
		if (slot != NULL && slot->Ready)
			ready++;
		strays += stray;
		DbgPrint("stats cpu=%u count=%u early=%u stray=%u%s\n", i,
			 slot ? (ULONG)slot->Count : 0,
			 slot ? (ULONG)slot->Early : 0, stray,
			 stray ? " STRAY" : "");
	}
	DbgPrint("stats processors=%u stray=%u unknown=%u\n", ready, strays,
		 (ULONG)percpu->Unknown);
}

static VOID PercpuFree(PPERCPU_DRIVER Percpu)
{
	ULONG i;

	for (i = 0; i < Percpu->MaxProcessors; i++)
		PercpuRelease(Percpu, i);
	ExFreePoolWithTag(Percpu, PERCPU_TAG);
}

/* Stop the workload before anything it reads goes away. */
static VOID PercpuUnload(PDRIVER_OBJECT DriverObject)
{
	PPERCPU_DRIVER percpu = DriverObject->DriverExtension;

	HotaddStopWorkload(DriverObject);
	KeDeregisterProcessorChangeCallback(percpu->Handle);
	DriverObject->DriverExtension = NULL;
	PercpuFree(percpu);
}

/* The instance and its two arrays, in one zeroed pool block. */
static PPERCPU_DRIVER PercpuCreate(VOID)
{
	ULONG max = KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS);
	PPERCPU_DRIVER percpu;

	percpu = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*percpu) +
				 max * (sizeof(PPERCPU_SLOT) + sizeof(LONG)),
				 PERCPU_TAG);
	if (percpu != NULL) {
		percpu->MaxProcessors = max;
		percpu->Slots = (PPERCPU_SLOT *)(percpu + 1);
		percpu->Stray = (LONG *)(percpu->Slots + max);
	}
	return percpu;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	PPERCPU_DRIVER percpu = PercpuCreate();
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	if (percpu == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	percpu->CallbackStatus = STATUS_SUCCESS;
	percpu->Handle = KeRegisterProcessorChangeCallback(
		PercpuCallback, percpu, KE_PROCESSOR_CHANGE_ADD_EXISTING);
	if (percpu->Handle == NULL) {
		status = NT_SUCCESS(percpu->CallbackStatus) ?
			 STATUS_UNSUCCESSFUL : percpu->CallbackStatus;
	} else {
		/* Only now: every active processor has its slot. */
		status = HotaddStartWorkload(DriverObject, PercpuWork, percpu);
		if (!NT_SUCCESS(status)) {
			DbgPrint("no workload slot, status 0x%08x\n",
				 (ULONG)status);
			KeDeregisterProcessorChangeCallback(percpu->Handle);
		}
	}
	if (!NT_SUCCESS(status)) {
		PercpuFree(percpu);
		return status;
	}
	DriverObject->DriverExtension = percpu;
	DriverObject->DriverUnload = PercpuUnload;
	HotaddSetStats(DriverObject, PercpuStats, percpu);
	return STATUS_SUCCESS;
}
