/*
 * topo.c: where the processors sit (WDK: KeQueryLogicalProcessorRelationship,
 * KeQueryNodeActiveAffinity, KeGetCurrentNodeNumber,
 * KeQueryHighestNodeNumber).
 *
 * ke_init kept, per seat (group, number), the package, core and NUMA
 * node of the processor placed there (ki.topo). Only active processors
 * are described: a held one belongs to no relationship until its add
 * puts it in its group's affinity. A node may span groups (a node larger
 * than a group is cut, group.c); as on Windows Server 2022, its primary
 * group is the one holding most of its processors (KeQueryNodeActiveAffinity
 * page), RelationNumaNode gives one group's mask and RelationNumaNodeEx
 * and RelationAll every group's. The simulator knows no caches, dies or
 * modules: those relationships have no records.
 */
#include "ki.h"

#define HEAD offsetof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX, Processor)
#define FIXED (HEAD + offsetof(PROCESSOR_RELATIONSHIP, GroupMask))
#define ALL_GROUPS 0xffffffffu

_Static_assert(offsetof(NUMA_NODE_RELATIONSHIP, GroupMask) ==
	       offsetof(PROCESSOR_RELATIONSHIP, GroupMask) &&
	       offsetof(GROUP_RELATIONSHIP, GroupInfo) ==
	       offsetof(PROCESSOR_RELATIONSHIP, GroupMask),
	       "every record's array starts at the same offset");

static ULONG size(VOID)
{
	return ki.cfg.group_size;
}

static BOOLEAN active(ULONG s)
{
	return ki.topo[s].placed &&
	       (KeQueryGroupAffinity((USHORT)(s / size())) >> (s % size()) & 1);
}

static BOOLEAN same(LOGICAL_PROCESSOR_RELATIONSHIP r, ULONG a, ULONG b)
{
	const struct ki_topo *x = &ki.topo[a], *y = &ki.topo[b];

	if (r == RelationProcessorPackage)
		return x->package == y->package;
	if (r == RelationProcessorCore)
		return x->package == y->package && x->core == y->core &&
		       x->node == y->node;
	return x->node == y->node;
}

/* The active processors of group g related to seat s by r. */
static KAFFINITY members(LOGICAL_PROCESSOR_RELATIONSHIP r, ULONG s, ULONG g)
{
	KAFFINITY m = 0;
	ULONG n;

	for (n = 0; n < size(); n++)
		if (active(g * size() + n) && same(r, g * size() + n, s))
			m |= (KAFFINITY)1 << n;
	return m;
}

static ULONG bits(KAFFINITY a)
{
	ULONG n = 0;

	for (; a; a &= a - 1)
		n++;
	return n;
}

/* The group holding most of node's processors, held ones included (the
 * first of equals); ALL_GROUPS if the node has none. */
static ULONG primary(ULONG node)
{
	ULONG g, n, k, most = 0, best = ALL_GROUPS;

	for (g = 0; g < ki.groups; g++) {
		for (n = k = 0; n < size(); n++)
			k += ki.topo[g * size() + n].placed &&
			     ki.topo[g * size() + n].node == node;
		if (k > most) {
			most = k;
			best = g;
		}
	}
	return best;
}

/*
 * The record of the class of seat s: its size, and if it fits in room
 * bytes at out, the record itself. only: the one group a node record
 * describes, or ALL_GROUPS.
 */
static ULONG record(PUCHAR out, ULONG room, LOGICAL_PROCESSOR_RELATIONSHIP r,
		    ULONG s, ULONG only)
{
	PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX x = (PVOID)out;
	PGROUP_AFFINITY m;
	USHORT n = 0, k = 0;
	ULONG g, need;
	KAFFINITY a, all = 0;

	for (g = 0; g < ki.groups; g++)
		n += (only == ALL_GROUPS ? members(r, s, g) != 0 : g == only);
	need = FIXED + n * sizeof(GROUP_AFFINITY);
	if (!out || need > room)
		return need;
	__builtin_memset(out, 0, FIXED);
	m = x->Processor.GroupMask;
	x->Relationship = r == RelationNumaNodeEx ? RelationNumaNode : r;
	x->Size = need;
	for (g = 0; g < ki.groups && k < n; g++) {
		a = members(r, s, g);
		if (only == ALL_GROUPS ? !a : g != only)
			continue;
		m[k++] = (GROUP_AFFINITY){ .Mask = a, .Group = (USHORT)g };
		all |= a;
	}
	if (r == RelationNumaNode || r == RelationNumaNodeEx) {
		x->NumaNode.NodeNumber = ki.topo[s].node;
		x->NumaNode.GroupCount = n;
	} else {
		x->Processor.GroupCount = n;
		x->Processor.Flags = r == RelationProcessorCore &&
				     bits(all) > 1 ? LTP_PC_SMT : 0;
	}
	return need;
}

static ULONG group_record(PUCHAR out, ULONG room)
{
	PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX x = (PVOID)out;
	USHORT n = KeQueryActiveGroupCount(), g;
	ULONG need = FIXED + n * sizeof(PROCESSOR_GROUP_INFO);
	PPROCESSOR_GROUP_INFO info;
	KAFFINITY a;

	if (!out || need > room)
		return need;
	info = x->Group.GroupInfo;
	__builtin_memset(out, 0, need);
	x->Relationship = RelationGroup;
	x->Size = need;
	x->Group.MaximumGroupCount = ki.groups;
	x->Group.ActiveGroupCount = n;
	for (g = 0; g < n; g++) {
		a = KeQueryGroupAffinity(g);
		info[g].MaximumProcessorCount = (UCHAR)ki.group_max[g];
		info[g].ActiveProcessorCount = (UCHAR)bits(a);
		info[g].ActiveProcessorMask = a;
	}
	return need;
}

/* Seat s is the first active one of its class. */
static BOOLEAN leads(LOGICAL_PROCESSOR_RELATIONSHIP r, ULONG s)
{
	ULONG t;

	if (!active(s))
		return FALSE;
	for (t = 0; t < s; t++)
		if (active(t) && same(r, t, s))
			return FALSE;
	return TRUE;
}

/*
 * The records of relationship r (one kind), of every class or of the
 * class of seat at; each written while it fits. Returns the bytes they
 * need, all of them.
 */
static ULONG kind(PUCHAR out, ULONG room, LOGICAL_PROCESSOR_RELATIONSHIP r,
		  ULONG at)
{
	ULONG s, used = 0, only;

	if (r == RelationGroup)
		return group_record(out, room);
	if (r == RelationCache || r == RelationProcessorDie ||
	    r == RelationProcessorModule)
		return 0;
	for (s = 0; s < (ULONG)ki.groups * size(); s++) {
		if (at == ALL_GROUPS ? !leads(r, s) : s != at)
			continue;
		only = r != RelationNumaNode ? ALL_GROUPS :
		       at == ALL_GROUPS ? primary(ki.topo[s].node) :
					  at / size();
		used += record(out ? out + used : NULL,
			       room > used ? room - used : 0, r, s, only);
	}
	return used;
}

static const LOGICAL_PROCESSOR_RELATIONSHIP everything[] = {
	RelationProcessorCore, RelationNumaNodeEx, RelationProcessorPackage,
	RelationGroup,
};

static ULONG walk(PUCHAR out, ULONG room, LOGICAL_PROCESSOR_RELATIONSHIP r,
		  ULONG at)
{
	ULONG i, used = 0;

	if (r != RelationAll)
		return kind(out, room, r, at);
	for (i = 0; i < sizeof(everything) / sizeof(everything[0]); i++)
		used += kind(out ? out + used : NULL,
			     room > used ? room - used : 0, everything[i], at);
	return used;
}

/*
 * WDK: *Length in, the buffer's size; out, the bytes written, or those
 * needed with STATUS_INFO_LENGTH_MISMATCH (Information NULL asks for the
 * size). STATUS_INVALID_PARAMETER for a processor number that names no
 * active processor, or a relationship that does not exist. RelationAll
 * gives cores, nodes, packages, then the group record.
 */
NTSTATUS KeQueryLogicalProcessorRelationship(
	PPROCESSOR_NUMBER ProcessorNumber,
	LOGICAL_PROCESSOR_RELATIONSHIP RelationshipType,
	PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX Information, PULONG Length)
{
	ULONG at = ALL_GROUPS, need, room;

	if (!Length || (RelationshipType > RelationProcessorModule &&
			RelationshipType != RelationAll))
		return STATUS_INVALID_PARAMETER;
	if (ProcessorNumber) {
		if (KeGetProcessorIndexFromNumber(ProcessorNumber) >=
		    KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS))
			return STATUS_INVALID_PARAMETER;
		at = ProcessorNumber->Group * size() + ProcessorNumber->Number;
	}
	room = Information ? *Length : 0;
	need = walk((PUCHAR)Information, room, RelationshipType, at);
	*Length = need;
	return need > room ? STATUS_INFO_LENGTH_MISMATCH : STATUS_SUCCESS;
}

/* WDK: the node's primary group and its active processors there; a
 * node that does not exist gets a zero mask and count. */
VOID KeQueryNodeActiveAffinity(USHORT NodeNumber, PGROUP_AFFINITY Affinity,
			       PUSHORT Count)
{
	ULONG g = primary(NodeNumber), n;
	KAFFINITY m = 0;

	for (n = 0; g != ALL_GROUPS && n < size(); n++)
		if (active(g * size() + n) &&
		    ki.topo[g * size() + n].node == NodeNumber)
			m |= (KAFFINITY)1 << n;
	if (Affinity)
		*Affinity = (GROUP_AFFINITY){
			.Mask = m, .Group = g == ALL_GROUPS ? 0 : (USHORT)g,
		};
	if (Count)
		*Count = (USHORT)bits(m);
}

USHORT KeGetCurrentNodeNumber(VOID)
{
	PROCESSOR_NUMBER n;
	ULONG index = KeGetCurrentProcessorNumberEx(&n);

	if (index >= KI_LOAD(&ki.numbered))
		return 0;
	return (USHORT)ki.topo[n.Group * size() + n.Number].node;
}

/* Over every processor placed, held ones included: their nodes exist
 * from boot, as the firmware's tables describe them to Windows. */
USHORT KeQueryHighestNodeNumber(VOID)
{
	ULONG s, high = 0;

	for (s = 0; s < (ULONG)ki.groups * size(); s++)
		if (ki.topo[s].placed && ki.topo[s].node > high)
			high = ki.topo[s].node;
	return (USHORT)high;
}
