/*
 * offsets.h: structure offsets shared by C and NASM. This header is the
 * one source of truth: the build turns it into offsets.inc for NASM, and
 * the C side checks every value against offsetof() at compile time
 * (efi/cpu/cpu.h, efi/cpu/tramp.h).
 */
#ifndef ARCH_X86_OFFSETS_H
#define ARCH_X86_OFFSETS_H

/* struct cpu (efi/cpu/cpu.h): what apentry.asm stores about its processor. */
#define CPU_APIC	0	/* u32: APIC id (x2APIC id if leaf 0Bh exists) */
#define CPU_SIGNATURE	4	/* u32: CPUID.01h:EAX, family/model/stepping */
#define CPU_TSC_ENTRY	8	/* u64: time stamp counter at entry */

/*
 * The trampoline pages (trampoline.asm, efi/cpu/tramp.c): TRAMP_PAGES
 * 4 KiB pages below 1 MiB. The code is copied to offset 0, where the SIPI
 * vector points (SDM vol. 3A, "MP Initialization Example": a SIPI with
 * vector VV starts the processor in real mode at VV000h); the parameter
 * block the BSP fills follows, then the slots, one per processor started
 * together (every boot AP of a 64-processor machine fits).
 */
#define TRAMP_GDT	0x800	/* 4 descriptors: null, code32, data, code64 */
#define TRAMP_GDTR	0x820	/* u16 limit, u32 base: for lgdt in real mode */
#define TRAMP_FAR32	0x828	/* u32 offset, u16 selector: into 32-bit code */
#define TRAMP_FAR64	0x830	/* u32 offset, u16 selector: into 64-bit code */
#define TRAMP_CR3	0x838	/* u64: the BSP's CR3 (must be below 4 GiB) */
#define TRAMP_CR4	0x840	/* u64: CR4 to load before paging (PAE, LA57) */
#define TRAMP_CR0	0x848	/* u64: the BSP's CR0 (PG and PE set) */
#define TRAMP_EFER	0x850	/* u64: EFER bits to set (LME, NXE) */
#define TRAMP_BSP_GDTR	0x858	/* 10 bytes: the BSP's GDT, for long mode */
#define TRAMP_BSP_IDTR	0x868	/* 10 bytes: the BSP's IDT */
#define TRAMP_BSP_CS	0x878	/* u16: the BSP's code selector */
#define TRAMP_BSP_DS	0x87a	/* u16: the BSP's data selector */
#define TRAMP_ENTRY	0x880	/* u64: the AP entry (apentry.asm) */
#define TRAMP_COUNT	0x888	/* u32: slots in use */
#define TRAMP_CR4_LONG	0x890	/* u64: the BSP's CR4, loaded in long mode */
#define TRAMP_SLOTS	0x898	/* the slots, SLOT_SIZE bytes each */
#define TRAMP_PAGES	2
#define TRAMP_END	0x2000	/* TRAMP_PAGES * 4 KiB */

/* One slot: a processor the trampoline may start, found by APIC id. */
#define SLOT_APIC	0	/* u32: APIC id of the processor */
#define SLOT_STAGE	4	/* u32: last stage reached (STAGE_*) */
#define SLOT_STOP_AT	8	/* u32: halt at this stage (a fault), or 0 */
#define SLOT_STACK	16	/* u64: top of its stack, 16-byte aligned */
#define SLOT_CPU	24	/* u64: its struct cpu, for the AP entry */
#define SLOT_TSC	32	/* u64[4]: TSC at each stage, real first */
#define SLOT_SIZE	64

/* The stages, in order. */
#define STAGE_NONE	0
#define STAGE_REAL	1	/* woke at the SIPI vector, in real mode */
#define STAGE_PROTECTED	2	/* protected mode, flat segments */
#define STAGE_LONG	3	/* paging on: IA-32e (long) mode */
#define STAGE_C		4	/* on its own stack, calling the AP entry */

/* A context cpu_switch (switch.asm) resumes: six saved registers, then
 * the return address, from the saved stack pointer up. */
#define SWITCH_FRAME	7	/* words */
#define SWITCH_RET	48	/* byte offset of the return address */

/* Selectors of the trampoline's own GDT (TRAMP_GDT). */
#define TRAMP_CODE32	0x08
#define TRAMP_DATA	0x10
#define TRAMP_CODE64	0x18

#endif
