/*
 * icr.c: sending INIT and Startup IPIs through the local APIC's interrupt
 * command register, in the mode the BSP's APIC is in (apic.c finds it).
 * Intel SDM vol. 3A, APIC chapter: "Interrupt Command Register (ICR)"
 * for the fields, "x2APIC Interrupt Command Register" for MSR 830h, which
 * takes the whole command in one write with a 32-bit destination.
 */
#include <stddef.h>
#include "x86.h"

#define ICR_LOW		0x300
#define ICR_HIGH	0x310
#define MSR_X2_ICR	0x830
#define DELIVERY_INIT	(5u << 8)
#define DELIVERY_START	(6u << 8)
#define LEVEL_ASSERT	(1u << 14)
#define SEND_PENDING	(1u << 12)	/* xAPIC only; reserved in x2APIC */
#define ALL_BUT_SELF	(3u << 18)	/* destination shorthand */
#define PENDING_TURNS	1000000		/* far beyond any real delivery */

/* The xAPIC's previous send has left the pending state; 0 if it never
 * does. */
static int
idle(void)
{
	uint32_t turns;

	for (turns = 0; apic_mmio[ICR_LOW / 4] & SEND_PENDING; turns++) {
		if (turns == PENDING_TURNS)
			return 0;
		cpu_pause();
	}
	return 1;
}

/*
 * Send the command low word to the processor with this APIC id. 0 when
 * it cannot be sent: no APIC found, an id xAPIC cannot address, or a
 * send that never leaves the pending state. Interrupts are off while the
 * two xAPIC registers are written: a handler that sent an IPI between
 * them (the firmware's, resetting an AP) would change the destination.
 */
static int
send(uint32_t apic, uint32_t low)
{
	uint64_t flags;
	int ok;

	if (apic_x2) {
		cpu_fence();	/* the slot the processor reads, written first */
		cpu_wrmsr(MSR_X2_ICR, (uint64_t)apic << 32 | low);
		return 1;
	}
	if (apic_mmio == NULL || apic > 0xff)
		return 0;
	flags = cpu_irq_save();
	ok = idle();
	if (ok) {
		apic_mmio[ICR_HIGH / 4] = apic << 24;	/* physical dest. */
		apic_mmio[ICR_LOW / 4] = low;		/* this write sends */
		ok = idle();
	}
	cpu_irq_restore(flags);
	return ok;
}

/*
 * INIT, level assert: the processor resets to wait-for-SIPI. ICR_ALL:
 * every processor but this one, in one send (the destination shorthand
 * "all excluding self"), as firmware wakes all its APs at boot.
 */
int
icr_init(uint32_t apic)
{
	return apic == ICR_ALL ? send(0, ALL_BUT_SELF | DELIVERY_INIT |
					 LEVEL_ASSERT)
			       : send(apic, DELIVERY_INIT | LEVEL_ASSERT);
}

/* Startup IPI: start in real mode at vector * 4 KiB. */
int
icr_startup(uint32_t apic, uint8_t vector)
{
	uint32_t low = DELIVERY_START | LEVEL_ASSERT | vector;

	return apic == ICR_ALL ? send(0, ALL_BUT_SELF | low) : send(apic, low);
}

/* A fixed interrupt with this vector (delivery mode 000). */
int
icr_fixed(uint32_t apic, uint8_t vector)
{
	return send(apic, LEVEL_ASSERT | vector);
}
