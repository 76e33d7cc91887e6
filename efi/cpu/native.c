/*
 * native.c: the simulator's own start of a processor, without MP
 * Services: INIT, a wait, then two Startup IPIs whose vector names the
 * trampoline page (arch/x86/trampoline.asm), which takes the processor
 * from real mode to the same AP entry MP Services would call. The
 * sequence and its waits are the SDM's (vol. 3A, "MP Initialization
 * Example": INIT, 10 ms, SIPI, 200 us, SIPI); both waits are options,
 * since modern processors need neither (Linux's init_udelay is 0 on
 * them).
 *
 * The firmware is never told: the processor stays disabled in MP
 * Services while the simulator has it. It is given back parked (INIT:
 * wait-for-SIPI, where the firmware's HLT-loop wake-up, itself
 * INIT-SIPI-SIPI, finds it) and, if MP Services knows it, enabled again.
 */
#include "con.h"
#include "cpu.h"
#include "tok.h"
#include "tramp.h"
#include "x86.h"

#define STACK_BYTES 0x8000	/* as EDK2's PcdCpuApStackSize default */

extern char tramp_start[], tramp_pm32[], tramp_lm64[], tramp_end[];
extern char ap_entry[];

static uint8_t *page;		/* the trampoline's pages, once found */
static uint8_t *boot_stacks;	/* one block for the boot APs' stacks */

/* What the started processor loads: the BSP's own state. */
static void
bsp_regs(struct tramp_regs *r)
{
	r->cr0 = cpu_cr0();
	r->cr3 = cpu_cr3();
	r->cr4 = cpu_cr4();
	r->efer = cpu_rdmsr(0xc0000080);
	cpu_sgdt(r->gdtr);
	cpu_sidt(r->idtr);
	r->cs = cpu_cs();
	r->ds = cpu_ds();
	r->entry = (uint64_t)(uintptr_t)ap_entry;
}

/* The page, found and filled on first use; NULL with a line why not. */
static uint8_t *
trampoline(void)
{
	static int failed;	/* said once: it would fail the same again */
	struct tramp_regs r;
	uint64_t a;

	if (page || failed)
		return page;
	failed = 1;
	if (!apic_x2 && apic_mmio == NULL) {
		con_error("native start: the local APIC is off (IA32_APIC_BASE "
			  "global enable clear); no IPI can be sent");
		return NULL;
	}
	bsp_regs(&r);
	if (r.cr3 >> 32) {
		/* MOV CR3 in protected mode loads 32 bits (SDM vol. 3A,
		 * "Initializing IA-32e Mode"). */
		con_error("native start: the firmware's page tables are above "
			  "4 GiB (CR3 %lx); a processor in protected mode "
			  "cannot load them", r.cr3);
		return NULL;
	}
	a = uefi_low_pages(TRAMP_PAGES);
	if (a == 0) {
		con_error("native start: no %u free pages below 1 MiB for the "
			  "trampoline", TRAMP_PAGES);
		return NULL;
	}
	page = (uint8_t *)(uintptr_t)a;
	__builtin_memcpy(page, tramp_start, (size_t)(tramp_end - tramp_start));
	tramp_params(page, (uint32_t)a, &r,
		     (uint32_t)(tramp_pm32 - tramp_start),
		     (uint32_t)(tramp_lm64 - tramp_start));
	failed = 0;
	return page;
}

static uint8_t
vector(void)
{
	return (uint8_t)((uintptr_t)page >> 12);
}

/* Slot k of the trampoline for c: its APIC id, stack and struct cpu. */
static int
prepare(struct cpu *c, uint32_t k)
{
	struct tramp_slot *s = tramp_slot(page, k);

	__builtin_memset(s, 0, sizeof *s);
	s->apic = ICR_ALL;		/* no processor's id, until it is ready */
	c->tslot = k;
	if (!apic_x2 && c->mp_apic > 0xff) {
		con_error("native start: mp %u has APIC id %u, which xAPIC "
			  "mode cannot address (the BSP runs xAPIC)", c->mp,
			  c->mp_apic);
		return 0;
	}
	if (c->stack == NULL && boot_stacks && c->mp < machine.ncpu)
		c->stack = boot_stacks + (size_t)c->mp * STACK_BYTES;
	if (c->stack == NULL)
		c->stack = mem_alloc(STACK_BYTES);
	if (c->stack == NULL) {
		con_error("native start: no memory for mp %u's stack", c->mp);
		return 0;
	}
	s->stop_at = c->fault == FAULT_ERROR ? STAGE_REAL : STAGE_NONE;
	s->stack = ((uint64_t)(uintptr_t)c->stack + STACK_BYTES) & ~15ull;
	s->cpu = (uint64_t)(uintptr_t)c;
	s->apic = c->mp_apic;
	c->native = 1;
	c->report = AP_NONE;
	c->stop = 0;
	return 1;
}

/*
 * Start c natively. Returns HOTADD_OK once the IPIs are sent; the
 * caller waits for "online" as for any start.
 */
int
native_launch(struct machine *m, struct cpu *c)
{
	uint64_t at[1][3];
	int ok;

	(void)m;
	c->native = 0;		/* until its slot is ready */
	if (trampoline() == NULL || !prepare(c, 0))
		return HOTADD_ERROR;
	tramp_use(page, 1);
	ok = sipi_send(&c, 1, at, NULL, vector(), 0);
	if (ok)
		sipi_trace(&c, 1, at, vector(), 0);
	return ok ? HOTADD_OK : HOTADD_ERROR;
}

/*
 * In the boot APs' INIT wait: their slots, their stacks (one block for
 * all: the firmware's pool is slow enough per call to show in the
 * bring-up time), and MP Services' view of them, "disabled", so the
 * firmware never dispatches to a processor that is the simulator's.
 */
static void
boot_prepare(struct cpu **b, uint32_t n)
{
	uint32_t k;
	uint64_t s;

	if (boot_stacks == NULL)
		boot_stacks = mem_alloc((size_t)machine.ncpu * STACK_BYTES);
	for (k = 0; k < n; k++) {
		if (!prepare(b[k], k))
			b[k]->state = CPU_FAILED;
		s = machine.mp ? mp_enable(&machine, b[k], 0) : 0;
		if (s)
			con_error("EnableDisableAP(%u, FALSE) failed (status "
				  "%lx): the firmware may dispatch to it",
				  b[k]->mp, s);
	}
	tramp_use(page, n);
}

/*
 * One batch of boot APs, together, as many as the slots allow. When it
 * is every processor the machine has but the BSP (none held, failed or
 * still to be plugged), the IPIs are broadcast, as firmware does at boot
 * (EDK2: MpLib.c, WakeUpAP); a broadcast would also wake held ones.
 */
static void
boot_batch(struct cpu **b, uint32_t n)
{
	uint64_t at[TRAMP_MAX_SLOTS][3];
	int all = n == machine.ncpu - 1 && machine.nslot == machine.ncpu;
	uint32_t k, pending;

	if (!sipi_send(b, n, at, boot_prepare, vector(), all)) {
		for (k = 0; k < n; k++)
			b[k]->state = CPU_FAILED;
		return;
	}
	do {
		pending = 0;
		for (k = 0; k < n; k++)
			if (b[k]->state == CPU_STARTING)
				pending += cpu_settle(b[k]);
		cpu_pause();
	} while (pending);
	sipi_trace(b, n, at, vector(), all);
	for (k = 0; k < n; k++)
		if (native_outcome(b[k]) != HOTADD_OK) {
			native_park(b[k]);	/* a late arrival stops here */
			if (machine.mp)
				mp_enable(&machine, b[k], 1);
		}
}

/* Boot: every native CPU_STARTING AP, as many at a time as fit. */
void
native_boot(struct machine *m)
{
	struct cpu *b[TRAMP_MAX_SLOTS];
	uint32_t i, n = 0;

	for (i = 0; i < m->ncpu; i++) {
		if (m->cpu[i].state != CPU_STARTING || !m->cpu[i].native)
			continue;
		if (trampoline() == NULL) {
			m->cpu[i].state = CPU_FAILED;
			continue;
		}
		b[n++] = &m->cpu[i];
		if (n == TRAMP_MAX_SLOTS) {
			boot_batch(b, n);
			n = 0;
		}
	}
	if (n)
		boot_batch(b, n);
}

/* What the trampoline did to reach each stage (trampoline.asm). */
static const char *const stage_story[] = {
	"woke in real mode at the SIPI vector, read its APIC id with CPUID "
	"and found its slot by it",
	"loaded the page's GDT and set CR0.PE: protected mode, flat 4 GiB "
	"segments",
	"set CR4.PAE, loaded the BSP's CR3, set EFER.LME, then CR0.PG: long "
	"mode, through a far jump into a 64-bit code segment",
	"took the BSP's GDT, IDT and code segment, its own stack, and "
	"called the AP entry",
};

/*
 * After the wait: the @stage lines, and what a failed start means. No
 * stage: the processor never answered the SIPI (a timeout, as MP
 * Services would report). Stopped part way: the trampoline failed.
 */
int
native_outcome(struct cpu *c)
{
	struct tramp_slot *s;
	uint32_t last, n;

	if (page == NULL)		/* it was never sent a SIPI */
		return HOTADD_ERROR;
	s = tramp_slot(page, c->tslot);
	last = __atomic_load_n(&s->stage, __ATOMIC_ACQUIRE);
	for (n = STAGE_REAL; n <= last && n <= STAGE_C; n++) {
		con_trace_at(s->tsc[n - 1], "stage apic=%u stage=%s",
			     c->mp_apic, tramp_stage_name(n));
		if (c->hotadd)		/* the boot's would drown the story */
			con_explain("%s, %lu us after the INIT: %s",
				    tramp_stage_name(n),
				    clock_us(s->tsc[n - 1] - c->tsc_start),
				    stage_story[n - 1]);
	}
	if (c->state == CPU_ONLINE)
		return HOTADD_OK;
	if (c->report == AP_BAD_APIC)
		return HOTADD_ERROR;
	con_printf("mp %u: the last trampoline stage it reached: %s%s\n",
		   c->mp, tramp_stage_name(last),
		   c->fault == FAULT_ERROR ? " [injected]" : "");
	return last == STAGE_NONE || last == STAGE_C ? HOTADD_TIMEOUT
						      : HOTADD_ERROR;
}

/* Tell c's loop to stop and see it leave the AP entry; 0 if it did not. */
int
native_stop(struct cpu *c, uint64_t deadline)
{
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&c->report, __ATOMIC_ACQUIRE) == AP_ONLINE) {
		if (cpu_rdtsc() > deadline)
			return 0;
		cpu_pause();
	}
	return 1;
}

static int
is_boot_stack(const uint8_t *p)
{
	return boot_stacks && p >= boot_stacks &&
	       p < boot_stacks + (size_t)machine.ncpu * STACK_BYTES;
}

/*
 * Back to wait-for-SIPI, wherever it was: INIT resets the processor
 * (only the APIC id and a few MSRs survive). Its stack is free after.
 */
void
native_park(struct cpu *c)
{
	uint64_t at = cpu_rdtsc();

	if (icr_init(c->mp_apic))	/* best effort: a failure was said */
		con_trace_at(at, "icr apic=%u kind=init vector=0x00",
			     c->mp_apic);
	if (!is_boot_stack(c->stack))
		mem_free(c->stack);
	c->stack = NULL;
}

/* At exit, with every native processor parked: the pages go back.
 * Returns 1 if there were any (a native start was made). */
int
native_release(void)
{
	int used = page != NULL;

	if (page)
		uefi_free_pages((uint64_t)(uintptr_t)page, TRAMP_PAGES);
	mem_free(boot_stacks);
	page = NULL;
	boot_stacks = NULL;
	return used;
}
