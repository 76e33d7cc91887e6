/*
 * query.c: processor counts, groups, and index <-> PROCESSOR_NUMBER.
 *
 * Indices are dense (0 = BSP) and a processor's group is index / group
 * size, so the mapping is a bijection by construction. A number is valid
 * from the Start notification of its add on (ki.numbered), a processor
 * is active once it has joined the set (ki.active). These may be read on
 * any processor while an add runs on the BSP, hence the atomics.
 */
#include "ki.h"

static ULONG groups_for(ULONG count)
{
	return (count + ki.cfg.group_size - 1) / ki.cfg.group_size;
}

/* Processors of group g among the first `count` indices. */
static ULONG in_group(ULONG count, ULONG g)
{
	ULONG first = g * ki.cfg.group_size;

	if (first >= count)
		return 0;
	return count - first < ki.cfg.group_size ? count - first :
						    ki.cfg.group_size;
}

static ULONG count_ex(ULONG count, USHORT group)
{
	if (group == ALL_PROCESSOR_GROUPS)
		return count;
	if (group >= groups_for(ki.cfg.max))
		return 0;
	return in_group(count, group);
}

VOID ki_number(ULONG index, PPROCESSOR_NUMBER n)
{
	n->Group = (USHORT)(index / ki.cfg.group_size);
	n->Number = (UCHAR)(index % ki.cfg.group_size);
	n->Reserved = 0;
}

/*
 * The processor joins the active set: affinity first, then the count.
 * Only ke_init and adds (under the dynamic lock) write here, one at a
 * time: a store does, no locked read-modify-write is needed.
 */
VOID ki_activate(ULONG index)
{
	PROCESSOR_NUMBER n;
	KAFFINITY *a;

	ki_number(index, &n);
	a = &ki.affinity[n.Group];
	KI_STORE(a, KI_LOAD(a) | (KAFFINITY)1 << n.Number);
	KI_STORE(&ki.active, index + 1);
}

/* WDK: since Windows 7 the non-Ex forms describe group 0 only. */
ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
	if (ActiveProcessors)
		*ActiveProcessors = KeQueryGroupAffinity(0);
	return KeQueryActiveProcessorCountEx(0);
}

ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
	return count_ex(KI_LOAD(&ki.active), GroupNumber);
}

ULONG KeQueryMaximumProcessorCount(VOID)
{
	return KeQueryMaximumProcessorCountEx(0);
}

ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
	return count_ex(ki.cfg.max, GroupNumber);
}

USHORT KeQueryActiveGroupCount(VOID)
{
	return (USHORT)groups_for(KI_LOAD(&ki.active));
}

USHORT KeQueryMaximumGroupCount(VOID)
{
	return (USHORT)groups_for(ki.cfg.max);
}

KAFFINITY KeQueryActiveProcessors(VOID)
{
	return KeQueryGroupAffinity(0);
}

/* WDK: 0 for a group that does not exist. */
KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber)
{
	if (GroupNumber >= groups_for(ki.cfg.max))
		return 0;
	return KI_LOAD(&ki.affinity[GroupNumber]);
}

ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
	ULONG index = ki.be->current();

	if (ProcNumber)
		ki_number(index, ProcNumber);
	return index;
}

/* WDK: INVALID_PROCESSOR_INDEX for a number that names no processor.
 * A nonzero Reserved byte is refused too (the field must be zero). */
ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
	ULONG index;

	if (!ProcNumber || ProcNumber->Reserved ||
	    ProcNumber->Number >= ki.cfg.group_size)
		return INVALID_PROCESSOR_INDEX;
	index = (ULONG)ProcNumber->Group * ki.cfg.group_size +
		ProcNumber->Number;
	return index < KI_LOAD(&ki.numbered) ? index : INVALID_PROCESSOR_INDEX;
}

/* WDK: STATUS_INVALID_PARAMETER for an index that names no processor. */
NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex,
				       PPROCESSOR_NUMBER ProcNumber)
{
	if (!ProcNumber || ProcIndex >= KI_LOAD(&ki.numbered))
		return STATUS_INVALID_PARAMETER;
	ki_number(ProcIndex, ProcNumber);
	return STATUS_SUCCESS;
}

/*
 * WDK: runs the worker on every active processor at once and returns
 * the caller's result. Callable from a callback: during Complete the new
 * processor is already active and is included.
 */
ULONG_PTR KeIpiGenericCall(PKIPI_BROADCAST_WORKER BroadcastFunction,
			   ULONG_PTR Context)
{
	return ki.be->broadcast(KI_LOAD(&ki.active), BroadcastFunction,
				Context);
}
