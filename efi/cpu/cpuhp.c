/*
 * cpuhp.c: the modern interface of QEMU's CPU hot-plug register block
 * (QEMU docs/specs/acpi_cpu_hotplug.rst; the device is hw/acpi/cpu.c).
 * Twelve bytes of I/O ports:
 *
 *   +0  write: selector (dword)        read: command data 2 (dword)
 *   +4  read: status of the selected slot, write: clear its events (byte)
 *   +5  write: command (byte)
 *   +8  read/write: command data (dword)
 *
 * Every access but the selector's goes to the selected slot. Commands:
 * 0 selects the next slot with an event (data then reads its selector),
 * 1 and 2 make data writes set the OST event and status, 3 makes data
 * read the slot's APIC id. Until something writes 0 to its first dword
 * the block is the legacy one instead, a bitmap of present processors.
 */
#include "cpuhp.h"

#define SEL	0	/* write */
#define DATA2	0	/* read */
#define FLAGS	4
#define CMD	5
#define DATA	8

#define CMD_NEXT_EVENT	0
#define CMD_OST_EVENT	1
#define CMD_OST_STATUS	2
#define CMD_APIC_ID	3

#define ST_ENABLED	0x01
#define ST_RESERVED	0xe0	/* read as 0 */

#define MAX_SLOTS	4096	/* more than QEMU's x86 maxcpus */

static uint32_t
in(struct cpuhp *h, int reg, int width)
{
	return h->io.in(h->io.ctx, (uint16_t)(h->base + reg), width);
}

static void
out(struct cpuhp *h, int reg, int width, uint32_t v)
{
	h->io.out(h->io.ctx, (uint16_t)(h->base + reg), width, v);
}

static void
select(struct cpuhp *h, uint32_t sel)
{
	out(h, SEL, 4, sel);
}

const char *
cpuhp_why(int found)
{
	switch (found) {
	case CPUHP_FOUND:
		return "found";
	case CPUHP_NO_BLOCK:
		return "no-block";
	case CPUHP_LEGACY:
		return "legacy-only";
	default:
		return "broken";
	}
}

/*
 * Count the slots as the specification's "Enumerate CPUs" does: with
 * command 0 in force, data reads back a valid selector and 0 for one
 * past the last slot.
 */
static void
count(struct cpuhp *h)
{
	uint32_t n = 0;

	h->present = 0;
	do {
		select(h, n);
		h->present += in(h, FLAGS, 1) & ST_ENABLED;
		n++;
		select(h, n);
	} while (n < MAX_SLOTS && in(h, DATA, 4) == n);
	h->slots = n;
	select(h, 0);
}

/*
 * The specification's detection, as OVMF's PlatformPei does it: the
 * first write of 0 switches a legacy block to modern (selecting slot 0
 * after the switch is harmless), command 0, then command data 2 must read
 * 0. An unbacked port reads all-ones; a block stuck in legacy mode reads
 * its bitmap there, whose bit 0 (processor 0, always present) is set.
 * Then slot 0, the first processor, must read present with its reserved
 * bits clear: QEMU 5.1 to 7.2.0 under TCG dropped the dword write that
 * switches modes and read 0 from the legacy block's dwords, which passes
 * the first test but not this one (QEMU commit dab30fbef389).
 */
int
cpuhp_probe(struct cpuhp *h)
{
	uint32_t d2, st;

	h->slots = h->present = 0;
	select(h, 0);
	select(h, 0);
	out(h, CMD, 1, CMD_NEXT_EVENT);
	d2 = in(h, DATA2, 4);
	if (d2 == 0xffffffffu)
		return CPUHP_NO_BLOCK;
	if (d2 != 0)
		return CPUHP_LEGACY;
	select(h, 0);
	st = in(h, FLAGS, 1);
	if (!(st & ST_ENABLED) || (st & ST_RESERVED))
		return CPUHP_BROKEN;
	count(h);
	return CPUHP_FOUND;
}

int
cpuhp_slot(struct cpuhp *h, uint32_t sel, uint32_t *apic)
{
	int present;

	select(h, sel);
	present = in(h, FLAGS, 1) & ST_ENABLED;
	out(h, CMD, 1, CMD_APIC_ID);
	*apic = in(h, DATA, 4);
	return present;
}

/*
 * Command 0 searches from the selected slot up, wrapping around, and
 * selects the first with an event; with none, the selection stays. So
 * starting at slot 0 finds the lowest, and its status tells which.
 */
int
cpuhp_next(struct cpuhp *h, struct cpuhp_event *e)
{
	uint32_t st;

	select(h, 0);
	out(h, CMD, 1, CMD_NEXT_EVENT);
	st = in(h, FLAGS, 1);
	if (!(st & (CPUHP_INSERT | CPUHP_REMOVE)))
		return 0;
	e->sel = in(h, DATA, 4);
	e->insert = (st & CPUHP_INSERT) != 0;
	e->remove = (st & CPUHP_REMOVE) != 0;
	out(h, CMD, 1, CMD_APIC_ID);
	e->apic = in(h, DATA, 4);
	return 1;
}

/* One bit a write: QEMU acts on the lowest event bit written only. */
void
cpuhp_clear(struct cpuhp *h, uint32_t sel, uint8_t event)
{
	select(h, sel);
	out(h, FLAGS, 1, event);
}

void
cpuhp_ost(struct cpuhp *h, uint32_t sel, uint32_t source, uint32_t status)
{
	select(h, sel);
	out(h, CMD, 1, CMD_OST_EVENT);
	out(h, DATA, 4, source);
	out(h, CMD, 1, CMD_OST_STATUS);
	out(h, DATA, 4, status);
}
