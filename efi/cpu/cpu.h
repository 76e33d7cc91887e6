/*
 * cpu.h: the simulator's view of each processor, indexed by slot (the MP
 * Services number for the processors MP Services knows, then those that
 * may be plugged later), and of the machine. An AP never calls the
 * firmware; everything it has to say goes through its struct cpu, which
 * the BSP reads.
 *
 * No UEFI types here: the files that bridge to the notification core
 * include <wdm.h>, whose names collide with <efi.h>. Only mp.c, acpi.c,
 * and the console and file code, talk to the firmware.
 */
#ifndef EFI_CPU_H
#define EFI_CPU_H

#include <stddef.h>
#include <stdint.h>
#include "clock.h"
#include "offsets.h"

#define MAX_CPUS 1024		/* processors the simulator can manage */
#define NO_INDEX 0xffffffffu

/* EFI_PROCESSOR_INFORMATION.StatusFlag bits (PI spec, MP Services). */
#define PROCESSOR_AS_BSP_BIT		0x1
#define PROCESSOR_ENABLED_BIT		0x2
#define PROCESSOR_HEALTH_STATUS_BIT	0x4

enum cpu_state { CPU_BSP, CPU_ONLINE, CPU_HELD, CPU_FAILED, CPU_STARTING,
		 CPU_ABSENT };	/* absent: may be plugged, is not (yet) */

/* What an AP reports (struct cpu.report). */
enum { AP_NONE, AP_ONLINE, AP_BAD_APIC, AP_STOPPED };

/* One-shot faults for the next start of a processor (`fault` command). */
enum { FAULT_NONE, FAULT_TIMEOUT, FAULT_ERROR, FAULT_APIC };

struct cpu {
	/* Written by arch/x86/apentry.asm before any C runs on the AP. */
	volatile uint32_t apic;
	volatile uint32_t signature;
	volatile uint64_t tsc_entry;
	/* AP to BSP, and BSP to AP. */
	volatile uint32_t report;
	volatile uint32_t stop;
	volatile uint32_t index;	/* NT index, or NO_INDEX */
	volatile uint32_t fault;	/* FAULT_TIMEOUT: never say online;
					 * FAULT_APIC: read a wrong APIC id */
	volatile uint32_t hotadd;	/* run the core's per-processor init */
	volatile uint64_t seen;		/* last broadcast handled (ipi.c) */
	volatile uint64_t loops;	/* idle-loop turns, for `stats` */
	volatile uint64_t wakes;	/* IPIs that woke it for work (hal.c) */
	volatile uint64_t tsc_online;	/* TSC when it said online */
	/* The thread that changes processors (affinity.c). */
	uint64_t host_rsp;		/* its loop, while the thread runs here */
	volatile uint64_t inbox;	/* the thread, handed to it to run */
	uint32_t mp_apic;		/* APIC id MP Services (or the MADT)
					   reported */
	/* BSP only. */
	uint32_t mp;			/* slot: MP Services number, if known */
	uint32_t package, core, thread;
	uint32_t flags;			/* StatusFlag */
	enum cpu_state state;
	uint32_t fault_next;		/* armed by `fault`, used by the start */
	void *done;			/* EFI_EVENT: ap_entry returned */
	uint8_t running;		/* started, done not yet seen */
	uint64_t tsc_start;		/* TSC when its start was asked */
	uint8_t plugged;		/* not at boot: plugged in (plug.c) */
	uint32_t hp_sel;		/* its slot in QEMU's hot-plug block,
					   or NO_INDEX */
	uint8_t native;			/* its last start was native.c's */
	uint32_t tslot;			/* its slot in the trampoline then */
	void *stack;			/* its stack when started natively */
};

_Static_assert(offsetof(struct cpu, apic) == CPU_APIC, "offsets.h");
_Static_assert(offsetof(struct cpu, signature) == CPU_SIGNATURE, "offsets.h");
_Static_assert(offsetof(struct cpu, tsc_entry) == CPU_TSC_ENTRY, "offsets.h");

struct machine {
	void *mp;			/* EFI_MP_SERVICES_PROTOCOL, or NULL */
	struct cpu *cpu;		/* cpu[n] for slot n */
	uint32_t ncpu;			/* slots 0..ncpu-1: MP Services' */
	uint32_t nslot;			/* then those that may be plugged */
	uint32_t room;			/* slots cpu[] has room for */
	uint32_t bsp;			/* MP number of the BSP */
	uint64_t ap_timeout;		/* in TSC cycles */
	uint64_t bringup_cycles;	/* boot: first start to last online */
	uint8_t start_native;		/* --start native */
	uint8_t boot_native;		/* --boot native */
	uint32_t init_us, sipi_us;	/* --init-delay-us, --sipi-delay-us */
	uint64_t native_wait;		/* their sum, in TSC cycles */
};

extern struct machine machine;

/* mp.c: the firmware's MP Services; statuses are EFI_STATUS values. */
void mp_discover(struct machine *m, int ignore_mp);
uint64_t mp_enable(struct machine *m, struct cpu *c, int on);
uint64_t mp_start(struct machine *m, struct cpu *c);
uint64_t mp_start_all(struct machine *m, uint32_t *count);
void mp_refresh(struct machine *m, struct cpu *c);
int mp_done(struct cpu *c);	/* has c's ap_entry returned? */
uint64_t mp_time_all_empty(struct machine *m);	/* StartupAllAPs, cycles */
int mp_reach_all(struct machine *m, uint32_t *enabled);
uint64_t mp_wake_us(struct machine *m, uint32_t n);
void mp_stall(unsigned us);

/* giveback.c: the firmware's processors back from a native start. */
void giveback_probe(struct machine *m);
void giveback_one(struct machine *m, struct cpu *c);
void giveback_check(struct machine *m);

/* bringup.c */
struct options;
void bringup(struct machine *m, const struct options *o);
int cpu_settle(struct cpu *c);
void cpu_print_online(struct cpu *c);
int cpu_reclaim(struct cpu *c, uint64_t deadline);
void bringup_stop(struct machine *m);
int bringup_pause(struct machine *m);
void bringup_resume(struct machine *m);

/* bench.c: --bench (bring-up against StartupAllAPs) and `bench`. */
void bench_bringup_baseline(struct machine *m);
void bench_bringup(struct machine *m);

/* check.c: the MP Services self-check; 1 when every check passes. */
int check_run(struct machine *m);

/* start.c: start a held processor at runtime (the core's backend). */
enum { HOTADD_OK, HOTADD_TIMEOUT, HOTADD_ERROR };
int cpu_hotadd(struct machine *m, struct cpu *c, uint32_t index);
uint64_t cpu_bare_start(struct machine *m, struct cpu *c);
struct cpu *cpu_by_apic(struct machine *m, uint32_t apic);
struct cpu *cpu_by_index(struct machine *m, uint32_t i);
int cpu_starts_native(const struct machine *m, const struct cpu *c);

/* sipi.c: INIT-SIPI-SIPI with the SDM's waits (or the options'); at[k]
 * gets the TSC of each IPI sent to b[k] (0: not sent); work(b, n) runs in
 * the INIT wait. all: one broadcast to every processor but this one. */
int sipi_send(struct cpu **b, uint32_t n, uint64_t (*at)[3],
	      void (*work)(struct cpu **, uint32_t), uint8_t vector, int all);
void sipi_trace(struct cpu **b, uint32_t n, uint64_t (*at)[3],
		uint8_t vector, int all);

/* native.c: the simulator's own start, INIT-SIPI-SIPI to the trampoline. */
int native_launch(struct machine *m, struct cpu *c);	/* HOTADD_* */
void native_boot(struct machine *m);	/* every CPU_STARTING native one */
int native_outcome(struct cpu *c);	/* after the wait: HOTADD_* */
int native_stop(struct cpu *c, uint64_t deadline);
void native_park(struct cpu *c);
int native_release(void);	/* 1 if native starts were made */

/* uefi.c: pages below 1 MiB (0 if none), and giving them back. */
uint64_t uefi_low_pages(unsigned n);
void uefi_free_pages(uint64_t a, unsigned n);

/* plug.c: processors plugged into the running machine (QEMU). */
void plug_discover(struct machine *m, const struct options *o);
void plug_poll(void);		/* on the BSP, often: rate-limited */
void plug_report(struct cpu *c, int added);

/* table.c */
void cpus_print(struct machine *m);
void cpus_count(struct machine *m, uint32_t *active, uint32_t *held,
		uint32_t *absent);
const char *cpu_state_name(enum cpu_state s);
int cpu_plugged_present(const struct machine *m);


#endif
