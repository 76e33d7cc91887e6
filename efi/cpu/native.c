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

static uint8_t *page;		/* the trampoline page, once found */

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
	struct tramp_regs r;
	uint64_t a;

	if (page)
		return page;
	bsp_regs(&r);
	if (r.cr3 >> 32) {
		/* MOV CR3 in protected mode loads 32 bits (SDM vol. 3A,
		 * "Initializing IA-32e Mode"). */
		con_error("native start: the firmware's page tables are above "
			  "4 GiB (CR3 %lx); a processor in protected mode "
			  "cannot load them", r.cr3);
		return NULL;
	}
	a = uefi_low_page();
	if (a == 0) {
		con_error("native start: no free page below 1 MiB for the "
			  "trampoline");
		return NULL;
	}
	page = (uint8_t *)(uintptr_t)a;
	__builtin_memcpy(page, tramp_start, (size_t)(tramp_end - tramp_start));
	tramp_params(page, (uint32_t)a, &r,
		     (uint32_t)(tramp_pm32 - tramp_start),
		     (uint32_t)(tramp_lm64 - tramp_start));
	return page;
}

/* Send one IPI and note when, for its @icr line. */
static int
ipi(struct cpu *c, int sipi, uint64_t *at)
{
	uint8_t vector = (uint8_t)((uintptr_t)page >> 12);
	int ok = sipi ? icr_startup(c->mp_apic, vector) : icr_init(c->mp_apic);

	*at = cpu_rdtsc();
	if (!ok)
		con_error("native start: the local APIC did not send %s to "
			  "APIC id %u%s", sipi ? "the SIPI" : "INIT",
			  c->mp_apic, c->mp_apic > 0xff && !apic_x2 ?
			  " (xAPIC addresses ids up to 255)" : "");
	return ok;
}

static void
explain_ipis(struct cpu *c, int sipis)
{
	con_explain("INIT to APIC id %u: the processor resets and waits for "
		    "a SIPI; wait %u us (the SDM's 10 ms by default).",
		    c->mp_apic, machine.init_us);
	if (sipis)
		con_explain("SIPI vector 0x%02x, twice, %u us apart: it wakes "
			    "in real mode at 0x%05lx, the trampoline, which "
			    "climbs to protected then long mode, loads the "
			    "BSP's GDT, IDT and page tables, and calls the AP "
			    "entry on its own stack.",
			    (unsigned)((uintptr_t)page >> 12), machine.sipi_us,
			    (unsigned long)(uintptr_t)page);
	else
		con_explain("[injected] no SIPI is sent: the processor waits "
			    "for one that never comes.");
}

/* INIT, wait, SIPI, wait, SIPI; the injected timeout sends INIT alone. */
static int
send_ipis(struct cpu *c)
{
	int sipis = c->fault != FAULT_TIMEOUT;
	uint64_t at[3];
	int n, sent;

	explain_ipis(c, sipis);
	sent = ipi(c, 0, &at[0]);
	if (sent && sipis) {
		mp_stall(machine.init_us);
		sent = ipi(c, 1, &at[1]);
		if (sent) {
			mp_stall(machine.sipi_us);
			sent = ipi(c, 1, &at[2]);
		}
	}
	for (n = 0; n < (sipis ? 3 : 1) && sent; n++)
		con_trace_at(at[n], "icr apic=%u kind=%s vector=0x%02x",
			     c->mp_apic, n ? "sipi" : "init",
			     n ? (unsigned)((uintptr_t)page >> 12) : 0);
	return sent;
}

/*
 * Start c natively: the trampoline's slot 0 is c's. Returns HOTADD_OK
 * once the IPIs are sent; the caller waits for "online" as for any start.
 */
int
native_launch(struct machine *m, struct cpu *c)
{
	struct tramp_slot *s;

	(void)m;
	c->native = 1;
	if (trampoline() == NULL)
		return HOTADD_ERROR;
	if (c->stack == NULL)
		c->stack = mem_alloc(STACK_BYTES);
	if (c->stack == NULL) {
		con_error("native start: no memory for mp %u's stack", c->mp);
		return HOTADD_ERROR;
	}
	s = tramp_slot(page, 0);
	__builtin_memset(s, 0, sizeof *s);
	s->apic = c->mp_apic;
	s->stop_at = c->fault == FAULT_ERROR ? STAGE_REAL : STAGE_NONE;
	s->stack = ((uint64_t)(uintptr_t)c->stack + STACK_BYTES) & ~15ull;
	s->cpu = (uint64_t)(uintptr_t)c;
	tramp_use(page, 1);
	c->report = AP_NONE;
	c->stop = 0;
	c->tsc_start = cpu_rdtsc();
	return send_ipis(c) ? HOTADD_OK : HOTADD_ERROR;
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
	s = tramp_slot(page, 0);
	last = __atomic_load_n(&s->stage, __ATOMIC_ACQUIRE);
	for (n = STAGE_REAL; n <= last && n <= STAGE_C; n++) {
		con_trace_at(s->tsc[n - 1], "stage apic=%u stage=%s",
			     c->mp_apic, tramp_stage_name(n));
		con_explain("%s, %lu us after the INIT: %s", tramp_stage_name(n),
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

/*
 * Back to wait-for-SIPI, wherever it was: INIT resets the processor
 * (only the APIC id and a few MSRs survive). Its stack is free after.
 */
void
native_park(struct cpu *c)
{
	uint64_t at;

	if (ipi(c, 0, &at))
		con_trace_at(at, "icr apic=%u kind=init vector=0x00",
			     c->mp_apic);
	mem_free(c->stack);
	c->stack = NULL;
}

/* At exit, with every native processor parked: the page goes back. */
void
native_release(void)
{
	if (page)
		uefi_free_page((uint64_t)(uintptr_t)page);
	page = NULL;
}
