/*
 * bench.c: what the simulator measures of itself, each figure beside a
 * baseline taken in the same boot, so the ratio holds under emulation and
 * on a busy machine (`make bench` collects the @bench lines).
 *  - --bench: bring-up of every AP against the firmware's StartupAllAPs
 *    of an empty procedure;
 *  - `bench`: a hot-add with four drivers loaded, split into Start pass,
 *    backend start and Complete pass, against a bare start of the same
 *    processor (EnableDisableAP, StartupThisAP of the same AP entry, the
 *    same wait) with no notification; and every other held processor
 *    hot-added natively (native.c) instead, against the firmware's
 *    hot-adds of its neighbours, with the same four drivers.
 */
#include <ke.h>
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "x86.h"

#define RUNS 16			/* hot-adds measured, at most */

static uint64_t startup_all;	/* cycles of the firmware's baseline */

static void
report(const char *name, uint64_t cycles, uint64_t base)
{
	uint64_t us = clock_us(cycles), bus = clock_us(base);
	uint64_t r = base ? cycles * 100 / base : 0;

	if (base == 0) {
		con_printf("  %-20s %9lu us\n", name, us);
		con_trace("bench name=%s value=%lu unit=us", name, us);
		return;
	}
	con_printf("  %-20s %9lu us   baseline %9lu us   ratio %lu.%02lu\n",
		   name, us, bus, r / 100, r % 100);
	con_trace("bench name=%s value=%lu unit=us baseline=%lu ratio=%lu.%02lu",
		  name, us, bus, r / 100, r % 100);
}

/* Run twice, keep the second: both sides then find the firmware's AP
 * wake-up code warm (under emulation, already translated). */
void
bench_bringup_baseline(struct machine *m)
{
	if (m->mp == NULL)
		return;
	mp_time_all_empty(m);
	startup_all = mp_time_all_empty(m);
}

void
bench_bringup(struct machine *m)
{
	uint32_t n, online = 0;

	for (n = 0; n < m->ncpu; n++)
		online += m->cpu[n].state == CPU_ONLINE;
	if (m->mp == NULL || startup_all == 0 || online == 0) {
		con_error("--bench: %s; no bring-up figure", online ?
			  "StartupAllAPs did not run" : "no AP was started");
		return;
	}
	con_printf("bring-up of %u processors:\n", m->ncpu - 1);
	report("bringup", m->bringup_cycles, startup_all);
}

static uint64_t
median(uint64_t *v, int n)
{
	uint64_t t;
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--)
			t = v[j], v[j] = v[j - 1], v[j - 1] = t;
	return v[n / 2];
}

/*
 * A bare start and a hot-add of c, timed; 0 if either failed. The first
 * wake of a processor since boot is slower than the next (more so under
 * emulation), so an untimed bare start goes first and both timed starts
 * find c equally warm.
 */
static int
measure(struct cpu *c, int native, uint64_t *bare, uint64_t *pass)
{
	uint8_t method = machine.start_native;
	uint64_t t0, t1;
	NTSTATUS s;

	machine.start_native = 0;	/* the baseline is the firmware's */
	if (cpu_bare_start(&machine, c) == 0)
		return 0;
	*bare = cpu_bare_start(&machine, c);
	if (*bare == 0)
		return 0;
	machine.start_native = (uint8_t)native;
	t0 = cpu_rdtsc();
	s = KeStartDynamicProcessor(c->mp);
	machine.start_native = method;
	if (!NT_SUCCESS(s))
		return 0;
	t1 = cpu_rdtsc();
	pass[0] = hal_start_tsc[0] - t0;
	pass[1] = hal_start_tsc[1] - hal_start_tsc[0];
	pass[2] = t1 - hal_start_tsc[1];
	pass[3] = t1 - t0;
	return 1;
}

/*
 * Progress goes to the console between two timed adds, never inside.
 * Adds alternate: the firmware's, then a native one; native[] gets the
 * native adds' totals, *nn their count.
 */
static int
measure_adds(uint64_t (*pass)[RUNS], uint64_t *bare, uint64_t *native,
	     int *nn)
{
	uint32_t i, held = 0;
	int n = 0;

	for (i = 0; i < machine.ncpu; i++)
		held += machine.cpu[i].state == CPU_HELD;
	held = held < RUNS ? held : RUNS;
	for (i = 0; i < machine.ncpu && n < RUNS; i++) {
		uint64_t p[4];

		if (machine.cpu[i].state != CPU_HELD)
			continue;
		if ((n + *nn) % 2) {
			if (!measure(&machine.cpu[i], 1, &bare[n], p))
				break;
			native[(*nn)++] = p[3];
		} else {
			if (!measure(&machine.cpu[i], 0, &bare[n], p))
				break;
			pass[0][n] = p[0], pass[1][n] = p[1];
			pass[2][n] = p[2], pass[3][n] = p[3];
			n++;
		}
		con_muted = 0;
		con_progress("bench", (unsigned)(n + *nn), held);
		con_muted = 1;
	}
	return n;
}

int
cmd_bench(int argc, char **argv)
{
	static const char *const names[] = {
		"start_pass", "backend_start", "complete_pass",
	};
	uint64_t pass[4][RUNS], bare[RUNS], native[RUNS];
	int n, i, nn = 0;

	(void)argc, (void)argv;
	/* Four drivers, none of which vetoes (veto's index is out of reach). */
	cmd_line("load log as bench1 quiet=1; load log as bench2 quiet=1; "
		 "load percpu as bench3; load veto as bench4 nt=99999");
	con_muted = 1;		/* the console is slow: keep it out of the timing */
	n = cmd_loaded("bench") == 4 ? measure_adds(pass, bare, native, &nn)
				      : 0;
	con_muted = 0;
	cmd_line("unload bench1; unload bench2; unload bench3; unload bench4");
	if (n == 0) {
		con_error("bench: no held processor could be started");
		return CMD_ERROR;
	}
	con_printf("hot-add with 4 drivers, median of %d:\n", n);
	for (i = 0; i < 3; i++)
		report(names[i], median(pass[i], n), 0);
	report("hotadd", median(pass[3], n), median(bare, n));
	if (nn) {
		con_printf("native hot-add (INIT wait %u us, SIPI wait %u us) "
			   "against the firmware's, medians of %d and %d:\n",
			   machine.init_us, machine.sipi_us, nn, n);
		report("hotadd_native", median(native, nn), median(pass[3], n));
	}
	return CMD_OK;
}
