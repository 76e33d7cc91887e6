/*
 * giveback.c: processors the simulator started itself go back to the
 * firmware: parked by INIT (wait-for-SIPI), enabled again in MP Services,
 * and, at exit, proved reachable. And before any of that, whether the
 * firmware can reach a parked processor at all.
 */
#include "con.h"
#include "cpu.h"

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
void
giveback_probe(struct machine *m)
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
	m->start_native = m->boot_native = 0;
	con_printf("This firmware wakes an idle AP in %lu us, by a memory "
		   "write (an MWAIT or run loop), not by INIT: a processor "
		   "parked by INIT would never answer it again, so its "
		   "processors are started through MP Services (only "
		   "plugged ones natively).\n", us);
}

/*
 * A processor started natively goes back parked (INIT), and enabled in
 * MP Services if they know it, so the firmware's next wake-up (INIT-SIPI-
 * SIPI in its HLT loop mode) reaches it as before.
 */
void
giveback_one(struct machine *m, struct cpu *c)
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
void
giveback_check(struct machine *m)
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
