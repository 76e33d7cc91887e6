/*
 * hvlike.c: what a hypervisor or runtime driver does when a processor
 * arrives, the example of docs/drivers.md.
 *
 *   Start     allocates the processor's state (a hypervisor's VMXON and
 *             VMCS pages); vetoes the add when the pool cannot give it
 *   Complete  moves its thread to the new processor and reads CPUID and
 *             IA32_APIC_BASE there; back home, queues a DPC to it and
 *             waits for the event the DPC sets; asks the topology
 *             query for the processor's core
 *   Failure   frees the state
 * It registers without KE_PROCESSOR_CHANGE_ADD_EXISTING: only
 * processors added after the load concern it.
 *
 * Option: state=<bytes> per processor (default 8192). Lines, one per
 * step (N the NtNumber, G:P its group and number):
 *   start nt=N state=<bytes> at <address> | no memory, veto
 *   complete nt=N thread on G:P apic=A apic_base=0xV bsp=B
 *   complete nt=N dpc on G:P apic=A irql=I wait=0xS
 *   complete nt=N topology core mask=0xM has it=yes|no
 *   failure nt=N status=0xS state freed
 */
#include <wdm.h>
#include <hotadd.h>

#include "drvopt.h"

#define HV_TAG 'vHaH'
#define IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ull << 8)	/* SDM vol. 3A, 11.4.4 */

typedef struct _HV_DRIVER {
	PVOID Handle;
	ULONG StateBytes;
	ULONG Max;
	PVOID *State;		/* by NtNumber */
} HV_DRIVER, *PHV_DRIVER;

typedef struct _HV_DPC {
	KDPC Dpc;
	KEVENT Done;
	PROCESSOR_NUMBER Ran;
	ULONG Apic;
	KIRQL Irql;
} HV_DPC;

DRIVER_INITIALIZE DriverEntry;

/* CPUID.01h:EBX[31:24], the initial APIC id (SDM vol. 2A, CPUID). */
static ULONG HvApicId(VOID)
{
	int r[4];

	__cpuid(r, 1);
	return (ULONG)r[1] >> 24;
}

static VOID HvDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	HV_DPC *d = Context;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeGetCurrentProcessorNumberEx(&d->Ran);
	d->Apic = HvApicId();
	d->Irql = KeGetCurrentIrql();
	KeSetEvent(&d->Done, IO_NO_INCREMENT, FALSE);
}

/* On the processor itself, as a hypervisor enables VMX there. */
static VOID HvVisit(ULONG Nt, PPROCESSOR_NUMBER Pn)
{
	GROUP_AFFINITY to = { .Mask = (KAFFINITY)1 << Pn->Number,
			      .Group = Pn->Group }, prev;
	PROCESSOR_NUMBER on;
	ULONG64 base;

	KeSetSystemGroupAffinityThread(&to, &prev);
	KeGetCurrentProcessorNumberEx(&on);
	base = __readmsr(IA32_APIC_BASE);
	DbgPrint("complete nt=%u thread on %u:%u apic=%u apic_base=0x%llx "
		 "bsp=%u\n", Nt, on.Group, on.Number, HvApicId(), base,
		 (base & APIC_BASE_BSP) != 0);
	KeRevertToUserGroupAffinityThread(&prev);
}

/* A DPC there, and the wait for it, as a runtime library does. */
static VOID HvQueue(ULONG Nt, PPROCESSOR_NUMBER Pn)
{
	LARGE_INTEGER timeout = { .QuadPart = -10000000LL };	/* 1 s */
	HV_DPC d;
	NTSTATUS status;

	RtlZeroMemory(&d, sizeof(d));
	KeInitializeEvent(&d.Done, NotificationEvent, FALSE);
	KeInitializeDpc(&d.Dpc, HvDpc, &d);
	KeSetTargetProcessorDpcEx(&d.Dpc, Pn);
	KeInsertQueueDpc(&d.Dpc, NULL, NULL);
	status = KeWaitForSingleObject(&d.Done, Executive, KernelMode, FALSE,
				       &timeout);
	if (status != STATUS_SUCCESS && !KeRemoveQueueDpc(&d.Dpc))
		KeFlushQueuedDpcs();	/* it runs now: d must outlive it */
	DbgPrint("complete nt=%u dpc on %u:%u apic=%u irql=%u wait=0x%08x\n",
		 Nt, d.Ran.Group, d.Ran.Number, d.Apic, d.Irql,
		 (ULONG)status);
}

static VOID HvTopology(ULONG Nt, PPROCESSOR_NUMBER Pn)
{
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX info[2];
	ULONG length = sizeof(info);
	NTSTATUS status;
	KAFFINITY mask = 0;

	status = KeQueryLogicalProcessorRelationship(
		Pn, RelationProcessorCore, info, &length);
	if (NT_SUCCESS(status) && info[0].Processor.GroupMask[0].Group ==
				  Pn->Group)
		mask = info[0].Processor.GroupMask[0].Mask;
	DbgPrint("complete nt=%u topology core mask=0x%llx has it=%s\n", Nt,
		 (ULONG64)mask, mask >> Pn->Number & 1 ? "yes" : "no");
}

static VOID HvCallback(PVOID CallbackContext,
		       PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
		       PNTSTATUS OperationStatus)
{
	PHV_DRIVER hv = CallbackContext;
	ULONG nt = ChangeContext->NtNumber;
	PPROCESSOR_NUMBER pn = &ChangeContext->ProcNumber;

	if (nt >= hv->Max)
		return;
	switch (ChangeContext->State) {
	case KeProcessorAddStartNotify:
		hv->State[nt] = ExAllocatePool2(POOL_FLAG_NON_PAGED,
						hv->StateBytes, HV_TAG);
		if (hv->State[nt] == NULL) {
			DbgPrint("start nt=%u state=%u no memory, veto\n", nt,
				 hv->StateBytes);
			*OperationStatus = STATUS_INSUFFICIENT_RESOURCES;
			break;
		}
		DbgPrint("start nt=%u state=%u at %p\n", nt, hv->StateBytes,
			 hv->State[nt]);
		break;
	case KeProcessorAddCompleteNotify:
		HvVisit(nt, pn);
		HvQueue(nt, pn);
		HvTopology(nt, pn);
		break;
	case KeProcessorAddFailureNotify:
		if (hv->State[nt] != NULL)
			ExFreePoolWithTag(hv->State[nt], HV_TAG);
		hv->State[nt] = NULL;
		DbgPrint("failure nt=%u status=0x%08x state freed\n", nt,
			 (ULONG)ChangeContext->Status);
		break;
	}
}

static VOID HvUnload(PDRIVER_OBJECT DriverObject)
{
	PHV_DRIVER hv = DriverObject->DriverExtension;
	ULONG i;

	KeDeregisterProcessorChangeCallback(hv->Handle);
	for (i = 0; i < hv->Max; i++)
		if (hv->State[i] != NULL)
			ExFreePoolWithTag(hv->State[i], HV_TAG);
	ExFreePoolWithTag(hv, HV_TAG);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	ULONG max = KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS);
	PHV_DRIVER hv;
	NTSTATUS status;
	ULONG bytes;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = OptUlong(DriverObject, "state", 8192, 0xffffffffu,
			  "a size in bytes", &bytes);
	if (!NT_SUCCESS(status))
		return status;
	hv = ExAllocatePool2(POOL_FLAG_NON_PAGED,
			     sizeof(*hv) + max * sizeof(PVOID), HV_TAG);
	if (hv == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	hv->StateBytes = bytes;
	hv->Max = max;
	hv->State = (PVOID *)(hv + 1);
	hv->Handle = KeRegisterProcessorChangeCallback(HvCallback, hv, 0);
	if (hv->Handle == NULL) {
		ExFreePoolWithTag(hv, HV_TAG);
		return STATUS_UNSUCCESSFUL;
	}
	DriverObject->DriverExtension = hv;
	DriverObject->DriverUnload = HvUnload;
	return STATUS_SUCCESS;
}
