/*
 * qemu_cpuhp.h: a model of QEMU's CPU hot-plug register block, as QEMU
 * 7.2 implements it (hw/acpi/cpu.c, the modern interface, and
 * hw/acpi/cpu_hotplug.c, the legacy bitmap it starts as), for the host
 * tests of efi/cpu/cpuhp.c. Slots are QEMU's possible processors in
 * order; each has an APIC id and may be present.
 */
#ifndef TESTS_QEMU_CPUHP_H
#define TESTS_QEMU_CPUHP_H

#include <stdint.h>

#define QCPUHP_SLOTS	64

enum { QM_NONE, QM_LEGACY, QM_MODERN };	/* what answers at the ports */

struct qslot {
	uint8_t present, inserting, removing;
	uint32_t apic;
	uint32_t ost_event, ost_status;
};

struct qcpuhp {
	uint16_t base;
	int mode;
	int can_switch;		/* legacy leaves for modern on a 0 at +0 */
	int tcg_dword_bug;	/* QEMU 5.1..7.2.0 under TCG: dword accesses
				   to the legacy block dropped, read as 0 */
	uint32_t selector;
	uint8_t command;
	uint32_t count;
	struct qslot slot[QCPUHP_SLOTS];
	uint32_t ost_sent;	/* ACPI_DEVICE_OST events QEMU would send */
	uint32_t writes;	/* port writes that reached the device */
};

/* count possible processors with these APIC ids, the first `present` of
 * them present, in legacy mode as at power-on (switchable). */
void qcpuhp_init(struct qcpuhp *m, uint32_t count, uint32_t present,
		 const uint32_t *apic);
void qcpuhp_plug(struct qcpuhp *m, uint32_t sel);	/* device_add */
void qcpuhp_unplug_request(struct qcpuhp *m, uint32_t sel);	/* device_del */

/* struct cpuhp_io, with ctx the model. */
uint32_t qcpuhp_in(void *ctx, uint16_t port, int width);
void qcpuhp_out(void *ctx, uint16_t port, int width, uint32_t v);

#endif
