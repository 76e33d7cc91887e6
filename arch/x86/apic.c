/*
 * apic.c: a local-APIC timer tick, so an idle AP sleeps in HLT instead of
 * spinning. A spinning AP costs a whole core; under emulation it also
 * starves the other virtual processors, the BSP included. The AP loop
 * (efi/cpu/ap.c) wakes at each tick, polls its mailbox and sleeps again.
 *
 * The AP runs on a copy of the firmware's IDT with one gate added, so
 * exceptions still reach the firmware's handlers; the firmware's IDT is
 * back in place before the AP returns to it. Registers and bits: Intel
 * SDM Vol. 3A, chapter 11 (APIC), 11.5.4 (the APIC timer).
 */
#include <stddef.h>
#include "x86.h"

#define MSR_APIC_BASE	0x1b
#define BASE_X2APIC	(1u << 10)
#define BASE_ENABLED	(1u << 11)
#define TICK_VECTOR	0xf1	/* unused by the firmware's APs */
#define FIRST_TICKS	20	/* the first tick's delay, in ticks */

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + off/16. */
#define SPURIOUS	0x0f0
#define APIC_ON		(1u << 8)	/* SVR: APIC software enable */
#define LVT_TIMER	0x320
#define TIMER_INITIAL	0x380
#define TIMER_CURRENT	0x390
#define TIMER_DIVIDE	0x3e0
#define DIVIDE_BY_16	0x3
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)

uint8_t apic_x2;
volatile uint32_t *apic_mmio;

static uint8_t *idt;		/* APIC_IDT_BYTES, the caller's */
static struct idtr tick_idtr;
static uint64_t tsc_per_tick;	/* one tick: a millisecond */
static uint32_t count_per_tick;	/* timer counts in it, found once */
static int ready;

static uint32_t
rd(uint32_t reg)
{
	return apic_x2 ? (uint32_t)cpu_rdmsr(0x800 + reg / 16)
		       : apic_mmio[reg / 4];
}

static void
wr(uint32_t reg, uint32_t v)
{
	if (apic_x2)
		cpu_wrmsr(0x800 + reg / 16, v);
	else
		apic_mmio[reg / 4] = v;
}

/* A 64-bit interrupt gate: present, ring 0, type 0xE, no IST. */
static void
set_gate(uint8_t *g, uint64_t handler, uint16_t cs)
{
	g[0] = (uint8_t)handler, g[1] = (uint8_t)(handler >> 8);
	g[2] = (uint8_t)cs, g[3] = (uint8_t)(cs >> 8);
	g[4] = 0, g[5] = 0x8e;
	g[6] = (uint8_t)(handler >> 16), g[7] = (uint8_t)(handler >> 24);
	g[8] = (uint8_t)(handler >> 32), g[9] = (uint8_t)(handler >> 40);
	g[10] = (uint8_t)(handler >> 48), g[11] = (uint8_t)(handler >> 56);
	g[12] = g[13] = g[14] = g[15] = 0;
}

/*
 * On the BSP, once: the APIC's mode and, in xAPIC mode, where its page is
 * (IA32_APIC_BASE, SDM vol. 3A "Local APIC Status and Location"). The
 * APs share the BSP's mode: the firmware sets them all alike.
 */
int
apic_init(void)
{
	uint64_t base = cpu_rdmsr(MSR_APIC_BASE);

	if (!(base & BASE_ENABLED))
		return 0;
	apic_x2 = (base & BASE_X2APIC) != 0;
	apic_mmio = (volatile uint32_t *)(uintptr_t)(base & 0xffffff000ull);
	return 1;
}

/*
 * On the BSP, before anything else uses the APIC (--x2apic): x2APIC
 * mode, if the processor has it (CPUID.01H:ECX[21]). From xAPIC mode
 * the step is setting EXTD with EN set (SDM vol. 3A, "x2APIC State
 * Transitions"); the registers keep their values. The firmware follows:
 * EDK2's LocalApicLib (BaseXApicX2ApicLib, which OVMF uses) reads the
 * mode from IA32_APIC_BASE at each access. 1 if the BSP is in x2APIC
 * mode now, 0 if it has no x2APIC or its APIC is off.
 */
int
apic_enter_x2(void)
{
	uint32_t r[4];
	uint64_t base = cpu_rdmsr(MSR_APIC_BASE), flags;

	cpu_cpuid(1, 0, r);
	if (!(r[2] & (1u << 21)) || !(base & BASE_ENABLED))
		return 0;
	if (!(base & BASE_X2APIC)) {
		flags = cpu_irq_save();
		cpu_wrmsr(MSR_APIC_BASE, base | BASE_X2APIC);
		cpu_irq_restore(flags);
	}
	return 1;
}

/*
 * On an AP: the BSP's mode. A processor plugged in at runtime comes up
 * from reset in xAPIC mode, and with --x2apic the firmware's own APs are
 * still in it; EDK2 switches every AP to x2APIC mode, then the BSP, when
 * it needs that mode at boot (MpLib.c: CollectProcessorCount,
 * ApFuncEnableX2Apic), the simulator switches each processor it runs
 * here. The only ways into x2APIC mode are from xAPIC mode, setting EXTD
 * with EN set, so a disabled APIC is enabled first (SDM vol. 3A, "x2APIC
 * State Transitions": EN=0 with EXTD=1 is invalid, a #GP).
 */
void
apic_match_bsp(void)
{
	uint64_t base = cpu_rdmsr(MSR_APIC_BASE);

	if (!apic_x2 || (base & BASE_X2APIC))
		return;
	if (!(base & BASE_ENABLED)) {
		base |= BASE_ENABLED;
		cpu_wrmsr(MSR_APIC_BASE, base);
	}
	cpu_wrmsr(MSR_APIC_BASE, base | BASE_X2APIC);
}

/* The timer's rate is not architectural: count it against the TSC. */
static uint32_t
calibrate(void)
{
	uint64_t t0;

	wr(LVT_TIMER, LVT_MASKED | TICK_VECTOR);
	wr(TIMER_INITIAL, 0xffffffffu);
	t0 = cpu_rdtsc();
	while (cpu_rdtsc() - t0 < tsc_per_tick)
		cpu_pause();
	return 0xffffffffu - rd(TIMER_CURRENT);
}

/*
 * Count the rate once, on the BSP, if the firmware leaves the BSP's timer
 * masked (firmware that ticks with the 8254, as OVMF built with its CSM
 * does), and put the timer back as it was. Otherwise, as under Debian's
 * OVMF, whose system timer is the BSP's local-APIC timer
 * (LocalApicTimerDxe, periodic, unmasked), the first AP counts it: each
 * AP that comes online before the count is known spins a tick long,
 * which at a boot start of many APs takes the processor (under
 * emulation, the host) from the others.
 */
static void
calibrate_on_bsp(void)
{
	uint32_t lvt = rd(LVT_TIMER), initial = rd(TIMER_INITIAL);
	uint32_t divide = rd(TIMER_DIVIDE);

	if (!(lvt & LVT_MASKED))
		return;
	wr(TIMER_DIVIDE, DIVIDE_BY_16);
	count_per_tick = calibrate();
	wr(LVT_TIMER, lvt);
	wr(TIMER_DIVIDE, divide);
	wr(TIMER_INITIAL, initial);
}

/* On the BSP, once: the IDT copy, in idt_buf (APIC_IDT_BYTES), and the
 * timer's rate if it can be had here. */
int
apic_tick_init(uint64_t tsc_per_ms, uint8_t *idt_buf)
{
	struct idtr fw;
	size_t n;

	if (!apic_init() || idt_buf == NULL)
		return 0;
	idt = idt_buf;
	__builtin_memset(idt, 0, APIC_IDT_BYTES);	/* gates past the
							   firmware's: absent */
	cpu_sidt(&fw);
	n = (size_t)fw.limit + 1 < APIC_IDT_BYTES ? (size_t)fw.limit + 1
					      : APIC_IDT_BYTES;
	__builtin_memcpy(idt, (const void *)fw.base, n);
	set_gate(&idt[TICK_VECTOR * 16], (uint64_t)apic_tick_handler,
		 cpu_cs());
	tick_idtr.limit = APIC_IDT_BYTES - 1;
	tick_idtr.base = (uint64_t)idt;
	tsc_per_tick = tsc_per_ms;
	calibrate_on_bsp();
	ready = 1;
	return 1;
}

/*
 * On an AP: tick once a millisecond, the first tick only after
 * FIRST_TICKS of them (apic_tick_steady then sets the period). The APs of
 * the boot start come online within a few milliseconds of one another,
 * and the ticks of those already online would take the machine (under
 * emulation, the host: 63 APs ticking keep QEMU's TCG busy on more than
 * one host core) from those still waking. 0 if there is no APIC to use.
 */
int
apic_tick_start(struct idtr *saved)
{
	uint32_t n;

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		return 0;
	/* INIT leaves the APIC software-disabled, every LVT masked (SDM vol.
	 * 3A, "Spurious-Interrupt Vector Register"); the firmware turns it
	 * on again after its own wake-up, a processor started natively
	 * finds it off. A disabled APIC delivers no timer interrupt. */
	wr(SPURIOUS, rd(SPURIOUS) | APIC_ON);
	wr(TIMER_DIVIDE, DIVIDE_BY_16);
	n = __atomic_load_n(&count_per_tick, __ATOMIC_RELAXED);
	if (n == 0) {
		n = calibrate();
		if (n == 0)
			return 0;
		__atomic_store_n(&count_per_tick, n, __ATOMIC_RELAXED);
	}
	cpu_sidt(saved);
	cpu_lidt(&tick_idtr);
	wr(LVT_TIMER, LVT_PERIODIC | TICK_VECTOR);
	wr(TIMER_INITIAL, n * FIRST_TICKS);
	return 1;
}

/* After the first tick: a write to the initial count restarts the
 * countdown from the new value (SDM Vol. 3A, 11.5.4). */
void
apic_tick_steady(void)
{
	wr(TIMER_INITIAL, __atomic_load_n(&count_per_tick, __ATOMIC_RELAXED));
}

/*
 * Wake an AP that sleeps between ticks in its loop (ap.c), now rather
 * than at its next tick: an interrupt with the tick's own vector, which
 * its IDT copy serves. 0 when no tick runs (nothing sleeps).
 */
int
apic_wake(uint32_t apic)
{
	return __atomic_load_n(&ready, __ATOMIC_ACQUIRE) &&
	       icr_fixed(apic, TICK_VECTOR);
}

/* Stop the tick, take one already pending, give the firmware its IDT. */
void
apic_tick_stop(const struct idtr *saved)
{
	wr(LVT_TIMER, LVT_MASKED | TICK_VECTOR);
	wr(TIMER_INITIAL, 0);
	cpu_take_pending();
	cpu_lidt(saved);
}
