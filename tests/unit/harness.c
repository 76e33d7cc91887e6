/*
 * harness.c: the recording sink, the probe callback and the per-test
 * machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct call calls[LOG_MAX];
int ncalls;
struct event events[LOG_MAX];
int nevents;
ULONG notifies;
ULONG ipi_timeout_ms = IPI_TIMEOUT_MS;
ULONG hang_ms;
ULONG64 system_time;
BOOLEAN log_passes = TRUE;
jmp_buf bugcheck_jump;
BOOLEAN bugcheck_armed;

/* Events may come from several processors at once (the verifier's
 * reports from IPI workers): each takes its own place. */
static struct event *new_event(char kind, struct ke_driver *d)
{
	int i = __atomic_fetch_add(&nevents, 1, __ATOMIC_SEQ_CST);
	struct event *e;

	if (i >= LOG_MAX) {		/* full: the last place is reused */
		__atomic_fetch_sub(&nevents, 1, __ATOMIC_SEQ_CST);
		i = LOG_MAX - 1;
	}
	e = &events[i];

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	strcpy(e->driver, d ? d->name : "-");
	return e;
}

static VOID on_notify(struct ke_driver *d,
		      const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *c, NTSTATUS op)
{
	(VOID)d;
	(VOID)c;
	(VOID)op;
	notifies++;
}

static VOID on_verifier(struct ke_driver *d, const char *rule,
			const char *detail)
{
	struct event *e = new_event('v', d);

	snprintf(e->rule, sizeof(e->rule), "%s", rule);
	snprintf(e->text, sizeof(e->text), "%s", detail);
}

static VOID on_dbg(struct ke_driver *d, const char *text)
{
	snprintf(new_event('d', d)->text, sizeof(events[0].text), "%s", text);
}

static VOID on_added(ULONG slot, ULONG index, NTSTATUS status, ULONG active)
{
	struct event *e = new_event('a', NULL);

	e->slot = slot;
	e->index = index;
	e->status = status;
	e->active = active;
}

static VOID on_pass(KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG nt,
		    BOOLEAN replay, struct ke_driver *d)
{
	struct event *e;

	if (!log_passes)
		return;
	e = new_event('p', d);
	e->status = state;
	e->index = nt;
	e->replay = replay;
}

static VOID on_bugcheck(struct ke_driver *d, ULONG code, ULONG_PTR p1,
			ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
	struct event *e = new_event('b', d);

	e->code = code;
	e->param[0] = p1;
	e->param[1] = p2;
	e->param[2] = p3;
	e->param[3] = p4;
	if (!bugcheck_armed) {
		fprintf(stderr, "unexpected bugcheck 0x%x\n", code);
		abort();
	}
	longjmp(bugcheck_jump, 1);
}

static VOID on_ipi_missing(ULONG index, ULONG waited_ms)
{
	struct event *e = new_event('i', NULL);

	e->index = index;
	e->active = waited_ms;
}

const struct ke_sink rec_sink = {
	.notify = on_notify,
	.verifier = on_verifier,
	.dbg = on_dbg,
	.added = on_added,
	.pass = on_pass,
	.bugcheck = on_bugcheck,
	.ipi_missing = on_ipi_missing,
};

VOID reset_log(VOID)
{
	ncalls = 0;
	nevents = 0;
	notifies = 0;
}

VOID machine_table(const struct ke_processor *p, ULONG count,
		   ULONG group_size, ULONG cap)
{
	struct ke_config cfg = {
		.processors = p, .count = count, .group_size = group_size,
		.cap = cap, .ipi_timeout_ms = ipi_timeout_ms,
		.hang_ms = hang_ms, .system_time = system_time,
		.verifier = TRUE,
	};

	reset_log();
	assert_int_equal(ke_init(&cfg, &host_backend, &rec_sink),
			 STATUS_SUCCESS);
	host_init(p, count);
}

const struct ke_processor *one_package(ULONG max, ULONG active)
{
	static struct ke_processor p[KE_MAX_PROCESSORS];
	ULONG i;

	for (i = 0; i < max; i++)
		p[i] = (struct ke_processor){
			.slot = i, .core = i, .active = i < active,
			.present = TRUE,
		};
	return p;
}

VOID machine(ULONG max, ULONG active, ULONG group_size, ULONG cap)
{
	machine_table(one_package(max, active), max, group_size, cap);
}

int setup_small(void **state)
{
	(void)state;
	machine(8, 4, 0, 0);
	return 0;
}

/* Every test must leave no core memory behind. */
int teardown(void **state)
{
	(void)state;
	host_fini();
	assert_int_equal(host_allocs(), 0);
	return 0;
}

VOID probe_cb(PVOID ctx, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op)
{
	struct probe *p = ctx;
	struct call *k = &calls[ncalls < LOG_MAX ? ncalls++ : LOG_MAX - 1];

	k->id = p->id;
	k->state = c->State;
	k->nt = c->NtNumber;
	k->status = c->Status;
	k->op = *op;
	k->pn = c->ProcNumber;
	k->events_before = nevents;
	k->irql = KeGetCurrentIrql();
	k->active = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
	k->index_of_number = KeGetProcessorIndexFromNumber(&c->ProcNumber);
	if (p->veto && c->State == KeProcessorAddStartNotify &&
	    (p->veto_at == ANY_INDEX || p->veto_at == c->NtNumber))
		*op = p->veto;
	if (p->hook)
		p->hook(p, c, op);
}

PVOID reg_probe(struct probe *p, ULONG flags)
{
	p->handle = KeRegisterProcessorChangeCallback(probe_cb, p, flags);
	return p->handle;
}

int count_events(char kind)
{
	int i, n = 0;

	for (i = 0; i < nevents; i++)
		n += events[i].kind == kind;
	return n;
}

struct event *nth_event(char kind, int n)
{
	int i;

	for (i = 0; i < nevents; i++)
		if (events[i].kind == kind && n-- == 0)
			return &events[i];
	fail_msg("no event '%c' number %d", kind, n);
	return NULL;
}

int count_rule(const char *rule)
{
	int i, n = 0;

	for (i = 0; i < nevents; i++)
		n += events[i].kind == 'v' && !strcmp(events[i].rule, rule);
	return n;
}

int expect_pass(int from, KE_PROCESSOR_CHANGE_NOTIFY_STATE s, ULONG nt,
		const int *ids, int n)
{
	int i;

	assert_true(from + n <= ncalls);
	for (i = 0; i < n; i++) {
		assert_int_equal(calls[from + i].id, ids[i]);
		assert_int_equal(calls[from + i].state, s);
		assert_int_equal(calls[from + i].nt, nt);
	}
	return from + n;
}
