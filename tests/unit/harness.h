/*
 * harness.h: what the unit tests share. A fresh core on the host backend
 * per test, a sink that records every event, and a "probe" callback
 * that logs each notification and can be told to misbehave.
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host.h"

#define LOG_MAX 4096
#define ANY_INDEX 0xfffffffeu

/* One notification as a callback saw it. */
struct call {
	int id;				/* the probe's id */
	KE_PROCESSOR_CHANGE_NOTIFY_STATE state;
	ULONG nt;
	NTSTATUS status;		/* ChangeContext->Status */
	NTSTATUS op;			/* *OperationStatus on entry */
	ULONG active;			/* active count during the call */
	ULONG index_of_number;		/* index of ChangeContext->ProcNumber */
	PROCESSOR_NUMBER pn;
	int events_before;		/* sink events made before the call */
	KIRQL irql;
};

struct probe;
typedef VOID probe_hook(struct probe *p, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			PNTSTATUS op);

struct probe {
	int id;
	NTSTATUS veto;			/* written in Start at veto_at */
	ULONG veto_at;			/* NtNumber, or ANY_INDEX */
	probe_hook *hook;		/* extra behaviour, may be NULL */
	PVOID handle;
	PVOID arg;			/* for hooks */
};

struct event {
	char kind;	/* 'v' verifier, 'd' dbg, 'a' added, 'p' pass,
			   'b' bugcheck, 'i' a processor missed an IPI */
	char driver[KE_NAME_MAX];
	char rule[32];
	char text[256];
	ULONG slot, index, active;	/* 'p': index is nt, 'i': index */
	NTSTATUS status;		/* 'p': the state */
	BOOLEAN replay;			/* 'p' */
	ULONG code;			/* 'b' */
	ULONG_PTR param[4];		/* 'b' */
};

extern struct call calls[LOG_MAX];
extern int ncalls;
extern struct event events[LOG_MAX];
extern int nevents;
extern ULONG notifies;			/* sink->notify invocations */
extern const struct ke_sink rec_sink;

/* Machine: max processors, active at boot, group size, cap: one package
 * whose processors are slots 0..max-1, the first `active` running. */
VOID machine(ULONG max, ULONG active, ULONG group_size, ULONG cap);
/* The table machine() uses (static storage, rewritten by each call). */
const struct ke_processor *one_package(ULONG max, ULONG active);
/* The same from a table of processors. */
VOID machine_table(const struct ke_processor *p, ULONG count,
		   ULONG group_size, ULONG cap);
/* KeIpiGenericCall's arrival wait for the next machine: long by default,
 * so a slow host (sanitizers, many threads on two cores) is never taken
 * for a processor that does not arrive. */
#define IPI_TIMEOUT_MS 30000
extern ULONG ipi_timeout_ms;
/* The next machine's bound on a wait without a timeout (0: the core's
 * default) and its system time at start (0: none given). */
extern ULONG hang_ms;
extern ULONG64 system_time;
/* Whether pass events are kept (TRUE; thousands of replays would fill
 * the log). */
extern BOOLEAN log_passes;

/* KeBugCheckEx unwinds to the EXPECT_BUGCHECK that armed it; anywhere
 * else it fails the test. */
extern jmp_buf bugcheck_jump;
extern BOOLEAN bugcheck_armed;
#define EXPECT_BUGCHECK(stmt) do {					\
	if (setjmp(bugcheck_jump) == 0) {				\
		bugcheck_armed = TRUE;					\
		stmt;							\
		bugcheck_armed = FALSE;					\
		fail_msg("no bugcheck from %s", #stmt);			\
	}								\
	bugcheck_armed = FALSE;						\
} while (0)
int teardown(void **state);
int setup_small(void **state);		/* 8 present, 4 active */

PROCESSOR_CALLBACK_FUNCTION probe_cb;
PVOID reg_probe(struct probe *p, ULONG flags);
VOID reset_log(VOID);

/* Events of one kind, or with a given rule; the n-th of a kind (from 0). */
int count_events(char kind);
struct event *nth_event(char kind, int n);
int count_rule(const char *rule);

/* Asserts calls[from..] holds exactly state `s` for processor nt, in
 * probe order ids[0..n). Returns the next position. */
int expect_pass(int from, KE_PROCESSOR_CHANGE_NOTIFY_STATE s, ULONG nt,
		const int *ids, int n);

#endif
