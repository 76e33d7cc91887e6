/* x86.h: x86 primitives (cpu.asm). Safe on any processor, BSP or AP. */
#ifndef ARCH_X86_X86_H
#define ARCH_X86_X86_H

#include <stdint.h>

uint64_t cpu_rdtsc(void);
void cpu_pause(void);
void cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]);
uint32_t cpu_apic_id(void);
uint64_t cpu_rdmsr(uint32_t msr);
void cpu_wrmsr(uint32_t msr, uint64_t value);
void cpu_sidt(void *idtr);
void cpu_lidt(const void *idtr);
uint16_t cpu_cs(void);
void cpu_wait_interrupt(void);
uint8_t cpu_inb(uint16_t port);
uint32_t cpu_inl(uint16_t port);
void cpu_outb(uint16_t port, uint8_t v);
void cpu_outl(uint16_t port, uint32_t v);

/* apic.c, tick.asm: a local-APIC timer tick lets an idle AP sleep (HLT)
 * instead of spinning. apic_tick_init runs once on the BSP; the others
 * on the AP itself. */
struct idtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

int apic_tick_init(uint64_t tsc_per_ms);
int apic_tick_start(struct idtr *saved);
void apic_tick_steady(void);
void apic_tick_stop(const struct idtr *saved);
void apic_tick_handler(void);
void cpu_take_pending(void);
extern uint8_t apic_x2;
extern volatile uint32_t *apic_mmio;

#endif
