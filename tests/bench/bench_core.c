/*
 * bench_core.c: what the notification core costs, each figure beside a
 * baseline measured in the same run, so the ratio holds on a noisy
 * machine.
 *
 *   bench_core [OUT.json]           every case; a table on stdout, every
 *                                   figure in OUT.json
 *   bench_core --callgrind-list     the callgrind cases' names
 *   bench_core --callgrind-case C   case C (or C-base, its baseline)
 *                                   once, for callgrind: only measured()
 *                                   is meant to be counted
 *                                   (--toggle-collect=measured); prints
 *                                   how many callback calls it made
 *
 * The backend brings a processor up at once, on the calling thread (its
 * start runs KiInitializeDynamicProcessor inline), and the sink is empty:
 * what is timed is the notification path (docs/conformance.md, "An
 * add") and nothing of a machine. The verifier is on, as it is by default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ke.h"

#define MIN_NS 50000000ull	/* a measurement lasts at least 50 ms */
#define REPS 5			/* its median is reported */
#define MAX_REGS 1000
#define MAX_FIGURES 64
#define SCALE_MAX 4096
#define SCALE_GROUP 64
#define SCALE_REGS 100

/* ---- the machine: one thread, every start succeeds at once ---- */

static ULONG starting;		/* index being initialised, else 0 (BSP) */

static NTSTATUS b_start(ULONG slot, ULONG index)
{
	(VOID)slot;
	starting = index;
	KiInitializeDynamicProcessor(index);
	starting = 0;
	return STATUS_SUCCESS;
}

/* No other processor runs here: nothing is ever posted. */
static VOID b_post(ULONG count, VOID (*entry)(ULONG_PTR), ULONG_PTR arg)
{
	(VOID)count;
	(VOID)entry;
	(VOID)arg;
}

static ULONG b_current(VOID)
{
	return starting;
}

static PVOID b_alloc(SIZE_T n)
{
	return malloc(n);
}

static VOID b_free(PVOID p)
{
	free(p);
}

static ULONG64 b_clock_us(VOID)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (ULONG64)t.tv_sec * 1000000 + (ULONG64)t.tv_nsec / 1000;
}

static VOID b_relax(VOID)
{
}

/* One thread: the processors do not run DPCs of their own, and the
 * thread never moves. */
static VOID b_kick(ULONG index)
{
	(VOID)index;
}

static BOOLEAN b_migrate(ULONG index)
{
	(VOID)index;
	return FALSE;
}

static const struct ke_backend backend = {
	.start = b_start, .post = b_post, .current = b_current,
	.alloc = b_alloc, .free = b_free, .clock_us = b_clock_us,
	.relax = b_relax, .kick = b_kick,
	.migrate = b_migrate,
};

/* One package of max processors, slots 0..max-1, the first active ones
 * running. */
static VOID machine(ULONG max, ULONG active, ULONG group_size)
{
	static struct ke_processor table[KE_MAX_PROCESSORS];
	struct ke_config cfg = {
		.processors = table, .count = max, .group_size = group_size,
		.verifier = TRUE,
	};
	ULONG i;

	for (i = 0; i < max; i++)
		table[i] = (struct ke_processor){
			.slot = i, .core = i, .active = i < active,
			.present = TRUE,
		};
	if (ke_init(&cfg, &backend, NULL) != STATUS_SUCCESS) {
		fprintf(stderr, "bench: ke_init(%u/%u) failed\n", active, max);
		exit(1);
	}
}

/* ---- the callbacks, and the same calls made without the core ---- */

/* What a small driver does: count, and look at the context. */
struct counter {
	ULONG64 calls;
	ULONG64 sum;
};

static struct counter counters[MAX_REGS];
static PVOID handles[MAX_REGS];

static __attribute__((noinline)) VOID
count_cb(PVOID ctx, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	struct counter *k = ctx;

	(VOID)op;
	k->calls++;
	k->sum += c->NtNumber + c->State;
}

/* The baseline's table: filled at run time and hidden from the
 * optimiser, so every call stays an indirect call. */
static PPROCESSOR_CALLBACK_FUNCTION fns[MAX_REGS];

static VOID fill_fns(ULONG n)
{
	ULONG i;

	for (i = 0; i < n; i++)
		fns[i] = count_cb;
	__asm__ volatile("" : : "r"(fns) : "memory");
}

static ULONG64 total_calls(ULONG n)
{
	ULONG64 t = 0;
	ULONG i;

	for (i = 0; i < n; i++)
		t += counters[i].calls;
	return t;
}

static VOID reset_counters(VOID)
{
	memset(counters, 0, sizeof(counters));
}

static VOID register_all(ULONG n, ULONG flags)
{
	ULONG i;

	for (i = 0; i < n; i++) {
		handles[i] = KeRegisterProcessorChangeCallback(count_cb,
							       &counters[i],
							       flags);
		if (!handles[i]) {
			fprintf(stderr, "bench: registration %u refused\n", i);
			exit(1);
		}
	}
}

/* ke_init does not free registrations: drop them before the next. */
static VOID deregister_all(ULONG n)
{
	ULONG i;

	for (i = n; i-- > 0;)
		KeDeregisterProcessorChangeCallback(handles[i]);
}

/* One pass of the baseline: what the core's pass calls, no more. */
static VOID plain_pass(KE_PROCESSOR_CHANGE_NOTIFY_STATE s, ULONG nt,
		       ULONG n)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = { .State = s, .NtNumber = nt };
	NTSTATUS st = STATUS_SUCCESS;
	ULONG i;

	c.ProcNumber.Group = (USHORT)(nt / 64);
	c.ProcNumber.Number = (UCHAR)(nt % 64);
	for (i = 0; i < n; i++)
		fns[i](&counters[i], &c, &st);
}

/* ---- timing and figures ---- */

static ULONG64 now_ns(VOID)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (ULONG64)t.tv_sec * 1000000000ull + (ULONG64)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A figure beside its baseline; a baseline of 0 means none (JSON null). */
struct figure {
	char name[48];
	double value, baseline;
	const char *unit;
};

static struct figure figures[MAX_FIGURES];
static int nfigures;

static VOID figure(const char *name, double value, const char *unit,
		   double baseline)
{
	struct figure *f = &figures[nfigures++];

	snprintf(f->name, sizeof(f->name), "%s", name);
	f->value = value;
	f->unit = unit;
	f->baseline = baseline;
	printf("%-28s %12.2f %-12s", name, value, unit);
	if (baseline > 0)
		printf(" %12.2f %8.2f\n", baseline, value / baseline);
	else
		printf(" %12s %8s\n", "-", "-");
	fflush(stdout);
}

static VOID json_figure(FILE *f, const struct figure *g)
{
	fprintf(f, "  {\"name\": \"%s\", \"value\": %.4f, \"unit\": \"%s\", ",
		g->name, g->value, g->unit);
	if (g->baseline > 0)
		fprintf(f, "\"baseline\": %.4f, \"ratio\": %.4f}",
			g->baseline, g->value / g->baseline);
	else
		fprintf(f, "\"baseline\": null, \"ratio\": null}");
}

static int write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "[\n");
	for (i = 0; i < nfigures; i++) {
		json_figure(f, &figures[i]);
		fprintf(f, "%s\n", i + 1 < nfigures ? "," : "");
	}
	fprintf(f, "]\n");
	return fclose(f) != 0;
}

/*
 * A measurement is nanoseconds per unit of work. `once` runs a chunk of
 * work (a few ms at most) and reports elapsed ns and units done. Core
 * and baseline chunks alternate until each has had MIN_NS, so a busy
 * machine slows both alike; each figure is the median of REPS.
 */
typedef ULONG64 once_fn(ULONG arg, ULONG64 *units);

static VOID compare(const char *name, const char *unit, once_fn *core,
		    once_fn *plain, ULONG arg)
{
	double c[REPS], p[REPS];
	ULONG64 cns, cu, pns, pu;
	int i;

	for (i = 0; i < REPS; i++) {
		cns = cu = pns = pu = 0;
		while (cns < MIN_NS || pns < MIN_NS) {
			cns += core(arg, &cu);
			pns += plain(arg, &pu);
		}
		c[i] = (double)cns / (double)cu;
		p[i] = (double)pns / (double)pu;
	}
	figure(name, median(c, REPS), unit, median(p, REPS));
}

static VOID check_calls(ULONG n, ULONG64 expect, const char *what)
{
	if (total_calls(n) != expect) {
		fprintf(stderr, "bench: %s: %llu callback calls, expected "
			"%llu\n", what, (unsigned long long)total_calls(n),
			(unsigned long long)expect);
		exit(1);
	}
}

/* ---- a: an add's Start and Complete passes, per invocation ---- */

#define ADD_MAX KE_MAX_PROCESSORS
#define CHUNK_CALLS 1000000	/* a few ms of callback calls */

/* Adds per chunk: every processor of the machine, or fewer when that
 * would be many more than CHUNK_CALLS calls. */
static ULONG chunk_adds(ULONG nregs)
{
	ULONG n = CHUNK_CALLS / (2 * nregs);

	return n < ADD_MAX - 1 ? n : ADD_MAX - 1;
}

/* A fresh machine, nregs registered, a chunk of adds. */
static ULONG64 adds_once(ULONG nregs, ULONG64 *units)
{
	ULONG adds = chunk_adds(nregs), k;
	ULONG64 t0, t;

	machine(ADD_MAX, 1, 0);
	reset_counters();
	register_all(nregs, 0);
	t0 = now_ns();
	for (k = 1; k <= adds; k++)
		KeStartDynamicProcessor(k);
	t = now_ns() - t0;
	check_calls(nregs, 2ull * nregs * adds, "add");
	deregister_all(nregs);
	*units += 2ull * nregs * adds;
	return t;
}

static ULONG64 plain_adds_once(ULONG nregs, ULONG64 *units)
{
	ULONG adds = chunk_adds(nregs), k;
	ULONG64 t0, t;

	fill_fns(nregs);
	t0 = now_ns();
	for (k = 1; k <= adds; k++) {
		plain_pass(KeProcessorAddStartNotify, k, nregs);
		plain_pass(KeProcessorAddCompleteNotify, k, nregs);
	}
	t = now_ns() - t0;
	*units += 2ull * nregs * adds;
	return t;
}

/* ---- b: ADD_EXISTING replay over P active processors ---- */

#define REPLAYS 64

/* REPLAYS registrations with replay, each deregistered again (a cheap
 * O(1) step with one registration), timed together. */
static ULONG64 replay_once(ULONG p, ULONG64 *units)
{
	ULONG64 t0, t;
	ULONG i;

	machine(p, p, 0);
	reset_counters();
	t0 = now_ns();
	for (i = 0; i < REPLAYS; i++) {
		register_all(1, KE_PROCESSOR_CHANGE_ADD_EXISTING);
		deregister_all(1);
	}
	t = now_ns() - t0;
	check_calls(1, 2ull * p * REPLAYS, "replay");
	*units += REPLAYS;
	return t;
}

static ULONG64 plain_replay_once(ULONG p, ULONG64 *units)
{
	ULONG64 t0, t;
	ULONG i, k;

	fill_fns(1);
	t0 = now_ns();
	for (i = 0; i < REPLAYS; i++) {
		for (k = 0; k < p; k++)
			plain_pass(KeProcessorAddStartNotify, k, 1);
		for (k = 0; k < p; k++)
			plain_pass(KeProcessorAddCompleteNotify, k, 1);
	}
	t = now_ns() - t0;
	*units += REPLAYS;
	return t;
}

/* ---- c: 4096 processors in groups of 64, every one added ---- */

static const ULONG marks[] = { 256, 512, 1024, 2048, 4096 };
#define NMARKS (sizeof(marks) / sizeof(marks[0]))

/* One sweep from 1 active to SCALE_MAX; at[m] += ns to reach marks[m]. */
static VOID sweep(ULONG64 *at)
{
	ULONG64 t0;
	ULONG k, m = 0;

	machine(SCALE_MAX, 1, SCALE_GROUP);
	reset_counters();
	register_all(SCALE_REGS, 0);
	t0 = now_ns();
	for (k = 1; k < SCALE_MAX; k++) {
		if (KeStartDynamicProcessor(k) != STATUS_SUCCESS) {
			fprintf(stderr, "bench: add %u failed\n", k);
			exit(1);
		}
		if (k + 1 == marks[m])
			at[m++] += now_ns() - t0;
	}
	check_calls(SCALE_REGS, 2ull * SCALE_REGS * (SCALE_MAX - 1), "scale");
	deregister_all(SCALE_REGS);
}

/* Sweeps until the first mark alone has had MIN_NS; per-add figures
 * are medians of REPS such runs. Growth is linear when the cost per
 * add stays flat from mark to mark. */
static VOID bench_scale(VOID)
{
	double per[NMARKS][REPS], total[REPS], first, v;
	ULONG64 at[NMARKS];
	ULONG m, sweeps;
	int r;
	char name[48];

	for (r = 0; r < REPS; r++) {
		memset(at, 0, sizeof(at));
		for (sweeps = 0; at[0] < MIN_NS; sweeps++)
			sweep(at);
		for (m = 0; m < NMARKS; m++)
			per[m][r] = (double)at[m] / sweeps / (marks[m] - 1);
		total[r] = (double)at[NMARKS - 1] / sweeps / 1e6;
	}
	first = median(per[0], REPS);
	for (m = 0; m < NMARKS; m++) {
		snprintf(name, sizeof(name), "scale_per_add_%u", marks[m]);
		v = median(per[m], REPS);
		figure(name, v, "ns/add", first);
	}
	figure("scale_total_4096", median(total, REPS), "ms", 0);
}

/* ---- the callgrind cases: small, each run once ---- */

/* An add case adds processors 1..procs-1 with regs registered; a replay
 * case registers once with ADD_EXISTING over procs active. NAME-base is
 * the same calls made by the plain loop. */
struct cg_case {
	const char *name;
	ULONG procs, regs;
	BOOLEAN replay;
};

static const struct cg_case cg_cases[] = {
	{ "add-100", 256, 100, FALSE },
	{ "add-1000", 64, 1000, FALSE },
	{ "replay-256", 256, 1, TRUE },
};
#define NCG (sizeof(cg_cases) / sizeof(cg_cases[0]))

static ULONG64 cg_calls(const struct cg_case *c)
{
	return c->replay ? 2ull * c->procs :
			   2ull * c->regs * (c->procs - 1);
}

static VOID cg_setup(const struct cg_case *c, BOOLEAN base)
{
	if (base) {
		fill_fns(c->regs);
	} else if (c->replay) {
		machine(c->procs, c->procs, 0);
	} else {
		machine(c->procs, 1, 0);
		register_all(c->regs, 0);
	}
}

/* The only function callgrind is told to count. */
static __attribute__((noinline)) VOID measured(const struct cg_case *c,
					       BOOLEAN base)
{
	ULONG k;

	if (!base && c->replay) {
		register_all(1, KE_PROCESSOR_CHANGE_ADD_EXISTING);
		deregister_all(1);
	} else if (!base) {
		for (k = 1; k < c->procs; k++)
			KeStartDynamicProcessor(k);
	} else if (c->replay) {
		for (k = 0; k < c->procs; k++)
			plain_pass(KeProcessorAddStartNotify, k, 1);
		for (k = 0; k < c->procs; k++)
			plain_pass(KeProcessorAddCompleteNotify, k, 1);
	} else {
		for (k = 1; k < c->procs; k++) {
			plain_pass(KeProcessorAddStartNotify, k, c->regs);
			plain_pass(KeProcessorAddCompleteNotify, k, c->regs);
		}
	}
	__asm__ volatile("" : : : "memory");
}

/* NAME or NAME-base; prints the callback calls it makes. */
static int callgrind_case(const char *name)
{
	const struct cg_case *c;
	size_t n;

	for (c = cg_cases; c < cg_cases + NCG; c++) {
		n = strlen(c->name);
		if (strncmp(name, c->name, n) ||
		    (name[n] && strcmp(name + n, "-base")))
			continue;
		cg_setup(c, name[n] != 0);
		reset_counters();
		measured(c, name[n] != 0);
		check_calls(c->regs, cg_calls(c), name);
		printf("%llu\n", (unsigned long long)cg_calls(c));
		return 0;
	}
	fprintf(stderr, "bench: unknown case %s\n", name);
	return 2;
}

static VOID callgrind_list(VOID)
{
	size_t i;

	for (i = 0; i < NCG; i++)
		printf("%s\n", cg_cases[i].name);
}

int main(int argc, char **argv)
{
	static const ULONG regs[] = { 1, 10, 100, 1000 };
	static const ULONG procs[] = { 64, 256, 1024 };
	char name[48];
	ULONG i;

	if (argc == 3 && !strcmp(argv[1], "--callgrind-case"))
		return callgrind_case(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--callgrind-list")) {
		callgrind_list();
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: bench_core [OUT.json] | "
			"--callgrind-list | --callgrind-case NAME[-base]\n");
		return 2;
	}
	printf("%-28s %12s %-12s %12s %8s\n", "figure", "value", "unit",
	       "baseline", "ratio");
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		snprintf(name, sizeof(name), "add_per_call_%u_regs", regs[i]);
		compare(name, "ns/call", adds_once, plain_adds_once, regs[i]);
	}
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		snprintf(name, sizeof(name), "replay_%u_procs", procs[i]);
		compare(name, "ns/replay", replay_once, plain_replay_once,
			procs[i]);
	}
	bench_scale();
	return argc == 2 ? write_json(argv[1]) : 0;
}
