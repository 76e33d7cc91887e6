/*
 * ap.c: what an application processor runs once apentry.asm has recorded
 * its APIC id, signature and arrival time. It must never call the firmware
 * (UEFI services belong to the BSP): it talks only through its struct cpu
 * and the broadcast mailbox (ipi.c).
 */
#include "cpu.h"
#include "hal.h"
#include "x86.h"

static void
report(struct cpu *c, uint32_t r)
{
	__atomic_store_n(&c->report, r, __ATOMIC_RELEASE);
}

static int
stopping(struct cpu *c)
{
	return __atomic_load_n(&c->stop, __ATOMIC_ACQUIRE);
}

/*
 * Serve broadcasts and workloads until told to stop, sleeping between
 * timer ticks when the APIC tick runs (arch/x86/apic.c), else spinning.
 */
static void
loop(struct cpu *c)
{
	struct idtr fw;
	int tick = apic_tick_start(&fw), first = tick;

	while (!stopping(c)) {
		affinity_poll(c);
		ipi_poll(c);
		hal_ap_idle();
		c->loops++;
		if (tick)
			cpu_wait_interrupt();
		else
			cpu_pause();
		if (first) {	/* the first tick (a late one) or a wake */
			apic_tick_steady();
			first = 0;
		}
	}
	if (tick)
		apic_tick_stop(&fw);
}

/*
 * Check that the processor is the one MP Services said it would be, run
 * the core's per-processor initialisation if it is being hot-added, say
 * "online", then serve broadcasts and workloads until told to stop.
 */
__attribute__((ms_abi)) void
ap_main(struct cpu *c)
{
	apic_match_bsp();
	/* An injected mix-up: the id no processor has (the broadcast id). */
	if (c->fault == FAULT_APIC)
		c->apic = 0xffffffffu;
	if (c->apic != c->mp_apic) {
		report(c, AP_BAD_APIC);
		return;
	}
	if (c->fault == FAULT_TIMEOUT) {
		/* An injected hang: never online, but leave when told. */
		while (!stopping(c))
			cpu_pause();
		report(c, AP_STOPPED);
		return;
	}
	if (c->hotadd)
		hal_ap_init(c->index);
	c->tsc_online = cpu_rdtsc();
	report(c, AP_ONLINE);
	loop(c);
	report(c, AP_STOPPED);
}
