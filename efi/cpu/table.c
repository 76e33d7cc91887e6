/* table.c: the processor table, for people and (with --trace) for tools. */
#include "con.h"
#include "cpu.h"
#include "fmt.h"
#include "hal.h"

static const char *const state_names[] = {
	[CPU_BSP] = "bsp",
	[CPU_ONLINE] = "online",
	[CPU_HELD] = "held",
	[CPU_FAILED] = "failed",
	[CPU_STARTING] = "starting",
	[CPU_ABSENT] = "absent",
};

const char *
cpu_state_name(enum cpu_state s)
{
	return state_names[s];
}

/* MP Services' StatusFlag bits; it knows nothing of plugged ones. */
static const char *
yes(struct cpu *c, uint32_t bit)
{
	return c->plugged ? "-" : c->flags & bit ? "yes" : "no";
}

static const char *
source(struct cpu *c)
{
	return c->plugged ? "plugged" : "boot";
}

/* Group and number as text: where the core placed it, or "-". */
static void
place(struct cpu *c, char group[8], char number[8])
{
	uint16_t g;
	uint8_t n;

	group[0] = number[0] = '-';
	group[1] = number[1] = 0;
	if (hal_number(c->mp, &g, &n)) {
		ke_snprintf(group, 8, "%u", g);
		ke_snprintf(number, 8, "%u", n);
	}
}

static void
row(struct cpu *c)
{
	char nt[12] = "-", group[8], number[8];

	if (c->index != NO_INDEX)
		ke_snprintf(nt, sizeof nt, "%u", c->index);
	place(c, group, number);
	con_printf("%4u %5u %7u %5u %6u  %-3s %-7s %-7s  %-8s %3s %5s %6s  %s\n",
		   c->mp, c->mp_apic, c->package, c->core, c->thread,
		   yes(c, PROCESSOR_AS_BSP_BIT), yes(c, PROCESSOR_ENABLED_BIT),
		   yes(c, PROCESSOR_HEALTH_STATUS_BIT),
		   cpu_state_name(c->state), nt, group, number, source(c));
}

void
cpus_count(struct machine *m, uint32_t *active, uint32_t *held,
	   uint32_t *absent)
{
	uint32_t n;

	*active = *held = *absent = 0;
	for (n = 0; n < m->nslot; n++) {
		*active += m->cpu[n].state == CPU_BSP ||
			   m->cpu[n].state == CPU_ONLINE;
		*held += m->cpu[n].state == CPU_HELD;
		*absent += m->cpu[n].state == CPU_ABSENT;
	}
}

void
cpus_print(struct machine *m)
{
	char group[8], number[8];
	struct cpu *c;
	uint32_t n;

	con_printf("  mp  apic package  core thread  bsp enabled healthy  "
		   "state     nt group number  source\n");
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		mp_refresh(m, c);
		row(c);
	}
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		place(c, group, number);
		con_trace("cpu mp=%u apic=%u package=%u core=%u thread=%u "
			  "state=%s signature=0x%08x group=%s number=%s "
			  "source=%s", c->mp, c->mp_apic, c->package, c->core,
			  c->thread, cpu_state_name(c->state), c->signature,
			  group, number, source(c));
	}
}

/*
 * The first slot plugged in at runtime and present now, or -1. MP
 * Services do not know such a processor, yet their StartupAllAPs wakes
 * every AP by broadcast (EDK2: MpLib.c, WakeUpAP), which would run the
 * firmware's AP code on it as nobody: the simulator calls no
 * StartupAllAPs while one is there.
 */
int
cpu_plugged_present(const struct machine *m)
{
	uint32_t n;

	for (n = m->ncpu; n < m->nslot; n++)
		if (m->cpu[n].state != CPU_ABSENT)
			return (int)n;
	return -1;
}
