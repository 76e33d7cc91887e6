/*
 * test_drivers.c: the drivers in drivers/ and the driver extensions of
 * <hotadd.h>, on the threaded host backend. Each driver is built with
 * DriverEntry renamed drv_<name>_entry (tests/drivers.mk), as the EFI
 * build does, and loaded through ke_load_driver; its output is what the
 * recording sink keeps of DbgPrint.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include <hotadd.h>

DRIVER_INITIALIZE drv_docsample_entry;
DRIVER_INITIALIZE drv_log_entry;
DRIVER_INITIALIZE drv_veto_entry;
DRIVER_INITIALIZE drv_percpu_entry;
DRIVER_INITIALIZE drv_idiom_entry;	/* tests/drivers/idiom.c */

static struct ke_driver drv[10];

/* --- looking at DbgPrint output ------------------------------------ */

/* Lines of driver `name` (NULL: any) that start with `prefix`. */
static int lines(const char *name, const char *prefix)
{
	int i, n = 0;

	for (i = 0; i < nevents; i++)
		n += events[i].kind == 'd' &&
		     (!name || !strcmp(events[i].driver, name)) &&
		     !strncmp(events[i].text, prefix, strlen(prefix));
	return n;
}

static BOOLEAN has_line(const char *name, const char *text)
{
	int i;

	for (i = 0; i < nevents; i++)
		if (events[i].kind == 'd' && !strcmp(events[i].driver, name) &&
		    !strcmp(events[i].text, text))
			return TRUE;
	return FALSE;
}

static void expect_line(const char *name, const char *text)
{
	if (!has_line(name, text)) {
		fprintf(stderr, "missing line from %s: \"%s\"\n", name, text);
		fail();
	}
}

static void no_invariant_lines(void)
{
	int i;

	for (i = 0; i < nevents; i++)
		if (events[i].kind == 'd' &&
		    !strncmp(events[i].text, "INVARIANT ", 10))
			fprintf(stderr, "%s: %s\n", events[i].driver,
				events[i].text);
	assert_int_equal(lines(NULL, "INVARIANT "), 0);
}

static ULONG active(void)
{
	return KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
}

static void load(int i, const char *name, const char *options,
		 PDRIVER_INITIALIZE entry)
{
	assert_int_equal(ke_load_driver(&drv[i], name, options, entry),
			 STATUS_SUCCESS);
}

static void add(ULONG slot, NTSTATUS want)
{
	assert_int_equal(KeStartDynamicProcessor(slot), want);
}

/* drv[i] prints the stats line `stats`, and unloads with nothing left
 * behind, no broken invariant and no verifier report. */
static void unload_clean(int i, const char *stats)
{
	ke_driver_stats(&drv[i]);
	expect_line(drv[i].name, stats);
	no_invariant_lines();
	ke_unload_driver(&drv[i]);
	assert_int_equal(drv[i].pool_blocks, 0);
	assert_int_equal(drv[i].registrations, 0);
	assert_int_equal(ke_violations(), 0);
}

/* --- idiom: a driver that uses the WDK's names and formats ------------ */

static void test_idiom_builds_and_prints_the_wdk_way(void **state)
{
	(void)state;
	load(0, "idiom", "", drv_idiom_entry);
	expect_line("idiom", "loaded as \\Driver\\idiom from \\Registry\\"
		    "Machine\\System\\CurrentControlSet\\Services\\idiom");
	expect_line("idiom", "ansi=idiom lengths=5/6");
	expect_line("idiom", "record=792 offset=24 field=4 through=8 slots=64");
	expect_line("idiom", "pages=1 rounded=0x1000 offset=0x345");
	expect_line("idiom", "limits 4294967295 2147483647 65535 255 "
		    "18446744073709551615 9223372036854775807");
	expect_line("idiom", "processor 0 ready, group 0 number 0, 1 so far");
	expect_line("idiom", "processor 3 ready, group 0 number 3, 4 so far");
	add(4, STATUS_SUCCESS);
	expect_line("idiom", "processor 4 ready, group 0 number 4, 5 so far");
	ke_unload_driver(&drv[0]);
	expect_line("idiom", "unload: 5 processors, tsc moved: yes");
	assert_int_equal(lines("idiom", ""), 11);
	assert_int_equal(drv[0].pool_blocks, 0);
	assert_int_equal(drv[0].registrations, 0);
	assert_int_equal(ke_violations(), 0);
}

/* --- running workloads ----------------------------------------------- */

static ULONG_PTR run_rounds(ULONG_PTR rounds)
{
	ULONG_PTR i;

	for (i = 0; i < rounds; i++)
		ke_run_workloads();
	return 0;
}

/* Every active processor runs its loop's workload step `rounds` times. */
static void run_workloads(ULONG rounds)
{
	KeIpiGenericCall(run_rounds, rounds);
}

/* --- docsample -------------------------------------------------------- */

static void test_docsample_hears_replay_and_adds(void **state)
{
	LONG base = ke_pool_blocks();

	(void)state;
	load(0, "ds", "", drv_docsample_entry);
	expect_line("ds", "registered, 4 processors active");
	assert_int_equal(drv[0].registrations, 1);
	assert_int_equal(drv[0].pool_blocks, 1 + 4);
	add(4, STATUS_SUCCESS);
	expect_line("ds", "processor 4 (group 0 number 4) online");
	host_fault(5, HOST_TIMEOUT);
	add(5, STATUS_IO_TIMEOUT);
	expect_line("ds", "processor 5 failed to start, status 0xc00000b5");
	assert_int_equal(drv[0].pool_blocks, 1 + 5);	/* 5's freed again */
	ke_unload_driver(&drv[0]);
	assert_int_equal(drv[0].pool_blocks, 0);
	assert_int_equal(drv[0].registrations, 0);
	assert_int_equal(ke_pool_blocks(), base);
	assert_int_equal(ke_violations(), 0);
}

/* Fails the n-th allocation from now on (1-based). */
static PVOID (*real_alloc)(SIZE_T);
static int allocs_left;

static PVOID counting_alloc(SIZE_T n)
{
	return allocs_left-- > 0 ? real_alloc(n) : NULL;
}

static void counting_machine(int allowed)
{
	static struct ke_backend be;
	struct ke_config cfg = {
		.processors = one_package(8, 4), .count = 8, .verifier = TRUE,
	};

	be = host_backend;
	real_alloc = host_backend.alloc;
	be.alloc = counting_alloc;
	allocs_left = 100;	/* whatever ke_init needs */
	assert_int_equal(ke_init(&cfg, &be, &rec_sink), STATUS_SUCCESS);
	allocs_left = allowed;
}

/* The documented flow: the reason reaches DriverEntry only through the
 * status variable the callback context points to. */
static void test_docsample_load_fails_with_callback_status(void **state)
{
	(void)state;
	counting_machine(4);	/* instance, registration, 0, 1; 2 fails */
	assert_int_equal(ke_load_driver(&drv[0], "ds", "",
					drv_docsample_entry),
			 STATUS_INSUFFICIENT_RESOURCES);
	expect_line("ds", "no memory for processor 2");
	assert_false(drv[0].loaded);
	assert_int_equal(drv[0].pool_blocks, 0);
	assert_int_equal(drv[0].registrations, 0);
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

/* --- log -------------------------------------------------------------- */

static void test_log_hears_replay_then_adds_with_no_break(void **state)
{
	char want[96];
	ULONG i;

	(void)state;
	load(0, "log", "", drv_log_entry);
	for (i = 0; i < 4; i++) {
		snprintf(want, sizeof(want), "start nt=%u group=0 number=%u "
			 "status=0x00000000 active=4 replay", i, i);
		expect_line("log", want);
		snprintf(want, sizeof(want), "complete nt=%u group=0 number=%u "
			 "status=0x00000000 active=4 replay", i, i);
		expect_line("log", want);
	}
	add(4, STATUS_SUCCESS);
	expect_line("log", "start nt=4 group=0 number=4 status=0x00000000 "
		    "active=4");
	expect_line("log", "complete nt=4 group=0 number=4 "
		    "status=0x00000000 active=5");
	host_fault(5, HOST_TIMEOUT);
	add(5, STATUS_IO_TIMEOUT);
	expect_line("log", "failure nt=5 group=0 number=5 status=0xc00000b5 "
		    "active=5");
	add(6, STATUS_SUCCESS);	/* index 5, at slot 6's own number */
	expect_line("log", "complete nt=5 group=0 number=6 "
		    "status=0x00000000 active=6");
	unload_clean(0, "stats start=7 complete=6 failure=1 invariant=0");
}

/* Without ADD_EXISTING: no replay, and groups of two processors. */
static void test_log_without_replay_across_groups(void **state)
{
	(void)state;
	load(0, "log0", "flags=0", drv_log_entry);
	assert_int_equal(lines("log0", ""), 0);
	add(3, STATUS_SUCCESS);
	add(4, STATUS_SUCCESS);
	expect_line("log0", "start nt=3 group=1 number=1 status=0x00000000 "
		    "active=3");
	expect_line("log0", "complete nt=4 group=2 number=0 "
		    "status=0x00000000 active=5");
	unload_clean(0, "stats start=2 complete=2 failure=0 invariant=0");
}

/* With the verifier off, an earlier callback's change to the shared
 * ChangeContext reaches the log driver, which must say so. */
static VOID renumber(struct probe *p, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		     PNTSTATUS op)
{
	(void)op;
	if (c->NtNumber == (ULONG)(ULONG_PTR)p->arg)
		c->NtNumber = 6;
}

/* The probe, registered first, turns nt 4 into 6 in both passes (each
 * pass has a context of its own). Worked out from logcore.h's rules, per
 * pass: the number is not index 6's, the active count is not the one
 * the state wants, 6 is not the next index 4. Six lines, no more. */
static void test_log_reports_a_corrupted_context(void **state)
{
	static const char *const want[] = {
		"INVARIANT start nt=6 ProcNumber 0:4 is not the number of "
		"that index",
		"INVARIANT start nt=6 with 4 processors active, want 6",
		"INVARIANT start nt=6 is not the next index 4",
		"INVARIANT complete nt=6 ProcNumber 0:4 is not the number of "
		"that index",
		"INVARIANT complete nt=6 with 5 processors active, want 7",
		"INVARIANT complete nt=6 is not the next index 4",
	};
	struct probe p = { .id = 1, .hook = renumber, .arg = (PVOID)4 };
	size_t i;

	(void)state;
	ke_set_verifier(FALSE);
	assert_non_null(reg_probe(&p, 0));
	load(0, "log", "", drv_log_entry);
	add(4, STATUS_SUCCESS);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_line("log", want[i]);
	assert_int_equal(lines("log", "INVARIANT "), 6);
	ke_driver_stats(&drv[0]);
	expect_line("log", "stats start=5 complete=5 failure=0 invariant=6");
	ke_unload_driver(&drv[0]);
	KeDeregisterProcessorChangeCallback(p.handle);
}

static void test_log_rejects_bad_flags(void **state)
{
	(void)state;
	assert_int_equal(ke_load_driver(&drv[0], "log", "flags=2",
					drv_log_entry),
			 STATUS_INVALID_PARAMETER);
	expect_line("log", "bad option flags=2: want 0 or 1");
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

/* --- veto ------------------------------------------------------------- */

static void test_veto_refuses_exactly_its_add(void **state)
{
	ULONG starts;

	(void)state;
	load(0, "log", "", drv_log_entry);
	load(1, "veto", "nt=5 status=0xC0000001", drv_veto_entry);
	load(2, "ds", "", drv_docsample_entry);
	add(4, STATUS_SUCCESS);
	assert_int_equal(lines("veto", "veto "), 0);
	starts = host_starts();
	add(5, STATUS_UNSUCCESSFUL);
	assert_int_equal(host_starts(), starts);	/* never started */
	assert_int_equal(active(), 5);
	expect_line("veto", "veto nt=5 status=0xc0000001");
	expect_line("log", "failure nt=5 group=0 number=5 status=0xc0000001 "
		    "active=5");
	expect_line("ds", "processor 5 failed to start, status 0xc0000001");
	add(5, STATUS_UNSUCCESSFUL);
	ke_driver_stats(&drv[1]);
	expect_line("veto", "stats start=7 complete=5 failure=2 invariant=0 "
		    "vetoes=2");
	ke_unload_driver(&drv[1]);
	add(5, STATUS_SUCCESS);
	assert_int_equal(active(), 6);
	expect_line("ds", "processor 5 (group 0 number 5) online");
	no_invariant_lines();
	ke_unload_driver(&drv[2]);
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

/* nt=any without replay: the first real add is refused, with the
 * default code; flags=0 works the same for real adds. */
static void test_veto_any_uses_default_status(void **state)
{
	(void)state;
	load(0, "veto", "flags=0", drv_veto_entry);
	add(4, STATUS_INSUFFICIENT_RESOURCES);
	expect_line("veto", "veto nt=4 status=0xc000009a");
	assert_int_equal(active(), 4);
	no_invariant_lines();
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_violations(), 0);
}

/* A veto in the replay: Failure for the processors before it, the
 * registration returns NULL and the load fails with the veto code. */
static void test_veto_in_replay_fails_the_load(void **state)
{
	(void)state;
	load(0, "log", "", drv_log_entry);
	assert_int_equal(ke_load_driver(&drv[1], "v", "replay=1 nt=2 "
					"status=0xC0000259", drv_veto_entry),
			 STATUS_LICENSE_QUOTA_EXCEEDED);
	expect_line("v", "veto nt=2 status=0xc0000259 replay");
	assert_false(drv[1].loaded);
	assert_int_equal(drv[1].registrations, 0);
	assert_int_equal(drv[1].pool_blocks, 0);
	/* Other drivers never hear of a replay that is not theirs. */
	assert_int_equal(lines("log", "failure "), 0);
	assert_int_equal(ke_load_driver(&drv[1], "v", "replay=1",
					drv_veto_entry),
			 STATUS_INSUFFICIENT_RESOURCES);
	expect_line("v", "veto nt=0 status=0xc000009a replay");
	/* Real adds are not vetoed by a replay=1 instance that loaded. */
	load(1, "v", "replay=1 nt=7", drv_veto_entry);
	add(4, STATUS_SUCCESS);
	no_invariant_lines();
	ke_unload_driver(&drv[1]);
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

static void test_veto_rejects_bad_options(void **state)
{
	static const struct {
		const char *options, *line;
	} bad[] = {
		{ "status=0", "bad option status=0: want an error code, "
		  "0x80000000 or above" },
		{ "status=0x7fffffff", "bad option status=0x7fffffff: want "
		  "an error code, 0x80000000 or above" },
		{ "status=zz", "bad option status=zz: want an NTSTATUS" },
		{ "status=0x1C0000001", "bad option status=0x1C0000001: want "
		  "an NTSTATUS" },
		{ "status=0x", "bad option status=0x: want an NTSTATUS" },
		{ "nt=", "bad option nt=: want a processor index or any" },
		{ "nt=-1", "bad option nt=-1: want a processor index or any" },
		{ "nt=anything", "bad option nt=anything: want a processor "
		  "index or any" },
		{ "replay=2", "bad option replay=2: want 0 or 1" },
		{ "flags=3", "bad option flags=3: want 0 or 1" },
		{ "replay=1 flags=0", "bad option replay=1: want flags=1 with "
		  "it (no replay happens without ADD_EXISTING)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_log();
		assert_int_equal(ke_load_driver(&drv[0], "veto",
						bad[i].options,
						drv_veto_entry),
				 STATUS_INVALID_PARAMETER);
		expect_line("veto", bad[i].line);
		assert_int_equal(lines("veto", ""), 1);
	}
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
	/* Numbers in either base; "any" spelled out. */
	load(0, "veto", "status=3221225473 nt=any flags=1 replay=0",
	     drv_veto_entry);
	add(4, STATUS_UNSUCCESSFUL);
	ke_unload_driver(&drv[0]);
}

/* --- percpu ----------------------------------------------------------- */

struct cpu_stats {
	unsigned count, early, stray;
	BOOLEAN seen;
};

/* Parses percpu's "stats cpu=" lines; returns the summary's fields. */
static void percpu_stats(const char *name, struct cpu_stats *cpu, int n,
			 unsigned *ready, unsigned *strays)
{
	unsigned i, c, e, s, u;
	int k;

	memset(cpu, 0, sizeof(*cpu) * n);
	reset_log();
	ke_driver_stats(&drv[0]);
	for (k = 0; k < nevents; k++) {
		if (events[k].kind != 'd' || strcmp(events[k].driver, name))
			continue;
		if (sscanf(events[k].text, "stats cpu=%u count=%u early=%u "
			   "stray=%u", &i, &c, &e, &s) == 4) {
			assert_true(i < (unsigned)n);
			cpu[i] = (struct cpu_stats){ c, e, s, TRUE };
			assert_int_equal(strstr(events[k].text, "STRAY") != NULL,
					 s != 0);
		} else {
			assert_int_equal(sscanf(events[k].text, "stats "
						"processors=%u stray=%u "
						"unknown=%u", ready, strays,
						&u), 3);
			assert_int_equal(u, 0);
		}
	}
}

static void test_percpu_every_processor_counts_in_its_own_slot(void **state)
{
	struct cpu_stats cpu[8];
	unsigned ready, strays, i;
	LONG base = ke_pool_blocks();

	(void)state;
	load(0, "percpu", "", drv_percpu_entry);
	assert_int_equal(drv[0].pool_blocks, 1 + 4);
	add(4, STATUS_SUCCESS);
	host_fault(5, HOST_FAIL);
	add(5, STATUS_UNSUCCESSFUL);
	assert_int_equal(drv[0].pool_blocks, 1 + 5);
	add(6, STATUS_SUCCESS);
	run_workloads(50);
	percpu_stats("percpu", cpu, 8, &ready, &strays);
	assert_int_equal(ready, 6);
	assert_int_equal(strays, 0);
	for (i = 0; i < 6; i++) {
		assert_true(cpu[i].seen);
		assert_true(cpu[i].count >= 50);
		assert_int_equal(cpu[i].early, 0);
		assert_int_equal(cpu[i].stray, 0);
	}
	assert_false(cpu[6].seen);
	ke_unload_driver(&drv[0]);
	assert_int_equal(drv[0].pool_blocks, 0);
	assert_int_equal(ke_pool_blocks(), base);
	assert_int_equal(ke_violations(), 0);
	run_workloads(5);	/* stopped: nothing of it runs any more */
}

static void test_percpu_vetoes_when_pool_runs_out(void **state)
{
	(void)state;
	load(0, "percpu", "", drv_percpu_entry);
	host_fail_allocs(1);
	add(4, STATUS_INSUFFICIENT_RESOURCES);
	expect_line("percpu", "no memory for processor 4, vetoing its add");
	assert_int_equal(active(), 4);
	add(4, STATUS_SUCCESS);
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_pool_blocks(), 0);
	assert_int_equal(ke_violations(), 0);
}

/* A processor the driver was told about under the wrong number runs the
 * workload with no slot of its own: percpu flags it as stray. */
static void test_percpu_flags_a_processor_it_never_got(void **state)
{
	struct probe p = { .id = 1, .hook = renumber, .arg = (PVOID)4 };
	struct cpu_stats cpu[8];
	unsigned ready, strays;

	(void)state;
	ke_set_verifier(FALSE);
	assert_non_null(reg_probe(&p, 0));
	load(0, "percpu", "", drv_percpu_entry);
	add(4, STATUS_SUCCESS);
	run_workloads(20);
	percpu_stats("percpu", cpu, 8, &ready, &strays);
	assert_int_equal(cpu[4].stray, 20);
	assert_int_equal(cpu[4].count, 0);
	assert_int_equal(strays, 20);
	assert_true(cpu[6].seen);	/* the slot it was given instead */
	assert_int_equal(cpu[6].count, 0);
	ke_unload_driver(&drv[0]);
	KeDeregisterProcessorChangeCallback(p.handle);
	assert_int_equal(ke_pool_blocks(), 0);
}

/* --- workloads -------------------------------------------------------- */

struct work {
	LONG calls;
	LONG inside;
	LONG per_cpu[8];
	useconds_t nap;
	PDRIVER_OBJECT stop_self;	/* stops its own workload when set */
};

static VOID test_work(PVOID ctx)
{
	struct work *w = ctx;
	ULONG me = KeGetCurrentProcessorNumberEx(NULL);

	InterlockedIncrement(&w->inside);
	InterlockedIncrement(&w->calls);
	if (me < 8)
		InterlockedIncrement(&w->per_cpu[me]);
	if (w->nap)
		usleep(w->nap);
	if (w->stop_self)
		HotaddStopWorkload(w->stop_self);
	InterlockedDecrement(&w->inside);
}

static struct work works[10];

/* A driver whose only job is one workload; its index in drv[] comes as
 * the "slot" option. */
static NTSTATUS work_entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	char slot[4];

	(void)path;
	if (!HotaddGetOption(o, "slot", slot, sizeof(slot)))
		return STATUS_INVALID_PARAMETER;
	return HotaddStartWorkload(o, test_work, &works[atoi(slot)]);
}

static NTSTATUS work_then_fail_entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	NTSTATUS st = work_entry(o, path);

	return NT_SUCCESS(st) ? STATUS_UNSUCCESSFUL : st;
}

static void load_worker(int i)
{
	char options[16];

	snprintf(options, sizeof(options), "slot=%d", i);
	memset(&works[i], 0, sizeof(works[i]));
	load(i, "work", options, work_entry);
}

static void test_workload_runs_on_every_active_processor(void **state)
{
	int i;

	(void)state;
	load_worker(0);
	add(4, STATUS_SUCCESS);
	run_workloads(10);
	for (i = 0; i < 5; i++)
		assert_int_equal(works[0].per_cpu[i], 10);
	assert_int_equal(works[0].per_cpu[5], 0);
	HotaddStopWorkload(&drv[0].object);
	run_workloads(10);
	assert_int_equal(works[0].calls, 50);
	HotaddStopWorkload(&drv[0].object);	/* twice: nothing happens */
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_violations(), 0);
}

static BOOLEAN spinning;

/* A stand-in for processor 1's loop, while the test thread is the BSP. */
static void *spin(void *arg)
{
	(void)arg;
	host_bind(1);
	while (__atomic_load_n(&spinning, __ATOMIC_SEQ_CST))
		ke_run_workloads();
	return NULL;
}

static void test_workload_stop_waits_for_calls_in_progress(void **state)
{
	pthread_t t;
	LONG calls;

	(void)state;
	load_worker(0);
	works[0].nap = 2000;
	__atomic_store_n(&spinning, TRUE, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_create(&t, NULL, spin, NULL), 0);
	while (__atomic_load_n(&works[0].inside, __ATOMIC_SEQ_CST) == 0)
		usleep(100);
	HotaddStopWorkload(&drv[0].object);
	assert_int_equal(__atomic_load_n(&works[0].inside, __ATOMIC_SEQ_CST),
			 0);
	calls = __atomic_load_n(&works[0].calls, __ATOMIC_SEQ_CST);
	usleep(10000);
	assert_int_equal(__atomic_load_n(&works[0].calls, __ATOMIC_SEQ_CST),
			 calls);
	__atomic_store_n(&spinning, FALSE, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_violations(), 0);
}

static void test_workload_may_stop_itself(void **state)
{
	(void)state;
	load_worker(0);
	works[0].stop_self = &drv[0].object;
	run_workloads(3);
	/* Every processor may have entered before the first stop. */
	assert_in_range(works[0].calls, 1, 4);
	assert_int_equal(works[0].inside, 0);
	/* Its slot is still the driver's: no restart until stopped from
	 * outside, and the unload frees it without a report. */
	assert_int_equal(HotaddStartWorkload(&drv[0].object, test_work,
					     &works[0]),
			 STATUS_INVALID_PARAMETER);
	ke_unload_driver(&drv[0]);
	assert_int_equal(ke_violations(), 0);
	load_worker(0);
	HotaddStopWorkload(&drv[0].object);
	ke_unload_driver(&drv[0]);
}

static void test_workload_slots_and_bad_starts(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		load_worker(i);
	/* Ninth: no slot left, the load fails with that status. */
	assert_int_equal(ke_load_driver(&drv[8], "work", "slot=8",
					work_entry),
			 STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(HotaddStartWorkload(&drv[0].object, test_work,
					     &works[0]),
			 STATUS_INVALID_PARAMETER);	/* already running */
	assert_int_equal(HotaddStartWorkload(&drv[8].object, test_work,
					     &works[8]),
			 STATUS_INVALID_PARAMETER);	/* not loaded */
	assert_int_equal(HotaddStartWorkload(NULL, test_work, NULL),
			 STATUS_INVALID_PARAMETER);
	HotaddStopWorkload(&drv[3].object);
	assert_int_equal(HotaddStartWorkload(&drv[3].object, NULL, NULL),
			 STATUS_INVALID_PARAMETER);
	load_worker(8);			/* takes the freed slot */
	run_workloads(1);
	assert_int_equal(works[3].calls, 0);
	assert_int_equal(works[8].calls, 4);
	for (i = 0; i <= 8; i++) {
		HotaddStopWorkload(&drv[i].object);
		ke_unload_driver(&drv[i]);
	}
	assert_int_equal(ke_violations(), 0);
}

static void test_workload_left_running_is_stopped_at_unload(void **state)
{
	(void)state;
	load_worker(0);
	ke_unload_driver(&drv[0]);
	assert_int_equal(count_rule("workload-at-unload"), 1);
	run_workloads(2);
	assert_int_equal(works[0].calls, 0);
	/* Also when DriverEntry fails after starting one. */
	memset(&works[1], 0, sizeof(works[1]));
	assert_int_equal(ke_load_driver(&drv[1], "work", "slot=1",
					work_then_fail_entry),
			 STATUS_UNSUCCESSFUL);
	assert_int_equal(count_rule("workload-at-unload"), 2);
	run_workloads(2);
	assert_int_equal(works[1].calls, 0);
}

/* --- stats and options ------------------------------------------------ */

static VOID say_stats(PVOID ctx)
{
	DbgPrint("stats of %s\n", (const char *)ctx);
}

static NTSTATUS stats_entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(void)path;
	HotaddSetStats(o, say_stats, "me");
	return STATUS_SUCCESS;
}

static NTSTATUS plain_entry(PDRIVER_OBJECT o, PUNICODE_STRING path)
{
	(void)o;
	(void)path;
	return STATUS_SUCCESS;
}

static void test_stats_run_as_the_driver(void **state)
{
	(void)state;
	load(0, "st", "", stats_entry);
	load(1, "plain", "", plain_entry);
	ke_driver_stats(&drv[0]);
	ke_driver_stats(&drv[1]);
	expect_line("st", "stats of me");
	assert_int_equal(lines(NULL, ""), 1);
	assert_null(ke_current_driver());
	HotaddSetStats(&drv[0].object, NULL, NULL);
	ke_driver_stats(&drv[0]);
	assert_int_equal(lines(NULL, ""), 1);
	HotaddSetStats(&drv[0].object, say_stats, "again");
	ke_unload_driver(&drv[0]);
	ke_driver_stats(&drv[0]);	/* unloaded: not called */
	assert_int_equal(lines(NULL, ""), 1);
	ke_unload_driver(&drv[1]);
}

static BOOLEAN opt(const char *key, char *buf, ULONG size)
{
	return HotaddGetOption(&drv[0].object, key, buf, size);
}

static void test_get_option_edge_cases(void **state)
{
	char b[16];

	(void)state;
	load(0, "o", "  a=1\tnt=2  ntx=3 empty= bare status=0xC0000001 "
	     "ten=0123456789 a=last", plain_entry);
	assert_true(opt("a", b, sizeof(b)));
	assert_string_equal(b, "last");		/* the last one counts */
	assert_true(opt("nt", b, sizeof(b)));
	assert_string_equal(b, "2");
	assert_true(opt("ntx", b, sizeof(b)));
	assert_string_equal(b, "3");
	assert_true(opt("status", b, sizeof(b)));
	assert_string_equal(b, "0xC0000001");
	assert_true(opt("empty", b, sizeof(b)));
	assert_string_equal(b, "");
	assert_true(opt("bare", b, sizeof(b)));
	assert_string_equal(b, "");
	strcpy(b, "junk");
	assert_false(opt("n", b, sizeof(b)));	/* a prefix is not a key */
	assert_string_equal(b, "");
	assert_false(opt("x", b, sizeof(b)));
	assert_false(opt("A", b, sizeof(b)));	/* case-sensitive */
	assert_false(opt("1", b, sizeof(b)));	/* values are not keys */
	assert_true(opt("ten", b, 11));		/* exactly fits */
	assert_string_equal(b, "0123456789");
	assert_false(opt("ten", b, 10));		/* no room for the NUL */
	assert_string_equal(b, "");
	assert_true(opt("empty", b, 1));
	assert_false(opt("", b, sizeof(b)));
	assert_false(opt(NULL, b, sizeof(b)));
	assert_false(opt("a", NULL, sizeof(b)));
	b[0] = 'x';
	assert_false(opt("a", b, 0));
	assert_int_equal(b[0], 'x');		/* size 0: not touched */
	assert_false(HotaddGetOption(NULL, "a", b, sizeof(b)));
	ke_unload_driver(&drv[0]);
	load(0, "o", NULL, plain_entry);		/* no options at all */
	assert_false(opt("a", b, sizeof(b)));
	ke_unload_driver(&drv[0]);
}

/* 8 present, 3 active, groups of two processors. */
static int setup_groups(void **state)
{
	(void)state;
	machine(8, 3, 2, 0);
	return 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
	const struct CMUnitTest tests[] = {
		T(test_docsample_hears_replay_and_adds),
		T(test_docsample_load_fails_with_callback_status),
		T(test_log_hears_replay_then_adds_with_no_break),
		cmocka_unit_test_setup_teardown(
			test_log_without_replay_across_groups, setup_groups,
			teardown),
		T(test_log_reports_a_corrupted_context),
		T(test_log_rejects_bad_flags),
		T(test_veto_refuses_exactly_its_add),
		T(test_veto_any_uses_default_status),
		T(test_veto_in_replay_fails_the_load),
		T(test_veto_rejects_bad_options),
		T(test_percpu_every_processor_counts_in_its_own_slot),
		T(test_percpu_vetoes_when_pool_runs_out),
		T(test_percpu_flags_a_processor_it_never_got),
		T(test_workload_runs_on_every_active_processor),
		T(test_workload_stop_waits_for_calls_in_progress),
		T(test_workload_may_stop_itself),
		T(test_workload_slots_and_bad_starts),
		T(test_workload_left_running_is_stopped_at_unload),
		T(test_stats_run_as_the_driver),
		T(test_get_option_edge_cases),
		T(test_idiom_builds_and_prints_the_wdk_way),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
