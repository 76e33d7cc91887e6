/*
 * verifier.c: rule checks, in the spirit of Driver Verifier. Each
 * violation is reported once, through sink->verifier, with the driver's
 * name and a short rule id (the ids are listed in docs/conformance.md).
 *
 * With the verifier off nothing is reported and callbacks' writes are
 * left as they are, as on Windows; the protections that keep the core
 * consistent (refusing re-entry, checking handles) stay on.
 */
#include "ki.h"

BOOLEAN ke_verifier_enabled(VOID)
{
	return ki.verifier;
}

VOID ke_set_verifier(BOOLEAN on)
{
	ki.verifier = on;
}

ULONG ke_violations(VOID)
{
	return KI_LOAD(&ki.violations);
}

VOID ki_violation(struct ke_driver *d, const char *rule, const char *fmt, ...)
{
	char detail[160];
	va_list ap;

	if (!ki.verifier)
		return;
	__atomic_add_fetch(&ki.violations, 1, __ATOMIC_RELAXED);
	if (!ki.sink || !ki.sink->verifier)
		return;
	va_start(ap, fmt);
	ke_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ki.sink->verifier(d, rule, detail);
}

/*
 * The status may change only in Start, only to an error, and only while
 * it still holds success: the first veto wins (WDK page of
 * KeRegisterProcessorChangeCallback: a callback "may" set it in Start;
 * the rest observed Windows behaviour (RE)). A bad write is undone.
 */
static VOID check_status(struct ke_driver *d,
			 KE_PROCESSOR_CHANGE_NOTIFY_STATE state, NTSTATUS was,
			 PNTSTATUS op)
{
	const char *rule;

	if (*op == was)
		return;
	if (state != KeProcessorAddStartNotify)
		rule = "status-not-start";
	else if (NT_SUCCESS(*op))
		rule = "status-success";
	else if (!NT_SUCCESS(was))
		rule = "status-overwrite";
	else
		return;
	ki_violation(d, rule, "OperationStatus changed from 0x%08x to 0x%08x "
		     "in state %u; change undone", (ULONG)was, (ULONG)*op,
		     (ULONG)state);
	*op = was;
}

static BOOLEAN same_context(const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *a,
			    const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *b)
{
	return a->State == b->State && a->NtNumber == b->NtNumber &&
	       a->Status == b->Status &&
	       a->ProcNumber.Group == b->ProcNumber.Group &&
	       a->ProcNumber.Number == b->ProcNumber.Number &&
	       a->ProcNumber.Reserved == b->ProcNumber.Reserved;
}

/* The context is shared by every callback of a pass: it is input only. */
static VOID check_context(struct ke_driver *d,
			  const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *before,
			  PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	if (same_context(before, c))
		return;
	ki_violation(d, "context-modified", "ChangeContext of processor %u "
		     "modified by the callback; restored", before->NtNumber);
	*c = *before;
}

VOID ki_pc_check(struct ki_cbreg *r,
		 const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *before,
		 NTSTATUS was, PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
		 PNTSTATUS op)
{
	if (!ki.verifier)
		return;
	check_status(r->driver, before->State, was, op);
	check_context(r->driver, before, c);
}
