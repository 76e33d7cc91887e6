/*
 * offsets.h: where the AP entry (apentry.asm) stores what it reads about
 * its processor, inside struct cpu (efi/cpu/cpu.h). This header is the one
 * source of truth: the build turns it into offsets.inc for NASM, and
 * efi/cpu/cpu.h checks every value against offsetof() at compile time.
 */
#ifndef ARCH_X86_OFFSETS_H
#define ARCH_X86_OFFSETS_H

#define CPU_APIC	0	/* u32: APIC id (x2APIC id if leaf 0Bh exists) */
#define CPU_SIGNATURE	4	/* u32: CPUID.01h:EAX, family/model/stepping */
#define CPU_TSC_ENTRY	8	/* u64: time stamp counter at entry */

#endif
