/*
 * qemu_cpuhp.c: the model behind qemu_cpuhp.h. What it reproduces, from
 * QEMU's docs/specs/acpi_cpu_hotplug.rst and QEMU 7.2's behaviour:
 *
 * - Legacy mode (power-on): a 32-byte bitmap of present processors by
 *   APIC id, read-only; a write of 0 to its first byte switches the
 *   block to modern mode, the only write that does anything. Accesses
 *   wider than a byte work byte by byte (QEMU 8.0, and the 7.2 stable
 *   releases with commit dab30fbef389, Debian 12's among them); with
 *   tcg_dword_bug, as in QEMU 5.1 to 7.2.0 under TCG, they are dropped
 *   and read as 0.
 * - Modern mode: 12 bytes; the rest of the old range is unbacked.
 *   With the selector out of range every register but the selector
 *   reads 0 and ignores writes. Status: bit 0 present, 1 insert event,
 *   2 remove event. Status writes act on the lowest of bits 1 (clear
 *   insert), 2 (clear remove), 3 (eject) only. Command 0 searches from
 *   the selected slot up, wrapping, for one with an event and selects
 *   it; data then reads the selector. Command 3: data reads the APIC
 *   id, data 2 its high half. Commands 1 and 2: data writes set the OST
 *   event and status; the status write sends ACPI_DEVICE_OST.
 * - Unbacked ports read all-ones and ignore writes.
 */
#include "qemu_cpuhp.h"

#define LEGACY_LEN	32
#define MODERN_LEN	12

void
qcpuhp_init(struct qcpuhp *m, uint32_t count, uint32_t present,
	    const uint32_t *apic)
{
	uint32_t i;

	*m = (struct qcpuhp){ .base = 0x0cd8, .mode = QM_LEGACY,
			      .can_switch = 1, .count = count };
	for (i = 0; i < count; i++) {
		m->slot[i].apic = apic ? apic[i] : i;
		m->slot[i].present = i < present;
	}
}

void
qcpuhp_plug(struct qcpuhp *m, uint32_t sel)
{
	m->slot[sel].present = 1;
	m->slot[sel].inserting = 1;
}

void
qcpuhp_unplug_request(struct qcpuhp *m, uint32_t sel)
{
	m->slot[sel].removing = 1;
}

static uint8_t
legacy_byte(struct qcpuhp *m, uint32_t off)
{
	uint8_t v = 0;
	uint32_t i;

	for (i = 0; i < m->count; i++)
		if (m->slot[i].present && m->slot[i].apic / 8 == off)
			v |= 1u << (m->slot[i].apic % 8);
	return v;
}

static uint32_t
modern_read(struct qcpuhp *m, uint32_t off)
{
	struct qslot *s = &m->slot[m->selector];

	if (m->selector >= m->count)
		return 0;
	switch (off) {
	case 0:		/* data 2: 0, or the APIC id's high half */
		return 0;
	case 4:
		return s->present | s->inserting << 1 | s->removing << 2;
	case 8:
		return m->command == 0 ? m->selector :
		       m->command == 3 ? s->apic : 0;
	default:
		return 0;
	}
}

static void
next_event(struct qcpuhp *m)
{
	uint32_t i = m->selector;

	do {
		if (m->slot[i].inserting || m->slot[i].removing) {
			m->selector = i;
			return;
		}
		i = i + 1 < m->count ? i + 1 : 0;
	} while (i != m->selector);
}

static void
modern_write(struct qcpuhp *m, uint32_t off, uint32_t v)
{
	struct qslot *s = &m->slot[m->selector];

	m->writes++;
	if (off != 0 && m->selector >= m->count)
		return;
	switch (off) {
	case 0:
		m->selector = v;
		break;
	case 4:
		if (v & 2)
			s->inserting = 0;
		else if (v & 4)
			s->removing = 0;
		else if ((v & 8) && s->present && m->selector != 0)
			s->present = 0;
		break;
	case 5:
		if (v < 4) {
			m->command = (uint8_t)v;
			if (v == 0)
				next_event(m);
		}
		break;
	case 8:
		if (m->command == 1) {
			s->ost_event = v;
		} else if (m->command == 2) {
			s->ost_status = v;
			m->ost_sent++;
		}
		break;
	}
}

uint32_t
qcpuhp_in(void *ctx, uint16_t port, int width)
{
	struct qcpuhp *m = ctx;
	uint32_t off = (uint32_t)(port - m->base), v = 0;
	int i;

	if (m->mode == QM_MODERN && off < MODERN_LEN)
		return modern_read(m, off);
	if (m->mode != QM_LEGACY || off >= LEGACY_LEN)
		return width == 1 ? 0xff : 0xffffffffu;
	if (width > 1 && m->tcg_dword_bug)
		return 0;
	for (i = 0; i < width; i++)
		v |= (uint32_t)legacy_byte(m, off + i) << (8 * i);
	return v;
}

void
qcpuhp_out(void *ctx, uint16_t port, int width, uint32_t v)
{
	struct qcpuhp *m = ctx;
	uint32_t off = (uint32_t)(port - m->base);

	if (m->mode == QM_MODERN && off < MODERN_LEN) {
		modern_write(m, off, width == 1 ? v & 0xff : v);
		return;
	}
	if (m->mode != QM_LEGACY || off >= LEGACY_LEN)
		return;
	if (width > 1 && m->tcg_dword_bug)
		return;
	m->writes++;
	/* Byte by byte: only the first byte can be at offset 0. */
	if (off == 0 && (v & 0xff) == 0 && m->can_switch)
		m->mode = QM_MODERN;
}
