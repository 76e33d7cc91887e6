/*
 * clock.c: wall time from the time stamp counter. The firmware's Stall is
 * the only clock UEFI promises; one 10 ms Stall at start calibrates the
 * TSC, which APs can read too (it is invariant on anything recent and on
 * QEMU).
 */
#include <efi.h>
#include "uefi.h"
#include "cpu.h"
#include "x86.h"

static UINT64 per_ms = 1;

void
clock_init(void)
{
	UINT64 t0 = cpu_rdtsc();

	uefi_call_wrapper(BS->Stall, 1, 10000);
	per_ms = (cpu_rdtsc() - t0) / 10;
	if (per_ms == 0)
		per_ms = 1;
}

UINT64
clock_cycles(UINT64 ms)
{
	return ms * per_ms;
}

UINT64
clock_us(UINT64 cycles)
{
	return cycles * 1000 / per_ms;
}
