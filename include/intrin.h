/*
 * intrin.h: the compiler intrinsics MSVC declares here (__cpuid,
 * __cpuidex, __rdtsc, __readmsr, __writemsr, _mm_pause, ...). Drivers
 * that include it, as hypervisor drivers do, get the simulator's
 * definitions, which live in wdm.h with the rest of the WDK.
 */
#ifndef HOTADD_INTRIN_H
#define HOTADD_INTRIN_H

#include <wdm.h>

#endif
