/*
 * clock.c: wall time from the time stamp counter (see clock.h). The
 * firmware's Stall is the only clock UEFI promises; one 10 ms Stall at
 * start calibrates the TSC, which APs can read too.
 */
#include "clock.h"
#include "cpu.h"
#include "x86.h"

static uint64_t per_ms = 1;
static uint64_t t0;		/* TSC at clock_init: the simulator's t = 0 */

void
clock_init(void)
{
	t0 = cpu_rdtsc();
	mp_stall(10000);
	per_ms = (cpu_rdtsc() - t0) / 10;
	if (per_ms == 0)
		per_ms = 1;
}

uint64_t
clock_cycles(uint64_t ms)
{
	return ms * per_ms;
}

uint64_t
clock_us(uint64_t cycles)
{
	return cycles * 1000 / per_ms;
}

uint64_t
clock_at_us(uint64_t tsc)
{
	return tsc > t0 ? clock_us(tsc - t0) : 0;
}

uint64_t
clock_now_us(void)
{
	return clock_at_us(cpu_rdtsc());
}
