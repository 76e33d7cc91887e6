/*
 * cpu.h: the simulator's view of each processor, indexed by MP Services
 * number, and of the machine. An AP never calls the firmware; everything
 * it has to say goes through its struct cpu, which the BSP reads.
 */
#ifndef EFI_CPU_H
#define EFI_CPU_H

#include <efi.h>
#include <stddef.h>
#include "mp.h"
#include "offsets.h"

#define NO_INDEX 0xffffffffu

enum cpu_state { CPU_BSP, CPU_ONLINE, CPU_HELD, CPU_FAILED, CPU_STARTING };

/* What an AP reports (struct cpu.report). */
enum { AP_NONE, AP_ONLINE, AP_BAD_APIC, AP_STOPPED };

struct cpu {
	/* Written by arch/x86/apentry.asm before any C runs on the AP. */
	volatile UINT32 apic;
	volatile UINT32 signature;
	volatile UINT64 tsc_entry;
	/* AP to BSP, and BSP to AP. */
	volatile UINT32 report;
	volatile UINT32 stop;
	/* BSP only. */
	UINT32 mp;			/* MP Services processor number */
	UINT32 mp_apic;			/* APIC id MP Services reported */
	UINT32 package, core, thread;
	UINT32 flags;			/* StatusFlag */
	UINT32 index;			/* NT index, or NO_INDEX */
	enum cpu_state state;
	EFI_EVENT done;			/* signalled when ap_entry returns */
	BOOLEAN running;		/* started, done not yet seen */
	UINT64 tsc_start, tsc_online;
};

_Static_assert(offsetof(struct cpu, apic) == CPU_APIC, "offsets.h");
_Static_assert(offsetof(struct cpu, signature) == CPU_SIGNATURE, "offsets.h");
_Static_assert(offsetof(struct cpu, tsc_entry) == CPU_TSC_ENTRY, "offsets.h");

struct machine {
	EFI_MP_SERVICES_PROTOCOL *mp;	/* NULL: the BSP runs alone */
	struct cpu *cpu;		/* cpu[n] for MP number n */
	UINT32 ncpu;
	UINT32 bsp;			/* MP number of the BSP */
};

extern struct machine machine;

/* mp.c */
void mp_discover(struct machine *m, int ignore_mp);
EFI_STATUS mp_enable(struct machine *m, struct cpu *c, BOOLEAN on);
EFI_STATUS mp_start(struct machine *m, struct cpu *c);

/* ap.c: the AP side; ap_entry is in arch/x86/apentry.asm. */
VOID EFIAPI ap_entry(VOID *cpu);

/* bringup.c */
struct options;
void bringup(struct machine *m, const struct options *o);
void bringup_stop(struct machine *m);

/* table.c */
void cpus_print(struct machine *m);
void cpus_count(struct machine *m, UINT32 *active, UINT32 *held);
const char *cpu_state_name(enum cpu_state s);

/* clock.c: time from the TSC, calibrated against the firmware's Stall. */
void clock_init(void);
UINT64 clock_cycles(UINT64 ms);
UINT64 clock_us(UINT64 cycles);

#endif
