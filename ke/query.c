/*
 * query.c: processor counts, groups, and index <-> PROCESSOR_NUMBER.
 *
 * Indices are dense (0 = BSP) and a processor's group and number were
 * fixed at ke_init (group.c), so the mapping goes through tables both
 * ways: number[index], and index_at[] by (group, number). An index gets
 * its number at the Start notification of its add (ki.numbered) and is
 * active once it has joined the set (ki.active). These may be read on any
 * processor while an add runs on the BSP, hence the atomics.
 */
#include "ki.h"

PROCESSOR_NUMBER ki_number(ULONG index)
{
	PROCESSOR_NUMBER n;

	__atomic_load(&ki.number[index], &n, __ATOMIC_ACQUIRE);
	return n;
}

/* From the Start notification on (add.c), and at boot: the seat first,
 * then the count that makes readers trust it. */
VOID ki_give_number(ULONG index, PROCESSOR_NUMBER n)
{
	__atomic_store(&ki.number[index], &n, __ATOMIC_RELEASE);
	KI_STORE(ki_seat(n), index);
	KI_STORE(&ki.numbered, index + 1);
}

/* After a failed add: the count first, so no reader trusts the seat. */
VOID ki_take_number(ULONG index)
{
	KI_STORE(&ki.numbered, index);
	KI_STORE(ki_seat(ki_number(index)), INVALID_PROCESSOR_INDEX);
}

/*
 * The processor joins the active set: affinity first, then the count.
 * Only ke_init and adds (under the dynamic lock) write here, one at a
 * time: a store does, no locked read-modify-write is needed.
 */
VOID ki_activate(ULONG index)
{
	PROCESSOR_NUMBER n = ki_number(index);
	KAFFINITY *a = &ki.affinity[n.Group], was = KI_LOAD(a);

	KI_STORE(a, was | (KAFFINITY)1 << n.Number);
	if (!was)
		KI_STORE(&ki.active_groups, ki.active_groups + 1);
	KI_STORE(&ki.active, index + 1);
}

NTSTATUS ke_slot_number(ULONG slot, PPROCESSOR_NUMBER number)
{
	if (!number || slot >= ki.slot_span ||
	    ki.slot_number[slot].Reserved == KI_NO_SLOT)
		return STATUS_INVALID_PARAMETER;
	*number = ki.slot_number[slot];
	return STATUS_SUCCESS;
}

/* WDK: since Windows 7 the non-Ex forms describe group 0 only. */
ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
	if (ActiveProcessors)
		*ActiveProcessors = KeQueryGroupAffinity(0);
	return KeQueryActiveProcessorCountEx(0);
}

/* Set bits (no __builtin_popcount: the image links no libgcc). */
static ULONG bits(KAFFINITY a)
{
	ULONG n = 0;

	for (; a; a &= a - 1)
		n++;
	return n;
}

/* WDK: 0 for a group that does not exist. */
ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
	if (GroupNumber == ALL_PROCESSOR_GROUPS)
		return KI_LOAD(&ki.active);
	return bits(KeQueryGroupAffinity(GroupNumber));
}

ULONG KeQueryMaximumProcessorCount(VOID)
{
	return KeQueryMaximumProcessorCountEx(0);
}

ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
	if (GroupNumber == ALL_PROCESSOR_GROUPS)
		return ki.cfg.count;
	return GroupNumber < ki.groups ? ki.group_max[GroupNumber] : 0;
}

USHORT KeQueryActiveGroupCount(VOID)
{
	return KI_LOAD(&ki.active_groups);
}

USHORT KeQueryMaximumGroupCount(VOID)
{
	return ki.groups;
}

KAFFINITY KeQueryActiveProcessors(VOID)
{
	return KeQueryGroupAffinity(0);
}

/* WDK: 0 for a group that does not exist. */
KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber)
{
	if (GroupNumber >= ki.groups)
		return 0;
	return KI_LOAD(&ki.affinity[GroupNumber]);
}

ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
	ULONG index = ki.be->current();
	PROCESSOR_NUMBER none = { 0 };

	if (ProcNumber)
		*ProcNumber = index < ki.cfg.count ? ki_number(index) : none;
	return index;
}

/* WDK: INVALID_PROCESSOR_INDEX for a number that names no processor.
 * A nonzero Reserved byte is refused too (the field must be zero). */
ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
	ULONG index;

	if (!ProcNumber || ProcNumber->Reserved ||
	    ProcNumber->Group >= ki.groups ||
	    ProcNumber->Number >= ki.cfg.group_size)
		return INVALID_PROCESSOR_INDEX;
	index = KI_LOAD(ki_seat(*ProcNumber));
	return index < KI_LOAD(&ki.numbered) ? index : INVALID_PROCESSOR_INDEX;
}

/* WDK: STATUS_INVALID_PARAMETER for an index that names no processor. */
NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex,
				       PPROCESSOR_NUMBER ProcNumber)
{
	if (!ProcNumber || ProcIndex >= KI_LOAD(&ki.numbered))
		return STATUS_INVALID_PARAMETER;
	*ProcNumber = ki_number(ProcIndex);
	return STATUS_SUCCESS;
}

/* WDK (KeGetCurrentProcessorNumber): the number in group 0; elsewhere a
 * number below group 0's active count, so drivers that know no groups
 * stay in range (which one: inferred, the number modulo that count). */
ULONG KeGetCurrentProcessorNumber(VOID)
{
	PROCESSOR_NUMBER n;
	ULONG g0 = KeQueryActiveProcessorCountEx(0);

	KeGetCurrentProcessorNumberEx(&n);
	return n.Group == 0 || !g0 ? n.Number : n.Number % g0;
}
