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

#define APIC_IDT_BYTES (256 * 16)	/* 256 64-bit gates */
int apic_tick_init(uint64_t tsc_per_ms, uint8_t *idt_buf);
int apic_tick_start(struct idtr *saved);
void apic_tick_steady(void);
void apic_tick_stop(const struct idtr *saved);
void apic_tick_handler(void);
void cpu_take_pending(void);
extern uint8_t apic_x2;
extern volatile uint32_t *apic_mmio;
int apic_enter_x2(void);	/* on the BSP (--x2apic); 0 if it cannot */
int apic_init(void);	/* on the BSP: find the APIC's mode; 0 if off */
void apic_match_bsp(void);	/* on an AP: take the BSP's mode */
int apic_wake(uint32_t apic);	/* end an idle AP's sleep now */

/* icr.c: INIT and Startup IPIs to one APIC id, or to every other
 * processor (ICR_ALL); 0 if not sent. */
#define ICR_ALL 0xffffffffu
int icr_init(uint32_t apic);
int icr_startup(uint32_t apic, uint8_t vector);
int icr_fixed(uint32_t apic, uint8_t vector);

/* cpu.asm: what the trampoline copies from the BSP. */
uint64_t cpu_cr0(void);
uint64_t cpu_cr3(void);
uint64_t cpu_cr4(void);
void cpu_sgdt(void *gdtr);
uint16_t cpu_ds(void);
uint64_t cpu_irq_save(void);
void cpu_irq_restore(uint64_t rflags);
void cpu_fence(void);

#endif
