/*
 * bringup.c: boot-time bring-up. Held processors are disabled in MP
 * Services, so the firmware never dispatches to them until the simulator
 * hot-adds them; every other AP is started in the simulator's own loop
 * (ap.c) and must report online within --ap-timeout-ms. The BSP is NT
 * index 0; online APs get 1..k in MP Services order.
 */
#include <efi.h>
#include "uefi.h"
#include "con.h"
#include "cpu.h"
#include "list.h"
#include "opt.h"
#include "x86.h"

#define STOP_TIMEOUT_MS 2000

static BOOLEAN
is_ap(struct machine *m, UINT32 n)
{
	return n != m->bsp && m->cpu[n].state != CPU_FAILED;
}

/* --hold N takes the last N APs; --hold-mp adds the ones it names. */
static void
choose_held(struct machine *m, const struct options *o)
{
	UINT32 aps = 0, want = o->hold, n;

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
	for (n = 0; n < MAX_CPUS; n++) {
		if (!list_has(o->hold_mp, n))
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

static void
launch(struct machine *m, struct cpu *c)
{
	EFI_STATUS s;

	if (c->state == CPU_HELD) {
		s = mp_enable(m, c, FALSE);
		if (EFI_ERROR(s))
			con_error("EnableDisableAP(%u, FALSE) failed (status "
				  "%lx); it stays held", c->mp, (UINT64)s);
		return;
	}
	if (!(c->flags & PROCESSOR_HEALTH_STATUS_BIT)) {
		con_printf("mp %u failed its self-test: not started\n", c->mp);
		c->state = CPU_FAILED;
		return;
	}
	s = mp_start(m, c);
	if (EFI_ERROR(s)) {
		con_error("StartupThisAP(%u) failed (status %lx): processor "
			  "marked failed", c->mp, (UINT64)s);
		c->state = CPU_FAILED;
		return;
	}
	c->state = CPU_STARTING;
}

/* Settle one starting AP; returns 1 while it is still pending. */
static int
settle(struct cpu *c, UINT64 timeout)
{
	UINT32 r = __atomic_load_n(&c->report, __ATOMIC_ACQUIRE);
	UINT64 now = cpu_rdtsc();

	if (r == AP_ONLINE) {
		c->tsc_online = now;
		c->state = CPU_ONLINE;
		con_printf("mp %u online in %lu us (first instruction after "
			   "%lu us)\n", c->mp, clock_us(now - c->tsc_start),
			   clock_us(c->tsc_entry - c->tsc_start));
	} else if (r == AP_BAD_APIC) {
		c->state = CPU_FAILED;
		con_error("mp %u reads APIC id %u but MP Services reported %u: "
			  "processor marked failed", c->mp, c->apic, c->mp_apic);
	} else if (now - c->tsc_start > timeout) {
		c->stop = 1;	/* should it arrive late, it leaves at once */
		c->state = CPU_FAILED;
		con_error("mp %u did not come online within %lu ms: processor "
			  "marked failed", c->mp, clock_us(timeout) / 1000);
	} else {
		return 1;
	}
	return 0;
}

void
bringup(struct machine *m, const struct options *o)
{
	UINT64 timeout = clock_cycles(o->ap_timeout_ms);
	UINT32 n, pending, index = 1;

	if (m->mp == NULL)
		return;
	choose_held(m, o);
	for (n = 0; n < m->ncpu; n++)
		if (is_ap(m, n))
			launch(m, &m->cpu[n]);
	do {
		pending = 0;
		for (n = 0; n < m->ncpu; n++)
			if (m->cpu[n].state == CPU_STARTING)
				pending += settle(&m->cpu[n], timeout);
		cpu_pause();
	} while (pending);
	for (n = 0; n < m->ncpu; n++)
		if (m->cpu[n].state == CPU_ONLINE)
			m->cpu[n].index = index++;
}

/* Wait for the firmware to signal that c's ap_entry has returned. */
static BOOLEAN
wait_done(struct cpu *c, UINT64 deadline)
{
	while (uefi_call_wrapper(BS->CheckEvent, 1, c->done) != EFI_SUCCESS) {
		if (cpu_rdtsc() > deadline)
			return FALSE;
		uefi_call_wrapper(BS->Stall, 1, 1000);
	}
	c->running = FALSE;
	return TRUE;
}

/*
 * Tell every AP loop to stop and see each one stop, then give the held
 * processors back to the firmware enabled, as it had them.
 */
void
bringup_stop(struct machine *m)
{
	UINT64 deadline = cpu_rdtsc() + clock_cycles(STOP_TIMEOUT_MS);
	UINT32 n, stopped = 0, stuck = 0;
	struct cpu *c;

	for (n = 0; n < m->ncpu; n++)
		__atomic_store_n(&m->cpu[n].stop, 1, __ATOMIC_RELEASE);
	for (n = 0; n < m->ncpu; n++) {
		c = &m->cpu[n];
		if (!c->running)
			continue;
		if (wait_done(c, deadline)) {
			stopped++;
		} else {
			stuck++;
			con_error("mp %u did not stop within %u ms", n,
				  STOP_TIMEOUT_MS);
		}
	}
	for (n = 0; n < m->ncpu; n++)
		if (m->cpu[n].state == CPU_HELD)
			mp_enable(m, &m->cpu[n], TRUE);
	con_printf("%u AP loops stopped%s\n", stopped,
		   stuck ? ", some did not" : "");
}
