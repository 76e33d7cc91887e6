/*
 * topo.c: a driver that asks where the processors sit, waits on events
 * and reads the clocks, as a performance or runtime driver does at load,
 * and prints what it got, one line per record or figure. The formats are
 * the WDK's: %lu for a ULONG, %hu for a USHORT, %Ix for a KAFFINITY,
 * %I64d for a LONGLONG.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;

/* 2020-01-01 in system time (100 ns units since 1601). */
#define YEAR_2020 132223104000000000LL

static const char *
Kind(LOGICAL_PROCESSOR_RELATIONSHIP r)
{
	switch (r) {
	case RelationProcessorCore: return "core";
	case RelationNumaNode: return "node";
	case RelationProcessorPackage: return "package";
	default: return "other";
	}
}

static VOID
PrintRecord(PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX r)
{
	PGROUP_AFFINITY m = r->Processor.GroupMask;
	USHORT n = r->Processor.GroupCount, i;

	if (r->Relationship == RelationGroup) {
		DbgPrint("group max=%u active=%u",
			 r->Group.MaximumGroupCount, r->Group.ActiveGroupCount);
		for (i = 0; i < r->Group.ActiveGroupCount; i++)
			DbgPrint("group %hu max=%u active=%u mask=0x%Ix", i,
				 r->Group.GroupInfo[i].MaximumProcessorCount,
				 r->Group.GroupInfo[i].ActiveProcessorCount,
				 r->Group.GroupInfo[i].ActiveProcessorMask);
		return;
	}
	if (r->Relationship == RelationNumaNode) {
		m = r->NumaNode.GroupMasks;
		n = r->NumaNode.GroupCount;
	}
	for (i = 0; i < n; i++)
		DbgPrint("%s size=%lu flags=%u group=%hu mask=0x%Ix",
			 Kind(r->Relationship), r->Size,
			 r->Relationship == RelationNumaNode ? 0 :
			 r->Processor.Flags, m[i].Group, m[i].Mask);
}

static NTSTATUS
Topology(VOID)
{
	PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX info;
	ULONG length = 0, offset;
	NTSTATUS status;

	status = KeQueryLogicalProcessorRelationship(NULL, RelationAll, NULL,
						     &length);
	if (status != STATUS_INFO_LENGTH_MISMATCH)
		return STATUS_UNSUCCESSFUL;
	info = ExAllocatePoolZero(NonPagedPoolNx, length, 'opoT');
	if (info == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = KeQueryLogicalProcessorRelationship(NULL, RelationAll, info,
						     &length);
	DbgPrint("relationships status=0x%08x length=%lu", status, length);
	for (offset = 0; NT_SUCCESS(status) && offset < length;
	     offset += ((PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)
			((PUCHAR)info + offset))->Size)
		PrintRecord((PVOID)((PUCHAR)info + offset));
	ExFreePoolWithTag(info, 'opoT');
	return status;
}

static VOID
Nodes(VOID)
{
	GROUP_AFFINITY affinity;
	USHORT count, node;

	for (node = 0; node <= KeQueryHighestNodeNumber(); node++) {
		KeQueryNodeActiveAffinity(node, &affinity, &count);
		DbgPrint("node %hu group=%hu mask=0x%Ix count=%hu", node,
			 affinity.Group, affinity.Mask, count);
	}
	DbgPrint("current node=%hu number=%lu", KeGetCurrentNodeNumber(),
		 KeGetCurrentProcessorNumber());
}

static VOID
Waits(VOID)
{
	LARGE_INTEGER timeout = { .QuadPart = -50 * 10000LL };
	LARGE_INTEGER before, after, frequency;
	NTSTATUS status;
	KEVENT event;
	KSPIN_LOCK lock;
	KIRQL irql;

	KeInitializeEvent(&event, SynchronizationEvent, FALSE);
	before = KeQueryPerformanceCounter(&frequency);
	status = KeWaitForSingleObject(&event, Executive, KernelMode, FALSE,
				       &timeout);
	after = KeQueryPerformanceCounter(NULL);
	DbgPrint("wait status=0x%08x at least 50 ms: %s", status,
		 (after.QuadPart - before.QuadPart) * 1000 >=
		 50 * frequency.QuadPart ? "yes" : "no");
	KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
	status = KeWaitForSingleObject(&event, Executive, KernelMode, FALSE,
				       NULL);
	DbgPrint("wait status=0x%08x state after=%ld", status,
		 KeReadStateEvent(&event));
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &irql);
	DbgPrint("spin lock irql=%u from %u", KeGetCurrentIrql(), irql);
	KeReleaseSpinLock(&lock, irql);
}

static VOID
Clocks(VOID)
{
	LARGE_INTEGER frequency, qpc0, qpc1, now, ticks;
	ULONGLONG it0, it1;

	qpc0 = KeQueryPerformanceCounter(&frequency);
	it0 = KeQueryInterruptTime();
	KeStallExecutionProcessor(10000);
	it1 = KeQueryInterruptTime();
	qpc1 = KeQueryPerformanceCounter(NULL);
	KeQueryTickCount(&ticks);
	KeQuerySystemTimePrecise(&now);
	DbgPrint("frequency=%I64d", frequency.QuadPart);
	DbgPrint("stall 10 ms: counter %s, interrupt time %s",
		 qpc1.QuadPart - qpc0.QuadPart >= frequency.QuadPart / 100 ?
		 "ok" : "short", it1 - it0 >= 100000 ? "ok" : "short");
	DbgPrint("ticks match: %s", (ULONGLONG)ticks.QuadPart *
		 KeQueryTimeIncrement() <= KeQueryInterruptTime() ? "yes" : "no");
	DbgPrint("system time after 2020: %s",
		 now.QuadPart > YEAR_2020 ? "yes" : "no");
}

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(DriverObject);
	UNREFERENCED_PARAMETER(RegistryPath);
	Nodes();
	Waits();
	Clocks();
	return Topology();
}
