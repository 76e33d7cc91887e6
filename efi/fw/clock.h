/*
 * clock.h: time from the time stamp counter (clock.c), calibrated once
 * against the firmware's Stall. Safe on any processor once clock_init has
 * run on the BSP; the TSC is invariant on anything recent and on QEMU.
 */
#ifndef EFI_CLOCK_H
#define EFI_CLOCK_H

#include <stdint.h>

void clock_init(void);		/* first thing on the BSP: t = 0 is here */
uint64_t clock_cycles(uint64_t ms);
uint64_t clock_us(uint64_t cycles);
/* Microseconds from clock_init to the TSC value tsc (0 if before). */
uint64_t clock_at_us(uint64_t tsc);
/* Microseconds from clock_init to now. */
uint64_t clock_now_us(void);
/* The firmware's clock as 100 ns units since 1601-01-01 (0 if it has
 * none); BSP only. */
uint64_t clock_system_time(void);

#endif
