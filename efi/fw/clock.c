/*
 * clock.c: wall time from the time stamp counter (see clock.h). The
 * firmware's Stall is the only clock UEFI promises; one 10 ms Stall at
 * start calibrates the TSC, which APs can read too.
 */
#include "clock.h"
#include "cpu.h"
#include "uefi.h"
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

/* Days from 0000-03-01 in the proleptic Gregorian calendar, years
 * starting in March so the leap day comes last; 1601-01-01 is 584694. */
static uint64_t
days(uint64_t y, uint64_t m, uint64_t d)
{
	y -= m <= 2;
	m = m <= 2 ? m + 9 : m - 3;
	return 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1;
}

/*
 * The firmware's real-time clock (UEFI spec, GetTime) in Windows' system
 * time units: 100 ns since 1601-01-01. The time zone is not applied: the
 * clock is taken as UTC, which is what QEMU's RTC keeps by default.
 */
uint64_t
clock_system_time(void)
{
	EFI_TIME t;
	uint64_t s;

	if (EFI_ERROR(uefi_call_wrapper(RT->GetTime, 2, &t, NULL)))
		return 0;
	s = (days(t.Year, t.Month, t.Day) - 584694) * 86400 +
	    t.Hour * 3600 + t.Minute * 60 + t.Second;
	return s * 10000000 + t.Nanosecond / 100;
}
