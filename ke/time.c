/*
 * time.c: the clocks a driver reads (WDK: KeQueryInterruptTime,
 * KeQueryTickCount, KeQueryTimeIncrement, KeQuerySystemTimePrecise,
 * KeQueryPerformanceCounter, KeStallExecutionProcessor), all from the
 * backend's microsecond clock.
 *
 * Interrupt time counts 100 ns units from ke_init (the core's boot);
 * system time is that plus the system time the simulator gave at
 * ke_init (ke_config.system_time; 1601-01-01 when it gave none). The
 * performance counter runs at 10 MHz, the frequency Windows 10 and later
 * report on most machines, in the same units as the interrupt time; its
 * resolution is the backend clock's, 1 us. A tick is 15.625 ms
 * (156250 units), Windows' default clock interval.
 */
#include "ki.h"

#define TIME_INCREMENT 156250
#define QPC_FREQUENCY 10000000

ULONGLONG KeQueryInterruptTime(VOID)
{
	return (ki.be->clock_us() - ki.t0) * 10;
}

ULONG KeQueryTimeIncrement(VOID)
{
	return TIME_INCREMENT;
}

/* KeQueryTickCount, a macro in the WDK, reads the count through here. */
ULONG64 KiQueryTickCount(VOID)
{
	return KeQueryInterruptTime() / TIME_INCREMENT;
}

VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
	CurrentTime->QuadPart = (LONGLONG)(ki.cfg.system_time +
					   KeQueryInterruptTime());
}

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
	LARGE_INTEGER now;

	if (PerformanceFrequency)
		PerformanceFrequency->QuadPart = QPC_FREQUENCY;
	now.QuadPart = (LONGLONG)KeQueryInterruptTime();
	return now;
}

/* A busy wait, as on Windows; the backend's relax keeps the firmware
 * side's reports flowing meanwhile. */
VOID KeStallExecutionProcessor(ULONG MicroSeconds)
{
	ULONG64 end = ki.be->clock_us() + MicroSeconds;

	while (ki.be->clock_us() < end)
		ki.be->relax();
}

/* The interrupt time a timeout ends at: negative is relative, positive
 * an absolute system time (one in the past ends at once). */
ULONG64 ki_deadline(LONGLONG timeout)
{
	ULONG64 now = KeQueryInterruptTime();

	if (timeout <= 0)
		return now + (0 - (ULONG64)timeout);
	return (ULONG64)timeout > ki.cfg.system_time ?
	       (ULONG64)timeout - ki.cfg.system_time : 0;
}
