/*
 * test_topo.c: KeQueryLogicalProcessorRelationship and the node
 * queries. The records' layout against winnt.h, the sizing protocol,
 * what each relationship gives on a machine of two packages of two
 * cores of two threads (the last core held), held processors absent
 * until their add, groups of 4 and a node cut across groups.
 */
#include <string.h>

#include "harness.h"

typedef SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX INFO;

static union {
	INFO first;
	UCHAR bytes[4096];
} buf;

/* Package p, core c, thread t at slot 4p + 2c + t; node = package. The
 * first `active` run, the others are held. */
static const struct ke_processor *two_packages(ULONG active)
{
	static struct ke_processor p[8];
	ULONG i;

	for (i = 0; i < 8; i++)
		p[i] = (struct ke_processor){
			.slot = i, .package = i / 4, .core = i / 2 % 2,
			.thread = i % 2, .node = i / 4, .active = i < active,
			.present = TRUE,
		};
	return p;
}

static int setup_two_packages(void **state)
{
	(void)state;
	machine_table(two_packages(6), 8, 0, 0);
	return 0;
}

static int setup_groups_of_4(void **state)
{
	(void)state;
	machine_table(two_packages(6), 8, 4, 0);
	return 0;
}

/* The records of one query, walked by their Size. */
static int query(PPROCESSOR_NUMBER pn, LOGICAL_PROCESSOR_RELATIONSHIP r,
		 INFO **rec, int max)
{
	ULONG len = sizeof(buf), off = 0;
	int n = 0;

	memset(&buf, 0xa5, sizeof(buf));
	assert_int_equal(KeQueryLogicalProcessorRelationship(pn, r,
							     &buf.first, &len),
			 STATUS_SUCCESS);
	while (off < len) {
		assert_true(n < max);
		rec[n] = (INFO *)(buf.bytes + off);
		assert_true(rec[n]->Size >= 32);
		off += rec[n++]->Size;
	}
	assert_int_equal(off, len);
	return n;
}

static void test_layout_matches_winnt(void **state)
{
	(void)state;
	assert_int_equal(sizeof(GROUP_AFFINITY), 16);
	assert_int_equal(offsetof(PROCESSOR_RELATIONSHIP, GroupCount), 22);
	assert_int_equal(offsetof(PROCESSOR_RELATIONSHIP, GroupMask), 24);
	assert_int_equal(sizeof(PROCESSOR_RELATIONSHIP), 40);
	assert_int_equal(offsetof(NUMA_NODE_RELATIONSHIP, GroupCount), 22);
	assert_int_equal(offsetof(NUMA_NODE_RELATIONSHIP, GroupMask), 24);
	assert_int_equal(offsetof(CACHE_RELATIONSHIP, GroupCount), 30);
	assert_int_equal(sizeof(CACHE_RELATIONSHIP), 48);
	assert_int_equal(offsetof(PROCESSOR_GROUP_INFO, ActiveProcessorMask),
			 40);
	assert_int_equal(sizeof(PROCESSOR_GROUP_INFO), 48);
	assert_int_equal(offsetof(GROUP_RELATIONSHIP, GroupInfo), 24);
	assert_int_equal(offsetof(INFO, Processor), 8);
	assert_int_equal(sizeof(INFO), 80);
	assert_int_equal(RelationProcessorCore, 0);
	assert_int_equal(RelationNumaNode, 1);
	assert_int_equal(RelationCache, 2);
	assert_int_equal(RelationProcessorPackage, 3);
	assert_int_equal(RelationGroup, 4);
	assert_int_equal(RelationNumaNodeEx, 6);
	assert_int_equal(RelationAll, 0xffff);
	assert_int_equal(LTP_PC_SMT, 1);
}

static void test_sizing_protocol(void **state)
{
	ULONG need = 0, len;

	(void)state;
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     NULL, &need),
			 STATUS_INFO_LENGTH_MISMATCH);
	/* 3 cores and 2 nodes and 2 packages of 48, a group of 80. */
	assert_int_equal(need, 7 * 48 + 80);
	len = need - 1;
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     &buf.first, &len),
			 STATUS_INFO_LENGTH_MISMATCH);
	assert_int_equal(len, need);
	len = 100000;			/* NULL buffer: only the size */
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     NULL, &len),
			 STATUS_INFO_LENGTH_MISMATCH);
	assert_int_equal(len, need);
	len = need;
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     &buf.first, &len),
			 STATUS_SUCCESS);
	assert_int_equal(len, need);
	len = sizeof(buf);		/* bigger: the bytes written */
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     &buf.first, &len),
			 STATUS_SUCCESS);
	assert_int_equal(len, need);
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationAll,
							     &buf.first, NULL),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(KeQueryLogicalProcessorRelationship(
				 NULL, (LOGICAL_PROCESSOR_RELATIONSHIP)42,
				 &buf.first, &len), STATUS_INVALID_PARAMETER);
	len = sizeof(buf);		/* no caches known: no records */
	assert_int_equal(KeQueryLogicalProcessorRelationship(NULL, RelationCache,
							     &buf.first, &len),
			 STATUS_SUCCESS);
	assert_int_equal(len, 0);
}

static void expect_processor(INFO *r, LOGICAL_PROCESSOR_RELATIONSHIP kind,
			     UCHAR flags, USHORT group, KAFFINITY mask)
{
	assert_int_equal(r->Relationship, kind);
	assert_int_equal(r->Size, 48);
	assert_int_equal(r->Processor.Flags, flags);
	assert_int_equal(r->Processor.EfficiencyClass, 0);
	assert_int_equal(r->Processor.GroupCount, 1);
	assert_int_equal(r->Processor.GroupMask[0].Group, group);
	assert_int_equal(r->Processor.GroupMask[0].Mask, mask);
	assert_int_equal(r->Processor.GroupMask[0].Reserved[0], 0);
	assert_int_equal(r->Processor.Reserved[0], 0);
}

static void test_cores_and_packages(void **state)
{
	INFO *r[8];

	(void)state;
	assert_int_equal(query(NULL, RelationProcessorCore, r, 8), 3);
	expect_processor(r[0], RelationProcessorCore, LTP_PC_SMT, 0, 0x03);
	expect_processor(r[1], RelationProcessorCore, LTP_PC_SMT, 0, 0x0c);
	expect_processor(r[2], RelationProcessorCore, LTP_PC_SMT, 0, 0x30);
	assert_int_equal(query(NULL, RelationProcessorPackage, r, 8), 2);
	expect_processor(r[0], RelationProcessorPackage, 0, 0, 0x0f);
	expect_processor(r[1], RelationProcessorPackage, 0, 0, 0x30);
}

static void test_nodes_group_and_all(void **state)
{
	INFO *r[16];

	(void)state;
	assert_int_equal(query(NULL, RelationNumaNode, r, 16), 2);
	assert_int_equal(r[1]->Relationship, RelationNumaNode);
	assert_int_equal(r[1]->Size, 48);
	assert_int_equal(r[1]->NumaNode.NodeNumber, 1);
	assert_int_equal(r[1]->NumaNode.GroupCount, 1);
	assert_int_equal(r[1]->NumaNode.GroupMask.Mask, 0x30);
	assert_int_equal(query(NULL, RelationGroup, r, 16), 1);
	assert_int_equal(r[0]->Size, 80);
	assert_int_equal(r[0]->Group.MaximumGroupCount, 1);
	assert_int_equal(r[0]->Group.ActiveGroupCount, 1);
	assert_int_equal(r[0]->Group.GroupInfo[0].MaximumProcessorCount, 8);
	assert_int_equal(r[0]->Group.GroupInfo[0].ActiveProcessorCount, 6);
	assert_int_equal(r[0]->Group.GroupInfo[0].ActiveProcessorMask, 0x3f);
	assert_int_equal(query(NULL, RelationAll, r, 16), 8);
	assert_int_equal(r[0]->Relationship, RelationProcessorCore);
	assert_int_equal(r[2]->Relationship, RelationProcessorCore);
	assert_int_equal(r[3]->Relationship, RelationNumaNode);
	assert_int_equal(r[4]->NumaNode.NodeNumber, 1);
	assert_int_equal(r[5]->Relationship, RelationProcessorPackage);
	assert_int_equal(r[6]->Relationship, RelationProcessorPackage);
	assert_int_equal(r[7]->Relationship, RelationGroup);
}

static void test_one_processor(void **state)
{
	PROCESSOR_NUMBER pn = { .Group = 0, .Number = 5 };
	INFO *r[8];

	(void)state;
	assert_int_equal(query(&pn, RelationProcessorCore, r, 8), 1);
	expect_processor(r[0], RelationProcessorCore, LTP_PC_SMT, 0, 0x30);
	assert_int_equal(query(&pn, RelationAll, r, 8), 4);
	assert_int_equal(r[1]->NumaNode.NodeNumber, 1);
	expect_processor(r[2], RelationProcessorPackage, 0, 0, 0x30);
	assert_int_equal(r[3]->Relationship, RelationGroup);
}

static void test_held_processor_absent_until_added(void **state)
{
	PROCESSOR_NUMBER held = { .Group = 0, .Number = 6 };
	ULONG len = sizeof(buf);
	INFO *r[8];
	GROUP_AFFINITY a;
	USHORT n;

	(void)state;
	assert_int_equal(KeQueryLogicalProcessorRelationship(&held,
							     RelationAll,
							     &buf.first, &len),
			 STATUS_INVALID_PARAMETER);
	KeQueryNodeActiveAffinity(1, &a, &n);
	assert_int_equal(a.Mask, 0x30);
	assert_int_equal(n, 2);
	assert_int_equal(KeStartDynamicProcessor(6), STATUS_SUCCESS);
	assert_int_equal(query(&held, RelationProcessorCore, r, 8), 1);
	expect_processor(r[0], RelationProcessorCore, 0, 0, 0x40);
	assert_int_equal(KeStartDynamicProcessor(7), STATUS_SUCCESS);
	assert_int_equal(query(NULL, RelationProcessorCore, r, 8), 4);
	expect_processor(r[3], RelationProcessorCore, LTP_PC_SMT, 0, 0xc0);
	assert_int_equal(query(NULL, RelationProcessorPackage, r, 8), 2);
	expect_processor(r[1], RelationProcessorPackage, 0, 0, 0xf0);
	KeQueryNodeActiveAffinity(1, &a, &n);
	assert_int_equal(a.Mask, 0xf0);
	assert_int_equal(n, 4);
}

static void test_nodes_in_groups_of_4(void **state)
{
	GROUP_AFFINITY a;
	USHORT n;
	INFO *r[16];

	(void)state;
	assert_int_equal(query(NULL, RelationGroup, r, 16), 1);
	assert_int_equal(r[0]->Size, 8 + 24 + 2 * 48);
	assert_int_equal(r[0]->Group.MaximumGroupCount, 2);
	assert_int_equal(r[0]->Group.ActiveGroupCount, 2);
	assert_int_equal(r[0]->Group.GroupInfo[1].MaximumProcessorCount, 4);
	assert_int_equal(r[0]->Group.GroupInfo[1].ActiveProcessorCount, 2);
	assert_int_equal(r[0]->Group.GroupInfo[1].ActiveProcessorMask, 0x3);
	assert_int_equal(query(NULL, RelationProcessorCore, r, 16), 3);
	expect_processor(r[2], RelationProcessorCore, LTP_PC_SMT, 1, 0x3);
	KeQueryNodeActiveAffinity(1, &a, &n);
	assert_int_equal(a.Group, 1);
	assert_int_equal(a.Mask, 0x3);
	assert_int_equal(n, 2);
	KeQueryNodeActiveAffinity(9, &a, &n);	/* no such node */
	assert_int_equal(a.Mask, 0);
	assert_int_equal(n, 0);
	assert_int_equal(KeQueryHighestNodeNumber(), 1);
	assert_int_equal(KeGetCurrentNodeNumber(), 0);
	host_bind(5);			/* 1:1, package 1 */
	assert_int_equal(KeGetCurrentNodeNumber(), 1);
	assert_int_equal(KeGetCurrentProcessorNumber(), 1);
	host_bind(3);
	assert_int_equal(KeGetCurrentProcessorNumber(), 3);
	host_bind(0);
}

/* One node of three cores of two threads, in groups of 4: cut after
 * two cores. Its primary group is group 0. */
static int setup_node_across_groups(void **state)
{
	static struct ke_processor p[6];
	ULONG i;

	(void)state;
	for (i = 0; i < 6; i++)
		p[i] = (struct ke_processor){
			.slot = i, .core = i / 2, .thread = i % 2,
			.active = TRUE, .present = TRUE,
		};
	machine_table(p, 6, 4, 0);
	return 0;
}

static void test_node_across_groups(void **state)
{
	PROCESSOR_NUMBER pn = { .Group = 1, .Number = 0 };
	GROUP_AFFINITY a;
	INFO *r[4];

	(void)state;
	assert_int_equal(query(NULL, RelationNumaNode, r, 4), 1);
	assert_int_equal(r[0]->Size, 48);
	assert_int_equal(r[0]->NumaNode.GroupCount, 1);
	assert_int_equal(r[0]->NumaNode.GroupMask.Group, 0);
	assert_int_equal(r[0]->NumaNode.GroupMask.Mask, 0xf);
	assert_int_equal(query(&pn, RelationNumaNode, r, 4), 1);
	assert_int_equal(r[0]->NumaNode.GroupMask.Group, 1);
	assert_int_equal(r[0]->NumaNode.GroupMask.Mask, 0x3);
	assert_int_equal(query(NULL, RelationNumaNodeEx, r, 4), 1);
	assert_int_equal(r[0]->Relationship, RelationNumaNode);
	assert_int_equal(r[0]->Size, 64);
	assert_int_equal(r[0]->NumaNode.GroupCount, 2);
	assert_int_equal(r[0]->NumaNode.GroupMasks[1].Group, 1);
	assert_int_equal(r[0]->NumaNode.GroupMasks[1].Mask, 0x3);
	assert_int_equal(query(NULL, RelationProcessorPackage, r, 4), 1);
	assert_int_equal(r[0]->Size, 64);
	assert_int_equal(r[0]->Processor.GroupCount, 2);
	KeQueryNodeActiveAffinity(0, &a, NULL);
	assert_int_equal(a.Group, 0);
	assert_int_equal(a.Mask, 0xf);
}

int main(void)
{
#define T(f, s) cmocka_unit_test_setup_teardown(f, s, teardown)
	const struct CMUnitTest tests[] = {
		T(test_layout_matches_winnt, setup_two_packages),
		T(test_sizing_protocol, setup_two_packages),
		T(test_cores_and_packages, setup_two_packages),
		T(test_nodes_group_and_all, setup_two_packages),
		T(test_one_processor, setup_two_packages),
		T(test_held_processor_absent_until_added, setup_two_packages),
		T(test_nodes_in_groups_of_4, setup_groups_of_4),
		T(test_node_across_groups, setup_node_across_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
