/*
 * bringup.c: boot-time bring-up. Held processors are disabled in MP
 * Services, so the firmware never dispatches to them until the simulator
 * hot-adds them; every other AP is started, all with one StartupAllAPs
 * (or, with --boot native, by the simulator's own IPIs: native.c), in the
 * simulator's own loop (ap.c) and must report online within
 * --ap-timeout-ms. The BSP is NT index 0; online APs get 1..k in MP
 * Services order.
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
 * Decide c's part in the boot start. StartupAllAPs dispatches to every AP
 * not disabled in MP Services (EDK2 MpLib.c:StartupAllCPUsWorker), so one
 * that is not to run the loop is disabled first: a held one until it is
 * added, one that failed its self-test only until the start is under way
 * (sidelined). An AP the firmware has disabled is not started.
 */
static void
prepare(struct machine *m, struct cpu *c)
{
	uint64_t s = 0;

	if (c->state != CPU_HELD && !(c->flags & PROCESSOR_ENABLED_BIT)) {
		con_error("mp %u is disabled in MP Services: not started",
			  c->mp);
		c->state = CPU_FAILED;
		return;
	}
	if (c->state != CPU_HELD &&
	    !(c->flags & PROCESSOR_HEALTH_STATUS_BIT)) {
		con_printf("mp %u failed its self-test: not started\n", c->mp);
		c->state = CPU_FAILED;
	}
	if (c->state == CPU_HELD || c->state == CPU_FAILED) {
		if (m->mp)
			s = mp_enable(m, c, 0);
		if (s)
			con_error("EnableDisableAP(%u, FALSE) failed (status "
				  "%lx)", c->mp, s);
		return;
	}
	c->native = m->boot_native;	/* native_boot disables it in MP
					   Services as it starts it */
	c->state = CPU_STARTING;
}

static int
sidelined(struct cpu *c)
{
	return c->state == CPU_FAILED && (c->flags & PROCESSOR_ENABLED_BIT) &&
	       !(c->flags & PROCESSOR_HEALTH_STATUS_BIT);
}

/*
 * A StartupThisAP for every AP marked CPU_STARTING (mp.c); the @bringup
 * line is printed once they have settled, with the time of the first
 * call: the console is slow under emulation, and printing would take the
 * emulator from the APs being woken.
 */
static uint64_t
start_all(struct machine *m, uint32_t *count)
{
	con_explain("StartupThisAP(ap_entry, non-blocking) for every AP "
		    "that is neither held nor failed, one after another: "
		    "each call returns once its AP is awake.");
	return mp_start_all(m, count);
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

void
bringup(struct machine *m, const struct options *o)
{
	uint32_t n, pending, count = 0, index = 1;
	uint64_t t0, t1, s = 0;
	struct cpu *c;

	m->ap_timeout = clock_cycles(o->ap_timeout_ms);
	m->start_native = o->start == START_NATIVE;
	m->boot_native = o->boot == BOOT_NATIVE;
	m->init_us = o->init_delay_us;
	m->sipi_us = o->sipi_delay_us;
	/* --ap-timeout-ms counts from the last SIPI: the waits come first */
	m->native_wait = clock_cycles(1) * (m->init_us + 2 * m->sipi_us) / 1000;
	giveback_probe(m);
	if (m->mp == NULL && !(m->boot_native && m->ncpu > 1))
		return;
	hold_last(m, o->hold);
	hold_listed(m, o->hold_mp);
	hold_packages(m, o->hold_package);
	t0 = cpu_rdtsc();
	for (n = 0; n < m->ncpu; n++)
		if (is_ap(m, n))
			prepare(m, &m->cpu[n]);
	t1 = cpu_rdtsc();
	if (m->boot_native)
		native_boot(m);
	else
		s = start_all(m, &count);
	for (n = 0; m->mp && n < m->ncpu; n++)
		if (n != m->bsp && sidelined(&m->cpu[n]))
			mp_enable(m, &m->cpu[n], 1);
	do {
		pending = 0;
		for (n = 0; n < m->ncpu; n++)
			if (m->cpu[n].state == CPU_STARTING)
				pending += cpu_settle(&m->cpu[n]);
		cpu_pause();
	} while (pending);
	if (!m->boot_native)
		con_trace_at(t1, "bringup method=mp call=StartupThisAP aps=%u "
			     "status=0x%lx", count, s);
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

/* Has c left the simulator's code (and so gone back to the firmware,
 * or is about to)? */
static int
left(struct cpu *c)
{
	uint32_t r = __atomic_load_n(&c->report, __ATOMIC_ACQUIRE);

	return r == AP_STOPPED || r == AP_BAD_APIC;
}

/*
 * Wait until deadline for every started AP to be back in the firmware;
 * returns how many are not. Each is named unless it has left the
 * simulator's code: an AP of the boot start is back only when all of them
 * are (mp.c:mp_done), and is not blamed for another's delay.
 */
static uint32_t
reclaim_all(struct machine *m, uint64_t deadline, const char *why)
{
	uint32_t n, late = 0;
	struct cpu *c;

	for (n = 0; n < m->ncpu; n++) {
		c = &m->cpu[n];
		if (cpu_reclaim(c, deadline))
			continue;
		late++;
		if (!left(c))
			con_error("mp %u did not stop within %u ms%s", n,
				  STOP_TIMEOUT_MS, why);
	}
	return late;
}

/*
 * Tell every AP loop to stop and see each one stop, then give the held
 * processors back to the firmware enabled, as it had them.
 */
void
bringup_stop(struct machine *m)
{
	uint64_t deadline = cpu_rdtsc() + clock_cycles(STOP_TIMEOUT_MS);
	uint32_t n, running = 0, late;
	struct cpu *c;

	for (n = 0; n < m->nslot; n++) {
		__atomic_store_n(&m->cpu[n].stop, 1, __ATOMIC_RELEASE);
		running += m->cpu[n].running;
	}
	late = reclaim_all(m, deadline, "");
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		if (!c->native || c->state != CPU_ONLINE)
			continue;
		running++;
		if (!native_stop(c, deadline)) {
			late++;
			con_error("mp %u did not stop within %u ms", n,
				  STOP_TIMEOUT_MS);
		}
		giveback_one(m, c);
	}
	for (n = 0; m->mp && n < m->ncpu; n++)
		if (m->cpu[n].state == CPU_HELD)
			mp_enable(m, &m->cpu[n], 1);
	con_printf("%u AP loops stopped%s\n", running - late,
		   late ? ", some did not" : "");
	if (native_release() && m->mp)
		giveback_check(m);
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
	uint32_t n, late;
	struct cpu *c;

	for (n = 0; n < m->nslot; n++)
		if (m->cpu[n].state == CPU_ONLINE)
			__atomic_store_n(&m->cpu[n].stop, 1, __ATOMIC_RELEASE);
	late = reclaim_all(m, deadline, ": the check needs idle APs");
	for (n = 0; n < m->nslot; n++) {
		c = &m->cpu[n];
		if (!c->native || c->state != CPU_ONLINE)
			continue;
		if (native_stop(c, deadline)) {
			giveback_one(m, c);
			continue;
		}
		con_error("mp %u did not stop: the check needs idle APs", n);
		late++;
	}
	if (late)		/* the others run again, as they were */
		bringup_resume(m);
	return late == 0;
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
