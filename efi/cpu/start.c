/*
 * start.c: starting a held processor at runtime, the backend half of
 * KeStartDynamicProcessor (docs/architecture.md, "The add path, step by
 * step", step 4). The processor was
 * disabled in MP Services at boot; it is enabled, started with a
 * non-blocking StartupThisAP of the same AP entry as at boot, and must say
 * online within --ap-timeout-ms. If it does not, it is stopped, handed back
 * to the firmware disabled, and stays held so it can be tried again. One
 * that reads another APIC id than the firmware reported is not the
 * processor the firmware described: it is handed back too, but marked
 * failed, as the boot bring-up marks it (bringup.c), and never started
 * again.
 */
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "x86.h"

#define RECLAIM_MS 1000		/* > EDK2's 100 ms completion poll */

/* The numbered processor (active, or being added) with this APIC id. */
struct cpu *
cpu_by_apic(struct machine *m, uint32_t apic)
{
	uint32_t n;

	for (n = 0; n < m->nslot; n++)
		if (m->cpu[n].apic == apic && m->cpu[n].index != NO_INDEX)
			return &m->cpu[n];
	return NULL;
}

/* The numbered processor (active, or being added) with NT index i. */
struct cpu *
cpu_by_index(struct machine *m, uint32_t i)
{
	uint32_t n;

	for (n = 0; n < m->nslot; n++)
		if (m->cpu[n].index == i)
			return &m->cpu[n];
	return NULL;
}

/*
 * Undo a start that failed, whichever step failed: the processor stays
 * held, and goes back to the firmware disabled. A processor still inside
 * the AP entry (told to stop, not yet seen to return: a slow machine)
 * must not be disabled yet, or EDK2 never reports its return; it stays
 * enabled until a later start or the exit sees it back.
 */
static void
give_back(struct machine *m, struct cpu *c)
{
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	c->index = NO_INDEX;
	c->state = CPU_HELD;
	if (c->native) {
		native_park(c);	/* it never left the firmware's "disabled" */
		return;
	}
	if (m->mp == NULL || c->mp >= m->ncpu)
		return;		/* not MP Services': nothing was started */
	if (!cpu_reclaim(c, cpu_rdtsc() + clock_cycles(RECLAIM_MS))) {
		con_printf("mp %u has not returned to the firmware yet; it "
			   "stays enabled until it does\n", c->mp);
		return;
	}
	con_explain("EnableDisableAP(%u, FALSE): the firmware takes mp %u "
		    "back, disabled, as it was before the add.", c->mp, c->mp);
	mp_enable(m, c, 0);
}

/* Natively: when asked, and when MP Services cannot (a processor they
 * never saw, or no MP Services at all). */
int
cpu_starts_native(const struct machine *m, const struct cpu *c)
{
	return m->start_native || c->plugged || m->mp == NULL;
}

static int
launch(struct machine *m, struct cpu *c)
{
	uint64_t s;

	if (cpu_starts_native(m, c))
		return native_launch(m, c);
	c->native = 0;
	if (!cpu_reclaim(c, cpu_rdtsc() + clock_cycles(RECLAIM_MS))) {
		con_error("mp %u is still busy from its last start; try again "
			  "later", c->mp);
		return HOTADD_ERROR;
	}
	con_explain("EnableDisableAP(%u, TRUE): MP Services may dispatch to "
		    "mp %u again.", c->mp, c->mp);
	s = mp_enable(m, c, 1);
	if (s) {
		con_error("EnableDisableAP(%u, TRUE) failed (status %lx)",
			  c->mp, s);
		return HOTADD_ERROR;
	}
	if (c->fault == FAULT_ERROR) {
		s = 0x8000000000000007ul;	/* EFI_DEVICE_ERROR */
	} else {
		con_explain("StartupThisAP(%u, non-blocking): the firmware "
			    "wakes the processor and returns once it runs. "
			    "Where idle APs halt (OVMF) that is INIT, a 10 ms "
			    "wait and two SIPIs: the processor restarts in "
			    "real mode and climbs to long mode on a firmware "
			    "stack; where they wait in MWAIT, a memory write. "
			    "Then it calls the simulator's AP entry.", c->mp);
		s = mp_start(m, c);
	}
	if (s) {
		con_error("StartupThisAP(%u) failed (status %lx)%s", c->mp, s,
			  c->fault == FAULT_ERROR ? " [injected]" : "");
		return HOTADD_ERROR;
	}
	return HOTADD_OK;
}

int
cpu_hotadd(struct machine *m, struct cpu *c, uint32_t index)
{
	int r, bad = 0;

	c->fault = c->fault_next;	/* one-shot */
	c->fault_next = FAULT_NONE;
	c->index = index;
	c->hotadd = 1;
	c->seen = ipi_seq();		/* no stale broadcast for it */
	r = launch(m, c);
	if (r == HOTADD_OK) {
		c->state = CPU_STARTING;
		while (cpu_settle(c))
			cpu_pause();
		bad = c->state != CPU_ONLINE && c->report == AP_BAD_APIC;
		r = c->state == CPU_ONLINE ? HOTADD_OK :
		    bad ? HOTADD_ERROR : HOTADD_TIMEOUT;
		if (c->native)
			r = native_outcome(c);
	}
	c->fault = FAULT_NONE;
	if (r != HOTADD_OK) {
		give_back(m, c);
		if (bad) {
			c->state = CPU_FAILED;
			con_printf("mp %u is marked failed\n", c->mp);
		}
		return r;
	}
	cpu_print_online(c);
	con_explain("mp %u ran the core's per-processor initialisation "
		    "(KiInitializeDynamicProcessor) as NT index %u and said "
		    "online; it now polls its mailbox.", c->mp, index);
	return HOTADD_OK;
}

/*
 * The baseline of `bench`: the same enable, the same AP entry and the
 * same wait as a hot-add, with no notification and no core. Returns the
 * cycles from EnableDisableAP to "online", or 0; c is held again after.
 */
uint64_t
cpu_bare_start(struct machine *m, struct cpu *c)
{
	uint64_t t0 = cpu_rdtsc(), t;

	c->fault = FAULT_NONE;
	c->hotadd = 0;
	c->seen = ipi_seq();
	if (launch(m, c) != HOTADD_OK) {
		give_back(m, c);
		return 0;
	}
	c->state = CPU_STARTING;
	while (cpu_settle(c))
		cpu_pause();
	t = c->state == CPU_ONLINE ? cpu_rdtsc() - t0 : 0;
	give_back(m, c);
	return t;
}
