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
 *    hot-adds of its neighbours, with the same four drivers; and, right
 *    after the first of those adds, what it costs a driver to run code
 *    on the processor just added, as drivers/hvlike.c does: a DPC's round trip and an affinity switch
 *    there and back, against KeIpiGenericCall in the same boot.
 */
#include <ke.h>
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "x86.h"

#define RUNS 16			/* hot-adds measured, at most */
#define ROUNDS 32		/* round trips to the new processor */

static uint64_t startup_all;	/* cycles of the firmware's baseline */
/* Round trips to the first processor `bench` adds, made right after
 * its add, while the fewest processors are active. */
static struct {
	uint64_t dpc[ROUNDS], sw[ROUNDS], ipi[ROUNDS];
	uint32_t index, active;
	int done;
} reach;

/* In microseconds, or nanoseconds when ns (figures of a few µs on a
 * real machine). */
static void
report_in(const char *name, uint64_t cycles, uint64_t base, int ns)
{
	uint64_t k = ns ? 1000 : 1, v = clock_us(cycles * k);
	uint64_t b = clock_us(base * k), r = base ? cycles * 100 / base : 0;
	const char *u = ns ? "ns" : "us";

	if (base == 0) {
		con_printf("  %-20s %9lu %s\n", name, v, u);
		con_trace("bench name=%s value=%lu unit=%s", name, v, u);
		return;
	}
	con_printf("  %-20s %9lu %s   baseline %9lu %s   ratio %lu.%02lu\n",
		   name, v, u, b, u, r / 100, r % 100);
	con_trace("bench name=%s value=%lu unit=%s baseline=%lu "
		  "ratio=%lu.%02lu", name, v, u, b, r / 100, r % 100);
}

static void
report(const char *name, uint64_t cycles, uint64_t base)
{
	report_in(name, cycles, base, 0);
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

/* A DPC's round trip, as drivers/hvlike.c makes it: queued to the
 * processor, run there, its event seen by the waiter; 0 if it failed. */
struct trip {
	KDPC dpc;
	KEVENT done;
};

static VOID
trip_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
	struct trip *t = context;

	(void)dpc, (void)arg1, (void)arg2;
	KeSetEvent(&t->done, IO_NO_INCREMENT, FALSE);
}

static uint64_t
dpc_trip(struct trip *t)
{
	LARGE_INTEGER timeout = { .QuadPart = -10000000LL };	/* 1 s */
	uint64_t t0 = cpu_rdtsc();

	KeInsertQueueDpc(&t->dpc, NULL, NULL);
	if (KeWaitForSingleObject(&t->done, Executive, KernelMode, FALSE,
				  &timeout) != STATUS_SUCCESS) {
		/* not queued any more: running, t must outlive it */
		if (!KeRemoveQueueDpc(&t->dpc))
			KeFlushQueuedDpcs();
		return 0;
	}
	return cpu_rdtsc() - t0;
}

/* The thread to pn and back; 0 unless it ran there and came home. */
static uint64_t
switch_trip(const PROCESSOR_NUMBER *pn)
{
	GROUP_AFFINITY to = { .Mask = (KAFFINITY)1 << pn->Number,
			      .Group = pn->Group }, prev;
	PROCESSOR_NUMBER on;
	uint64_t t0 = cpu_rdtsc(), t;

	KeSetSystemGroupAffinityThread(&to, &prev);
	KeGetCurrentProcessorNumberEx(&on);
	KeRevertToUserGroupAffinityThread(&prev);
	t = cpu_rdtsc() - t0;
	if (on.Group != pn->Group || on.Number != pn->Number ||
	    KeGetCurrentProcessorNumberEx(NULL) != 0)
		return 0;
	return t;
}

static ULONG_PTR
ipi_nothing(ULONG_PTR arg)
{
	return arg;
}

/*
 * The three interleaved, so that a slow spell of the host falls on each.
 * Right after the first add, KeIpiGenericCall reaches few processors
 * beyond the new one: under emulation, where each spinning processor
 * takes a host core from the others, a rendezvous of many costs far more
 * than on a real machine. The rendezvous needs its processors running at
 * once, the round trips do not: on a loaded host its figure swings most.
 */
static void
measure_reach(struct cpu *c)
{
	PROCESSOR_NUMBER pn;
	struct trip t;
	uint64_t t0;
	int i;

	reach.done = 1;
	if (KeGetProcessorNumberFromIndex(c->index, &pn) != STATUS_SUCCESS)
		return;
	KeInitializeEvent(&t.done, SynchronizationEvent, FALSE);
	KeInitializeDpc(&t.dpc, trip_dpc, &t);
	KeSetTargetProcessorDpcEx(&t.dpc, &pn);
	for (i = 0; i < ROUNDS; i++) {
		t0 = cpu_rdtsc();
		KeIpiGenericCall(ipi_nothing, 0);
		reach.ipi[i] = cpu_rdtsc() - t0;
		reach.dpc[i] = dpc_trip(&t);
		reach.sw[i] = switch_trip(&pn);
		if (reach.dpc[i] == 0 || reach.sw[i] == 0)
			return;
	}
	reach.index = c->index;
	reach.active = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
}

static int
report_reach(void)
{
	uint64_t base = median(reach.ipi, ROUNDS);

	if (reach.active == 0) {
		con_error("bench: no round trip to the processor just added");
		return CMD_ERROR;
	}
	con_printf("code on processor %u, just added, against KeIpiGenericCall "
		   "to %u processors, medians of %d:\n", reach.index,
		   reach.active, ROUNDS);
	report_in("dpc_roundtrip", median(reach.dpc, ROUNDS), base, 1);
	report_in("affinity_switch", median(reach.sw, ROUNDS), base, 1);
	return CMD_OK;
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
		if (!reach.done)
			measure_reach(&machine.cpu[i]);
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
	__builtin_memset(&reach, 0, sizeof(reach));
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
	return report_reach();
}
