/*
 * bringup.c: boot-time bring-up. Held processors are disabled in MP
 * Services, so the firmware never dispatches to them until the simulator
 * hot-adds them; every other AP is started in the simulator's own loop
 * (ap.c) and must report online within --ap-timeout-ms. The BSP is NT
 * index 0; online APs get 1..k in MP Services order.
 */
#include "con.h"
#include "cpu.h"
#include "list.h"
#include "opt.h"
#include "hal.h"
#include "x86.h"

#define STOP_TIMEOUT_MS 2000

static int
is_ap(struct machine *m, uint32_t n)
{
	return n != m->bsp && m->cpu[n].state != CPU_FAILED;
}

/* --hold N: the last N APs in MP Services order. */
static void
hold_last(struct machine *m, uint32_t want)
{
	uint32_t aps = 0, n;

	for (n = 0; n < m->ncpu; n++)
		aps += is_ap(m, n);
	if (want > aps) {
		con_printf("--hold %u: there are only %u application "
			   "processors; holding all of them.\n", want, aps);
		want = aps;
	}
	for (n = m->ncpu; n-- > 0 && want > 0;)
		if (is_ap(m, n)) {
			m->cpu[n].state = CPU_HELD;
			want--;
		}
}

/* --hold-mp: the APs it names. */
static void
hold_listed(struct machine *m, const uint8_t *list)
{
	uint32_t n;

	for (n = 0; n < MAX_CPUS; n++) {
		if (!list_has(list, n))
			continue;
		if (n >= m->ncpu)
			con_error("--hold-mp: there is no processor %u", n);
		else if (n == m->bsp)
			con_error("--hold-mp: %u is the BSP, it cannot be held",
				  n);
		else if (is_ap(m, n))
			m->cpu[n].state = CPU_HELD;
	}
}

/* --hold-package: every AP of those packages (the BSP stays). */
static void
hold_packages(struct machine *m, const uint8_t *list)
{
	uint32_t n, p, found;

	for (p = 0; p < MAX_CPUS; p++) {
		if (!list_has(list, p))
			continue;
		found = 0;
		for (n = 0; n < m->ncpu; n++) {
			if (m->cpu[n].package != p)
				continue;
			found++;
			if (n == m->bsp)
				con_printf("--hold-package %u: the BSP is in "
					   "it and stays active\n", p);
			else if (is_ap(m, n))
				m->cpu[n].state = CPU_HELD;
		}
		if (!found)
			con_error("--hold-package: there is no package %u", p);
	}
}

/*
 * Held processors go back to the firmware disabled, so it never
 * dispatches to them (native_boot does the same for those it starts).
 * The rest get a StartupThisAP of the AP entry.
 */
static void
launch(struct machine *m, struct cpu *c)
{
	uint64_t s = 0;

	if (c->state == CPU_HELD) {
		if (m->mp)
			s = mp_enable(m, c, 0);
		if (s)
			con_error("EnableDisableAP(%u, FALSE) failed (status "
				  "%lx); it stays held", c->mp, s);
		return;
	}
	if (!(c->flags & PROCESSOR_HEALTH_STATUS_BIT)) {
		con_printf("mp %u failed its self-test: not started\n", c->mp);
		c->state = CPU_FAILED;
		return;
	}
	if (m->boot_native) {
		c->native = 1;		/* native_boot sends the IPIs, and */
		c->state = CPU_STARTING; /* disables it in MP Services */
		return;
	}
	s = mp_start(m, c);
	if (s) {
		con_error("StartupThisAP(%u) failed (status %lx): processor "
			  "marked failed", c->mp, s);
		c->state = CPU_FAILED;
		return;
	}
	c->state = CPU_STARTING;
}

/* The AP's own times, printed once the waiting is over: the console is
 * slow enough (under emulation) to delay the BSP's noticing. */
void
cpu_print_online(struct cpu *c)
{
	con_printf("mp %u online in %lu us (first instruction after %lu us)\n",
		   c->mp, clock_us(c->tsc_online - c->tsc_start),
		   clock_us(c->tsc_entry - c->tsc_start));
}

/*
 * Settle one starting AP: online, wrong APIC id, or out of time. Returns 1
 * while it is still pending; otherwise c->state is CPU_ONLINE or
 * CPU_FAILED.
 */
int
cpu_settle(struct cpu *c)
{
	uint32_t r = __atomic_load_n(&c->report, __ATOMIC_ACQUIRE);
	uint64_t now = cpu_rdtsc();

	if (r == AP_ONLINE) {
		c->state = CPU_ONLINE;
	} else if (r == AP_BAD_APIC) {
		c->state = CPU_FAILED;
		con_error("mp %u reads APIC id %u but MP Services reported %u",
			  c->mp, c->apic, c->mp_apic);
	} else if (now - c->tsc_start > machine.ap_timeout +
		   (c->native ? machine.native_wait : 0)) {
		c->stop = 1;	/* should it arrive late, it leaves at once */
		c->state = CPU_FAILED;
		con_error("mp %u did not come online within %lu ms", c->mp,
			  clock_us(machine.ap_timeout) / 1000);
	} else {
		return 1;
	}
	return 0;
}

#define INIT_WAKE_US 2000	/* a wake by INIT takes its wait, ~10 ms */

/*
 * Before a native start of processors MP Services own: will the
 * firmware reach them again? A processor the simulator gives back is
 * parked by INIT; firmware that wakes idle APs by INIT-SIPI-SIPI (EDK2's
 * HLT loop, OVMF's) restarts it, firmware that wakes them by a memory
 * write (MWAIT or run loop) never would. The wake-up time of one idle AP
 * tells which (docs/bringup.md); the simulator then keeps to MP Services
 * for the firmware's processors.
 */
static void
probe_wake(struct machine *m)
{
	uint32_t n = m->bsp ? 0 : 1;
	uint64_t us;

	if (m->mp == NULL || m->ncpu < 2 ||
	    !(m->start_native || m->boot_native))
		return;
	us = mp_wake_us(m, n);
	con_trace("wake mp=%u us=%lu by=%s", n, us,
		  us >= INIT_WAKE_US ? "init" : "write");
	if (us >= INIT_WAKE_US || us == 0)
		return;
	m->wake_by_write = 1;
	m->start_native = m->boot_native = 0;
	con_printf("This firmware wakes an idle AP in %lu us, by a memory "
		   "write (an MWAIT or run loop), not by INIT: a processor "
		   "parked by INIT would never answer it again, so its "
		   "processors are started through MP Services (only "
		   "plugged ones natively).\n", us);
}

void
bringup(struct machine *m, const struct options *o)
{
	uint32_t n, pending, index = 1;
	struct cpu *c;
	uint64_t t0;

	m->ap_timeout = clock_cycles(o->ap_timeout_ms);
	m->start_native = o->start == START_NATIVE;
	m->boot_native = o->boot == BOOT_NATIVE;
	m->init_us = o->init_delay_us;
	m->sipi_us = o->sipi_delay_us;
	/* --ap-timeout-ms counts from the last SIPI: the waits come first */
	m->native_wait = clock_cycles(1) * (m->init_us + 2 * m->sipi_us) / 1000;
	probe_wake(m);
	if (m->mp == NULL && !(m->boot_native && m->ncpu > 1))
		return;
	hold_last(m, o->hold);
	hold_listed(m, o->hold_mp);
	hold_packages(m, o->hold_package);
	t0 = cpu_rdtsc();
	for (n = 0; n < m->ncpu; n++)
		if (is_ap(m, n))
			launch(m, &m->cpu[n]);
	if (m->boot_native)
		native_boot(m);
	do {
		pending = 0;
		for (n = 0; n < m->ncpu; n++)
			if (m->cpu[n].state == CPU_STARTING)
				pending += cpu_settle(&m->cpu[n]);
		cpu_pause();
	} while (pending);
	for (n = 0; n < m->ncpu; n++) {
		c = &m->cpu[n];
		if (c->state != CPU_ONLINE)
			continue;
		c->index = index++;
		cpu_print_online(c);
		if (c->tsc_online - t0 > m->bringup_cycles)
			m->bringup_cycles = c->tsc_online - t0;
	}
}

/*
 * A processor started natively goes back parked (INIT), and enabled in
 * MP Services if they know it, so the firmware's next wake-up (INIT-SIPI-
 * SIPI in its HLT loop mode) reaches it as before.
 */
static void
give_native_back(struct machine *m, struct cpu *c)
{
	native_park(c);
	if (m->mp && c->mp < m->ncpu)
		mp_enable(m, c, 1);
}

/*
 * After processors started natively went back to the firmware: does it
 * reach them? One StartupAllAPs of a procedure that counts the APs it
 * runs on (the give-back's proof; EDK2 wakes each enabled AP).
 */
static void
check_given_back(struct machine *m)
{
	uint32_t enabled = 0;
	int reached;

	if (cpu_plugged_present(m) >= 0) {
		con_printf("The give-back is not checked: a processor plugged "
			   "in at runtime would be woken by it, unknown to the "
			   "firmware.\n");
		return;
	}
	reached = mp_reach_all(m, &enabled);
	if (reached < 0) {
		con_error("StartupAllAPs failed after the give-back");
		return;
	}
	con_printf("The firmware reaches %d of its %u enabled application "
		   "processors after the give-back.\n", reached, enabled);
	con_trace("giveback reached=%d enabled=%u", reached, enabled);
}

/* Wait until the firmware has c back (its ap_entry returned). */
int
cpu_reclaim(struct cpu *c, uint64_t deadline)
{
	while (!mp_done(c)) {
		if (cpu_rdtsc() > deadline)
			return 0;
		mp_stall(1000);
	}
	return 1;
}

/*
 * Tell every AP loop to stop and see each one stop, then give the held
 * processors back to the firmware enabled, as it had them.
 */
void
bringup_stop(struct machine *m)
{
	uint64_t deadline = cpu_rdtsc() + clock_cycles(STOP_TIMEOUT_MS);
	uint32_t n, stopped = 0, stuck = 0;
	struct cpu *c;

	for (n = 0; n < m->nslot; n++)
		__atomic_store_n(&m->cpu[n].stop, 1, __ATOMIC_RELEASE);
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		if (c->native ? c->state != CPU_ONLINE : !c->running)
			continue;
		if (c->native ? native_stop(c, deadline)
			      : cpu_reclaim(c, deadline)) {
			stopped++;
		} else {
			stuck++;
			con_error("mp %u did not stop within %u ms", n,
				  STOP_TIMEOUT_MS);
		}
		if (c->native)
			give_native_back(m, c);
	}
	for (n = 0; m->mp && n < m->ncpu; n++)
		if (m->cpu[n].state == CPU_HELD)
			mp_enable(m, &m->cpu[n], 1);
	con_printf("%u AP loops stopped%s\n", stopped,
		   stuck ? ", some did not" : "");
	if (native_release() && m->mp)
		check_given_back(m);
}

/*
 * The self-check needs the APs idle in the firmware: stop the loops of
 * the online APs, keeping their indices, and start them again after.
 * Returns 0 (and changes nothing more) if one of them does not stop.
 */
int
bringup_pause(struct machine *m)
{
	uint64_t deadline = cpu_rdtsc() + clock_cycles(STOP_TIMEOUT_MS);
	uint32_t n, stuck = 0;
	struct cpu *c;

	for (n = 0; n < m->nslot; n++)
		if (m->cpu[n].state == CPU_ONLINE)
			__atomic_store_n(&m->cpu[n].stop, 1, __ATOMIC_RELEASE);
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		if (c->state != CPU_ONLINE)
			continue;
		if (!(c->native ? native_stop(c, deadline)
				: cpu_reclaim(c, deadline))) {
			con_error("mp %u did not stop: the check needs idle "
				  "APs", n);
			stuck++;
		} else if (c->native) {
			give_native_back(m, c);
		}
	}
	if (stuck)		/* the others run again, as they were */
		bringup_resume(m);
	return stuck == 0;
}

void
bringup_resume(struct machine *m)
{
	struct cpu *c;
	uint32_t n;

	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		if (c->state != CPU_ONLINE || c->running)
			continue;
		c->hotadd = 0;
		c->seen = ipi_seq();
		if (c->native && m->mp && c->mp < m->ncpu)
			mp_enable(m, c, 0);	/* ours again, not the firmware's */
		if (c->native ? native_launch(m, c) != HOTADD_OK
			      : mp_start(m, c) != 0)
			c->state = CPU_FAILED;
		else
			c->state = CPU_STARTING;
		while (c->state == CPU_STARTING && cpu_settle(c))
			cpu_pause();
		if (c->native)
			native_outcome(c);	/* its @stage lines */
		if (c->state == CPU_ONLINE)
			cpu_print_online(c);
	}
}
