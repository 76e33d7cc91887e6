/*
 * ap.c: what an application processor runs once apentry.asm has recorded
 * its APIC id, signature and arrival time. It must never call the firmware
 * (UEFI services belong to the BSP): it talks only through its struct cpu.
 */
#include "cpu.h"
#include "x86.h"

/*
 * Check that the processor is the one MP Services said it would be, say
 * "online", and poll the mailbox until the BSP says stop. The stores are
 * releases so the BSP sees the recorded fields before the report.
 */
__attribute__((ms_abi)) void
ap_main(struct cpu *c)
{
	if (c->apic != c->mp_apic) {
		__atomic_store_n(&c->report, AP_BAD_APIC, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&c->report, AP_ONLINE, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
		cpu_pause();
	__atomic_store_n(&c->report, AP_STOPPED, __ATOMIC_RELEASE);
}
