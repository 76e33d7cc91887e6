/*
 * tramp.h: the trampoline page's parameter block (arch/x86/offsets.h has
 * the offsets, trampoline.asm the code that reads it). Plain C, no
 * firmware: the host tests fill a page and read it back.
 */
#ifndef EFI_CPU_TRAMP_H
#define EFI_CPU_TRAMP_H

#include <stddef.h>
#include <stdint.h>
#include "offsets.h"

/* What the BSP runs with, and what the started processor must load. */
struct tramp_regs {
	uint64_t cr0, cr3, cr4, efer;
	uint8_t gdtr[10], idtr[10];	/* as SGDT / SIDT store them */
	uint16_t cs, ds;
	uint64_t entry;			/* the AP entry (apentry.asm) */
};

struct tramp_slot {
	uint32_t apic;
	volatile uint32_t stage;
	uint32_t stop_at;
	uint32_t pad;
	uint64_t stack;
	uint64_t cpu;
	volatile uint64_t tsc[4];	/* TSC at each stage, real first */
};

_Static_assert(offsetof(struct tramp_slot, apic) == SLOT_APIC, "offsets.h");
_Static_assert(offsetof(struct tramp_slot, stage) == SLOT_STAGE, "offsets.h");
_Static_assert(offsetof(struct tramp_slot, stop_at) == SLOT_STOP_AT,
	       "offsets.h");
_Static_assert(offsetof(struct tramp_slot, stack) == SLOT_STACK, "offsets.h");
_Static_assert(offsetof(struct tramp_slot, cpu) == SLOT_CPU, "offsets.h");
_Static_assert(offsetof(struct tramp_slot, tsc) == SLOT_TSC, "offsets.h");
_Static_assert(sizeof(struct tramp_slot) == SLOT_SIZE, "offsets.h");

#define TRAMP_MAX_SLOTS ((TRAMP_END - TRAMP_SLOTS) / SLOT_SIZE)

/* EFER and CR4 bits (SDM vol. 3A, "Control Registers"). */
#define EFER_LME	(1ull << 8)
#define EFER_NXE	(1ull << 11)
#define CR4_PAE		(1ull << 5)
#define CR4_LA57	(1ull << 12)
#define CR4_PCIDE	(1ull << 17)

/*
 * Fill the parameter block of page, whose linear address is base (below
 * 1 MiB), for code whose 32- and 64-bit parts start at offsets pm32 and
 * lm64. No slot is in use after it.
 */
void tramp_params(uint8_t *page, uint32_t base, const struct tramp_regs *r,
		  uint32_t pm32, uint32_t lm64);
struct tramp_slot *tramp_slot(uint8_t *page, uint32_t n);
void tramp_use(uint8_t *page, uint32_t count);	/* slots 0..count-1 */
const char *tramp_stage_name(uint32_t stage);

#endif
