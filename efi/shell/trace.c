/*
 * trace.c: the core's events, for people and (with --trace) as @ lines.
 * Each notification is printed after the callback returned, so "op" is
 * what the callback left in *OperationStatus.
 */
#include <ke.h>
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "trace.h"

static const char *const state_names[] = {
	[KeProcessorAddStartNotify] = "start",
	[KeProcessorAddCompleteNotify] = "complete",
	[KeProcessorAddFailureNotify] = "failure",
};

static const char *
state_name(KE_PROCESSOR_CHANGE_NOTIFY_STATE s)
{
	return (unsigned)s < 3 ? state_names[s] : "?";
}

static const char *
name(struct ke_driver *d)
{
	return d ? d->name : "-";
}

static VOID
registered(struct ke_driver *d, ULONG flags, PVOID handle)
{
	con_printf("%s registered for processor changes (flags %u): %s\n",
		   name(d), flags, handle ? "ok" : "refused, NULL handle");
	if (handle)
		con_trace("register drv=%s flags=%u handle=0x%lx", name(d),
			  flags, (unsigned long)(ULONG_PTR)handle);
	else
		con_trace("register drv=%s flags=%u handle=0", name(d), flags);
}

static VOID
deregistered(struct ke_driver *d)
{
	con_trace("deregister drv=%s", name(d));
}

/*
 * A pass begins: the @pass line and, with --explain, a sentence, both
 * before the pass's first callback. A registration's ADD_EXISTING
 * replay gets one sentence of its own, at its Start pass.
 */
static VOID
pass(KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG nt, BOOLEAN replay,
     struct ke_driver *d)
{
	static const char *const add_pass[] = {
		"Start pass: each registered callback, in registration "
		"order, hears that processor %u is coming and may veto it "
		"by setting *OperationStatus to an error.",
		"Complete pass: processor %u has joined the active set; "
		"each callback hears it is ready to use.",
		"Failure pass: processor %u will not be added; each callback, "
		"in the same order, hears it with the final status (a veto's "
		"code, or why the start failed) in ChangeContext->Status.",
	};

	con_trace("pass state=%s nt=%u kind=%s drv=%s", state_name(state), nt,
		  replay ? "replay" : "add", name(d));
	if (replay && state == KeProcessorAddStartNotify)
		con_explain("ADD_EXISTING replay: %s hears each active "
			    "processor as if it were being added, every Start "
			    "first, then every Complete (or, after a veto, "
			    "Failure for those before it).", name(d));
	else if (!replay && (unsigned)state < 3)
		con_explain(add_pass[state], nt);
}

static VOID
notify(struct ke_driver *d, const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *ctx,
       NTSTATUS op)
{
	if (!con_quiet)
		con_printf("  %-12s %-8s nt %u (group %u number %u) status "
			   "0x%08x op 0x%08x\n", name(d),
			   state_name(ctx->State), ctx->NtNumber,
			   ctx->ProcNumber.Group, ctx->ProcNumber.Number,
			   (unsigned)ctx->Status, (unsigned)op);
	con_trace("notify drv=%s state=%s nt=%u group=%u number=%u "
		  "status=0x%08x op=0x%08x", name(d),
		  state_name(ctx->State), ctx->NtNumber,
		  ctx->ProcNumber.Group, ctx->ProcNumber.Number,
		  (unsigned)ctx->Status, (unsigned)op);
}

static VOID
verifier(struct ke_driver *d, const char *rule, const char *detail)
{
	con_printf("VERIFIER: %s: %s (%s)\n", name(d), detail, rule);
	con_trace("verifier drv=%s rule=%s", name(d), rule);
}

static VOID
dbg(struct ke_driver *d, const char *text)
{
	con_printf("[%s] %s\n", name(d), text);
	con_trace("dbg drv=%s %s", name(d), text);
}

/*
 * A processor said online: stamped with the moment it did (its own TSC),
 * with when its start was asked and when it ran its first instruction
 * of the simulator, in the same microseconds.
 */
void
trace_online(const struct cpu *c)
{
	con_trace_at(c->tsc_online, "online mp=%u apic=%u start=%lu entry=%lu",
		     c->mp, c->apic, (unsigned long)clock_at_us(c->tsc_start),
		     (unsigned long)clock_at_us(c->tsc_entry));
}

static VOID
added(ULONG slot, ULONG index, NTSTATUS status, ULONG active)
{
	if (NT_SUCCESS(status))
		trace_online(&machine.cpu[slot]);
	con_printf("add mp %u as nt %u: %s (status 0x%08x), %u active\n",
		   slot, index, NT_SUCCESS(status) ? "added" : "FAILED",
		   (unsigned)status, active);
	con_trace("add mp=%u nt=%u status=0x%08x active=%u method=%s", slot,
		  index, (unsigned)status, active,
		  cpu_starts_native(&machine, &machine.cpu[slot]) ? "native"
								  : "mp");
}

/* KeBugCheckEx: never returns (stop.c). */
static VOID
bugcheck(struct ke_driver *d, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
	 ULONG_PTR p3, ULONG_PTR p4)
{
	const uintptr_t p[4] = { p1, p2, p3, p4 };

	stop_machine(name(d), code, p);
}

static VOID
ipi_missing(ULONG index, ULONG waited_ms)
{
	uint32_t n;

	for (n = 0; n < machine.nslot && machine.cpu[n].index != index; n++)
		;
	con_error("KeIpiGenericCall: nt %u (mp %d) did not take the call "
		  "within %u ms; no processor ran the worker", index,
		  n < machine.nslot ? (int)n : -1, waited_ms);
}

const struct ke_sink trace_sink = {
	.registered = registered,
	.deregistered = deregistered,
	.notify = notify,
	.verifier = verifier,
	.dbg = dbg,
	.added = added,
	.pass = pass,
	.bugcheck = bugcheck,
	.ipi_missing = ipi_missing,
};
