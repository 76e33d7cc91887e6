/*
 * sipi.c: the start-up sequence of the native start (native.c), INIT,
 * a wait, SIPI, a wait, SIPI, a wait, to one processor, to several, or
 * broadcast, with the @icr lines it leaves. The waits are the SDM's by
 * default (vol. 3A, "MP Initialization Example": 10 ms after INIT, 200
 * us after each SIPI) and measured on the TSC the trace is stamped with;
 * tests/native/test_sipi.c runs it against a simulated clock.
 *
 * A SIPI's vector is the page number of the code it starts (real mode,
 * CS = vector << 8, IP = 0), so the vector says where: the trampoline.
 */
#include "con.h"
#include "cpu.h"
#include "x86.h"

/* A SIPI with this vector to apic (or ICR_ALL), or INIT for vector 0
 * (page 0 is never the trampoline's); 0 with a line if it was not sent. */
static int
ipi(uint32_t apic, uint8_t vector)
{
	int ok = vector ? icr_startup(apic, vector) : icr_init(apic);

	if (!ok)
		con_error("native start: the local APIC did not send %s to "
			  "APIC id %u%s", vector ? "a SIPI" : "INIT", apic,
			  apic > 0xff && !apic_x2 ?
			  " (xAPIC addresses ids up to 255)" : "");
	return ok;
}

static void
explain_ipis(uint32_t n, const struct cpu *c, uint8_t vector)
{
	con_explain("INIT to %s %u: the processor%s reset%s and wait%s for a "
		    "SIPI; wait %u us (the SDM's 10 ms by default). Each IPI "
		    "is %s.", n > 1 ? "the boot APs, all" : "APIC id",
		    n > 1 ? n : c->mp_apic, n > 1 ? "s" : "",
		    n > 1 ? "" : "s", n > 1 ? "" : "s", machine.init_us,
		    apic_x2 ? "one write of MSR 0x830 (x2APIC mode)"
			    : "two writes of the ICR in the APIC's page (xAPIC "
			      "mode)");
	if (c->fault == FAULT_TIMEOUT)
		con_explain("[injected] no SIPI is sent: the processor waits "
			    "for one that never comes.");
	else
		con_explain("SIPI vector 0x%02x, twice, %u us apart: the "
			    "processor wakes in real mode at 0x%05lx, the "
			    "trampoline, which climbs to protected then long "
			    "mode, loads the BSP's GDT, IDT and page tables, "
			    "and calls the AP entry on its own stack.",
			    vector, machine.sipi_us, (unsigned long)vector << 12);
}

/*
 * Wait us microseconds from the TSC value since (work may have used
 * some). The firmware's Stall does most of it; its timebase is not quite
 * the TSC the trace is stamped with, so the end is the TSC's.
 */
static void
wait_from(uint64_t since, uint32_t us)
{
	uint64_t spent = clock_us(cpu_rdtsc() - since);

	if (spent < us)
		mp_stall(us - (uint32_t)spent);
	while (us && clock_us(cpu_rdtsc() - since) <= us)
		cpu_pause();
}

/*
 * INIT to every processor of b, one wait, the first SIPI to each, one
 * wait, the second, one wait (SDM vol. 3A, "MP Initialization Example").
 * One with an injected timeout gets INIT alone; one that work marked
 * failed, or whose IPI could not be sent (it is marked failed, with a
 * line), gets no more. work(b, n), if given, runs in the INIT wait: the
 * wait is a minimum, and a processor needs nothing before its SIPI.
 * all: b is every other processor, and each IPI goes to all of them in
 * one send. 0 if no IPI was sent.
 */
int
sipi_send(struct cpu **b, uint32_t n, uint64_t (*at)[3],
	  void (*work)(struct cpu **, uint32_t), uint8_t vector, int all)
{
	uint64_t last = 0;	/* when the round before sent its last IPI */
	uint32_t k, round, sent = 0;

	con_trace("native count=%u init_delay_us=%u sipi_delay_us=%u apic=%s",
		  n, machine.init_us, machine.sipi_us,
		  apic_x2 ? "x2apic" : "xapic");
	for (round = 0; round < 4; round++) {
		if (round == 1 && work)
			work(b, n);
		if (round == 1)
			explain_ipis(n, b[0], vector);
		if (round)
			wait_from(last, round == 1 ? machine.init_us
						   : machine.sipi_us);
		for (k = 0; k < n && round < 3; k++) {
			at[k][round] = 0;	/* not sent */
			if ((all && k) || b[k]->state == CPU_FAILED ||
			    (round && b[k]->fault == FAULT_TIMEOUT))
				continue;
			at[k][round] = last = cpu_rdtsc();
			if (ipi(all ? ICR_ALL : b[k]->mp_apic,
				round ? vector : 0))
				sent++;
			else if (all)
				return 0;
			else
				b[k]->state = CPU_FAILED;
		}
		for (k = 0; round == 0 && k < n; k++)
			b[k]->tsc_start = all ? last : at[k][0];
	}
	return sent > 0;
}

/* The @icr lines of a start, printed once it is over (the console is
 * slow; printing between the IPIs would stretch the waits). A broadcast
 * is one line, apic=all. */
void
sipi_trace(struct cpu **b, uint32_t n, uint64_t (*at)[3], uint8_t vector,
	   int all)
{
	uint32_t k, round;

	for (k = 0; k < n; k++)
		for (round = 0; round < 3; round++)
			if (at[k][round] && all)
				con_trace_at(at[k][round], "icr apic=all kind=%s "
					     "vector=0x%02x",
					     round ? "sipi" : "init",
					     round ? vector : 0);
			else if (at[k][round])
				con_trace_at(at[k][round], "icr apic=%u kind=%s "
					     "vector=0x%02x", b[k]->mp_apic,
					     round ? "sipi" : "init",
					     round ? vector : 0);
}
