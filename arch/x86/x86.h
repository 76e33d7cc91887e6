/* x86.h: x86 primitives (cpu.asm). Safe on any processor, BSP or AP. */
#ifndef ARCH_X86_X86_H
#define ARCH_X86_X86_H

#include <stdint.h>

uint64_t cpu_rdtsc(void);
void cpu_pause(void);
void cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);
uint32_t cpu_apic_id(void);

#endif
