/*
 * test_plug.c: host tests of what processor hot-plug reads: QEMU's CPU
 * hot-plug register block (efi/cpu/cpuhp.c) driven against a model of
 * the device (qemu_cpuhp.c), the MADT's processor entries (efi/fw/madt.c)
 * on tables QEMU 7.2 made (madt-*.hex), and the APIC id's topology split
 * (arch/x86/topo.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "acpi.h"
#include "cpuhp.h"
#include "qemu_cpuhp.h"
#include "topo.h"

/* ---- the register block ---- */

static struct qcpuhp dev;
static struct cpuhp hp;

/* A q35 with `count` possible processors, the first `present` present. */
static void
machine(uint32_t count, uint32_t present, const uint32_t *apic)
{
	qcpuhp_init(&dev, count, present, apic);
	hp = (struct cpuhp){ .io = { qcpuhp_in, qcpuhp_out, &dev },
			     .base = CPUHP_ICH9_BASE };
}

/* The probe finds the block with this many slots and present. */
static void
probed(uint32_t slots, uint32_t present)
{
	assert_int_equal(cpuhp_probe(&hp), CPUHP_FOUND);
	assert_int_equal(dev.mode, QM_MODERN);
	assert_int_equal(hp.slots, slots);
	assert_int_equal(hp.present, present);
}

/* A machine, probed. */
static void
found(uint32_t count, uint32_t present, const uint32_t *apic)
{
	machine(count, present, apic);
	probed(count, present);
}

/* The next event is this one. */
static void
next_is(uint32_t sel, uint32_t apic, int insert, int remove)
{
	struct cpuhp_event e;

	assert_int_equal(cpuhp_next(&hp, &e), 1);
	assert_int_equal(e.sel, sel);
	assert_int_equal(e.apic, apic);
	assert_int_equal(e.insert, insert);
	assert_int_equal(e.remove, remove);
}

static void
no_event(void)
{
	struct cpuhp_event e;

	assert_int_equal(cpuhp_next(&hp, &e), 0);
}

static void
test_probe_switches_legacy_block_to_modern(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	assert_int_equal(dev.mode, QM_LEGACY);
	probed(4, 2);
	assert_int_equal(dev.selector, 0);
}

/* OVMF's PlatformPei switches it before the simulator runs. */
static void
test_probe_finds_block_already_modern(void **state)
{
	(void)state;
	machine(16, 2, NULL);
	dev.mode = QM_MODERN;
	probed(16, 2);
}

static void
test_probe_counts_one_slot(void **state)
{
	(void)state;
	found(1, 1, NULL);
}

/* A pending event moves the selection when command 0 is written. */
static void
test_probe_counts_right_with_an_event_pending(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	dev.mode = QM_MODERN;
	qcpuhp_plug(&dev, 3);
	probed(4, 3);
	assert_int_equal(dev.slot[3].inserting, 1);	/* not consumed */
}

/* Another hypervisor, or a QEMU machine without the block. */
static void
test_probe_unbacked_ports_are_no_block(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	dev.mode = QM_NONE;
	assert_int_equal(cpuhp_probe(&hp), CPUHP_NO_BLOCK);
	assert_int_equal(hp.slots, 0);
	assert_string_equal(cpuhp_why(CPUHP_NO_BLOCK), "no-block");
}

static void
test_probe_block_stuck_in_legacy_mode(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	dev.can_switch = 0;
	assert_int_equal(cpuhp_probe(&hp), CPUHP_LEGACY);
	assert_int_equal(dev.mode, QM_LEGACY);
}

/* The switch is lost and dword reads give 0, which looks modern. */
static void
test_probe_tcg_dword_bug_is_broken(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	dev.tcg_dword_bug = 1;
	assert_int_equal(cpuhp_probe(&hp), CPUHP_BROKEN);
}

static void
test_slot_reads_apic_id_and_presence(void **state)
{
	/* -smp 2,sockets=2,cores=3,threads=1,maxcpus=6: sparse ids */
	static const uint32_t ids[] = { 0, 1, 2, 4, 5, 6 };
	uint32_t apic, sel;

	(void)state;
	found(6, 2, ids);
	for (sel = 0; sel < 6; sel++) {
		assert_int_equal(cpuhp_slot(&hp, sel, &apic), sel < 2);
		assert_int_equal(apic, ids[sel]);
	}
}

static void
test_no_event_after_probe(void **state)
{
	(void)state;
	found(4, 2, NULL);
	no_event();
}

/* Lowest slot first, wherever the selector was left; each cleared. */
static void
test_events_come_lowest_slot_first_and_clear(void **state)
{
	(void)state;
	found(4, 2, NULL);
	qcpuhp_plug(&dev, 3);
	qcpuhp_plug(&dev, 2);
	dev.selector = 3;
	next_is(2, 2, 1, 0);
	cpuhp_clear(&hp, 2, CPUHP_INSERT);
	assert_int_equal(dev.slot[2].inserting, 0);
	assert_int_equal(dev.slot[3].inserting, 1);
	next_is(3, 3, 1, 0);
	cpuhp_clear(&hp, 3, CPUHP_INSERT);
	no_event();
	assert_int_equal(dev.slot[2].present, 1);
	assert_int_equal(dev.slot[3].present, 1);
}

/* Declining a removal: the event goes, the processor stays. */
static void
test_remove_request_is_seen_and_cleared(void **state)
{
	(void)state;
	found(4, 2, NULL);
	qcpuhp_unplug_request(&dev, 1);
	next_is(1, 1, 0, 1);
	cpuhp_clear(&hp, 1, CPUHP_REMOVE);
	no_event();
	assert_int_equal(dev.slot[1].present, 1);
}

/* QEMU acts on the lowest bit of a status write only. */
static void
test_clearing_one_event_keeps_the_other(void **state)
{
	(void)state;
	found(4, 2, NULL);
	qcpuhp_plug(&dev, 2);
	qcpuhp_unplug_request(&dev, 2);
	next_is(2, 2, 1, 1);
	cpuhp_clear(&hp, 2, CPUHP_INSERT);
	next_is(2, 2, 0, 1);
	cpuhp_clear(&hp, 2, CPUHP_REMOVE);
	no_event();
}

static void
test_ost_reaches_that_slot_only(void **state)
{
	uint32_t i;

	(void)state;
	found(4, 2, NULL);
	cpuhp_ost(&hp, 2, OST_DEVICE_CHECK, OST_FAILURE);
	cpuhp_ost(&hp, 1, OST_EJECT_REQUEST, OST_EJECT_NOT_SUPPORTED);
	assert_int_equal(dev.ost_sent, 2);
	assert_int_equal(dev.slot[2].ost_event, 0x01);
	assert_int_equal(dev.slot[2].ost_status, 0x01);
	assert_int_equal(dev.slot[1].ost_event, 0x03);
	assert_int_equal(dev.slot[1].ost_status, 0x80);
	for (i = 0; i < 4; i += 3)
		assert_int_equal(dev.slot[i].ost_event |
				 dev.slot[i].ost_status, 0);
	assert_int_equal(dev.slot[1].present, 1);	/* no eject */
}

/* ---- the MADT ---- */

/* The bytes of a hex dump; '#' lines are comments. */
static uint32_t
load(const char *name, uint8_t *t, uint32_t max)
{
	char path[128], line[256];
	uint32_t n = 0;
	unsigned b;
	FILE *f;
	char *p;

	snprintf(path, sizeof path, "tests/plug/%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f))
		for (p = line; *p != '#' && sscanf(p, "%2x", &b) == 1 &&
		     n < max; p += 2)
			t[n++] = (uint8_t)b;
	fclose(f);
	return n;
}

static uint8_t tbl[4096];
static struct madt_cpu cpus[64];

static void
test_madt_lists_maxcpus_as_disabled_entries(void **state)
{
	uint32_t len = load("madt-smp2-max4.hex", tbl, sizeof tbl);

	(void)state;
	assert_int_equal(len, 144);
	assert_int_equal(madt_revision(tbl), 1);
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), 4);
	assert_int_equal(cpus[0].apic, 0);
	assert_true(cpus[0].enabled);
	assert_true(cpus[1].enabled);
	assert_int_equal(cpus[2].apic, 2);
	assert_int_equal(cpus[3].apic, 3);
	assert_int_equal(cpus[3].uid, 3);
	assert_false(cpus[2].enabled || cpus[2].online_capable);
	assert_false(madt_pluggable(&cpus[1], 1));
	assert_true(madt_pluggable(&cpus[2], 1));
	assert_true(madt_pluggable(&cpus[3], 1));
}

static int
pluggable(const char *name, uint32_t *ids, int *total)
{
	uint32_t len = load(name, tbl, sizeof tbl);
	int i, n = 0;

	*total = madt_cpus(tbl, len, cpus, 64);
	for (i = 0; i < *total; i++)
		if (madt_pluggable(&cpus[i], madt_revision(tbl)))
			ids[n++] = cpus[i].apic;
	return n;
}

static void
test_madt_without_maxcpus_has_none_pluggable(void **state)
{
	uint32_t ids[64];
	int total;

	(void)state;
	assert_int_equal(pluggable("madt-smp4.hex", ids, &total), 0);
	assert_int_equal(total, 4);
}

static void
test_madt_sparse_apic_ids(void **state)
{
	static const uint32_t want[] = { 2, 4, 5, 6 };
	uint32_t ids[64];
	int total;

	(void)state;
	assert_int_equal(pluggable("madt-smp2-s2c3-max6.hex", ids, &total),
			 4);
	assert_int_equal(total, 6);
	assert_memory_equal(ids, want, sizeof want);
}

static void
test_madt_sixteen(void **state)
{
	uint32_t ids[64];
	int total;

	(void)state;
	assert_int_equal(pluggable("madt-smp2-max16.hex", ids, &total), 14);
	assert_int_equal(total, 16);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[13], 15);
}

/* Only max entries are stored; the count is all of them. */
static void
test_madt_count_beyond_room(void **state)
{
	uint32_t len = load("madt-smp2-max16.hex", tbl, sizeof tbl);

	(void)state;
	memset(cpus, 0xaa, sizeof cpus);
	assert_int_equal(madt_cpus(tbl, len, cpus, 3), 16);
	assert_int_equal(cpus[2].apic, 2);
	assert_int_equal(cpus[3].apic, 0xaaaaaaaa);
	assert_int_equal(madt_cpus(tbl, len, NULL, 0), 16);
}

/* ACPI 6.3: from revision 5 a disabled entry needs Online Capable. */
static void
test_madt_revision5_needs_online_capable(void **state)
{
	uint32_t len = load("madt-smp2-max4.hex", tbl, sizeof tbl);

	(void)state;
	tbl[8] = 5;
	tbl[44 + 3 * 8 + 4] = 0x2;	/* the last processor entry */
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), 4);
	assert_false(madt_pluggable(&cpus[2], 5));
	assert_true(cpus[3].online_capable);
	assert_true(madt_pluggable(&cpus[3], 5));
}

static void
test_madt_x2apic_entry(void **state)
{
	uint32_t len = load("madt-smp4.hex", tbl, sizeof tbl);
	static const uint8_t x2[16] = { 9, 16, 0, 0, 0x2c, 0x01, 0, 0,
					0, 0, 0, 0, 7, 0, 0, 0 };

	(void)state;
	memcpy(tbl + len, x2, sizeof x2);
	len += sizeof x2;
	tbl[4] = (uint8_t)len;
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), 5);
	assert_int_equal(cpus[4].apic, 300);
	assert_int_equal(cpus[4].uid, 7);
	assert_true(madt_pluggable(&cpus[4], 1));
}

static void
test_madt_malformed(void **state)
{
	uint32_t len = load("madt-smp2-max4.hex", tbl, sizeof tbl);

	(void)state;
	assert_int_equal(madt_cpus(tbl, len - 1, cpus, 64), -1);
	assert_int_equal(madt_cpus(tbl, 40, cpus, 64), -1);
	tbl[44 + 8 + 1] = 0;		/* an entry of length 0 */
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), -1);
	tbl[44 + 8 + 1] = 200;		/* one running past the end */
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), -1);
	tbl[44 + 8 + 1] = 8;
	tbl[0] = 'X';
	assert_int_equal(madt_cpus(tbl, len, cpus, 64), -1);
}

/* ---- the APIC id's fields ---- */

static void
test_topo_split(void **state)
{
	struct topo cores4 = { 0, 2 }, s2c3 = { 0, 2 }, ht = { 1, 1 };
	uint32_t p, c, t;

	(void)state;
	topo_split(&cores4, 3, &p, &c, &t);
	assert_true(p == 0 && c == 3 && t == 0);
	topo_split(&s2c3, 4, &p, &c, &t);	/* socket 1, core 0 */
	assert_true(p == 1 && c == 0 && t == 0);
	topo_split(&s2c3, 6, &p, &c, &t);
	assert_true(p == 1 && c == 2 && t == 0);
	topo_split(&ht, 7, &p, &c, &t);
	assert_true(p == 1 && c == 1 && t == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_switches_legacy_block_to_modern),
		cmocka_unit_test(test_probe_finds_block_already_modern),
		cmocka_unit_test(test_probe_counts_one_slot),
		cmocka_unit_test(test_probe_counts_right_with_an_event_pending),
		cmocka_unit_test(test_probe_unbacked_ports_are_no_block),
		cmocka_unit_test(test_probe_block_stuck_in_legacy_mode),
		cmocka_unit_test(test_probe_tcg_dword_bug_is_broken),
		cmocka_unit_test(test_slot_reads_apic_id_and_presence),
		cmocka_unit_test(test_no_event_after_probe),
		cmocka_unit_test(test_events_come_lowest_slot_first_and_clear),
		cmocka_unit_test(test_remove_request_is_seen_and_cleared),
		cmocka_unit_test(test_clearing_one_event_keeps_the_other),
		cmocka_unit_test(test_ost_reaches_that_slot_only),
		cmocka_unit_test(test_madt_lists_maxcpus_as_disabled_entries),
		cmocka_unit_test(test_madt_without_maxcpus_has_none_pluggable),
		cmocka_unit_test(test_madt_sparse_apic_ids),
		cmocka_unit_test(test_madt_sixteen),
		cmocka_unit_test(test_madt_count_beyond_room),
		cmocka_unit_test(test_madt_revision5_needs_online_capable),
		cmocka_unit_test(test_madt_x2apic_entry),
		cmocka_unit_test(test_madt_malformed),
		cmocka_unit_test(test_topo_split),
	};

	return cmocka_run_group_tests_name("plug", tests, NULL, NULL);
}
