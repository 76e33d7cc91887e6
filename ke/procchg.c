/*
 * procchg.c: KeRegisterProcessorChangeCallback and
 * KeDeregisterProcessorChangeCallback, thin wrappers over the
 * \Callback\ProcessorAdd object, and the replay of the processors that
 * are already active (KE_PROCESSOR_CHANGE_ADD_EXISTING).
 */
#include "ki.h"

PCALLBACK_OBJECT ki_procadd;

/* Every processor-change callback goes through here: the verifier
 * compares what the callback may and may not change, then the sink
 * sees the call. */
static VOID pc_invoke(struct ki_cbreg *r, PVOID a1, PVOID a2)
{
	PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = a1;
	PNTSTATUS op = a2;
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT before = *c;
	NTSTATUS was = *op;

	ki_cb_call(r, a1, a2);
	ki_pc_check(r, &before, was, c, op);
	if (ki.sink && ki.sink->notify)
		ki.sink->notify(r->driver, c, *op);
}

VOID ki_pc_init(VOID)
{
	static const WCHAR name[] = {
		'\\', 'C', 'a', 'l', 'l', 'b', 'a', 'c', 'k', '\\',
		'P', 'r', 'o', 'c', 'e', 's', 's', 'o', 'r',
		'A', 'd', 'd', 0
	};

	ki_procadd = ki_cb_object(name, pc_invoke);
}

/*
 * One replay pass over processors 0..n-1 for a single registration. In
 * Failure the status keeps the veto code; otherwise it is reset to
 * success before each call. A Start pass stops at the first veto. Any
 * pass stops if the callback deregistered its own registration.
 * Returns the index it stopped at.
 */
static ULONG replay_pass(struct ki_cbreg *r,
			 KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG n,
			 NTSTATUS *st)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c;
	NTSTATUS code = state == KeProcessorAddFailureNotify ? *st : 0;
	ULONG i;

	for (i = 0; i < n && !r->dead; i++) {
		c.State = state;
		c.NtNumber = i;
		c.Status = code;
		ki_number(i, &c.ProcNumber);
		*st = code;
		pc_invoke(r, &c, st);
		if (state == KeProcessorAddStartNotify && !NT_SUCCESS(*st))
			break;
	}
	return i;
}

/*
 * ADD_EXISTING (WDK page of KeRegisterProcessorChangeCallback, details
 * observed Windows behaviour (RE)): Start for every active processor in
 * index order; on a veto at k, Failure for 0..k-1 only (not k), carrying
 * the veto code; otherwise Complete for all. Returns the veto code, or
 * success. A registration that vanished mid-replay counts as a failure.
 */
static NTSTATUS replay(struct ki_cbreg *r, ULONG n)
{
	NTSTATUS st = STATUS_SUCCESS;
	ULONG k = replay_pass(r, KeProcessorAddStartNotify, n, &st);
	NTSTATUS veto = st;

	if (!NT_SUCCESS(veto)) {
		replay_pass(r, KeProcessorAddFailureNotify, k, &st);
		return veto;
	}
	replay_pass(r, KeProcessorAddCompleteNotify, n, &st);
	return r->dead ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}

static PVOID register_locked(PPROCESSOR_CALLBACK_FUNCTION fn, PVOID ctx,
			     ULONG flags)
{
	PVOID h;
	struct ki_cbreg *r;
	NTSTATUS st;

	/* All parameter types are pointers: the object calls fn through
	 * the generic callback type, as Windows does. */
	h = ExRegisterCallback(ki_procadd,
			       (PCALLBACK_FUNCTION)(void (*)(void))fn, ctx);
	if (!h || !(flags & KE_PROCESSOR_CHANGE_ADD_EXISTING))
		return h;
	r = ki_cb_reg(h);
	ki_cb_hold(ki_procadd);
	st = replay(r, KI_LOAD(&ki.active));
	if (!NT_SUCCESS(st) && !r->dead)
		ExUnregisterCallback(h);
	ki_cb_release(ki_procadd);
	return NT_SUCCESS(st) ? h : NULL;
}

/*
 * Only bit 0 of Flags means anything (observed Windows behaviour (RE)).
 * From inside a callback Windows deadlocks on its own lock; here the
 * call is reported and refused.
 */
PVOID KeRegisterProcessorChangeCallback(PPROCESSOR_CALLBACK_FUNCTION
					CallbackFunction,
					PVOID CallbackContext, ULONG Flags)
{
	struct ke_driver *d = ke_current_driver();
	PVOID h;

	if (ki_lock_is_mine()) {
		ki_violation(d, "reg-in-callback",
			     "registration from inside a processor-change "
			     "callback refused (Windows deadlocks)");
		return NULL;
	}
	if (!CallbackFunction)
		return NULL;
	ki_lock();
	h = register_locked(CallbackFunction, CallbackContext, Flags);
	if (ki.sink && ki.sink->registered)	/* NULL too: a refusal */
		ki.sink->registered(d, Flags, h);
	ki_unlock();
	return h;
}

static VOID deregister(PVOID h)
{
	struct ki_cbreg *r = ki_cb_reg(h);
	struct ke_driver *d;

	if (!r)
		return;
	d = r->driver;
	ExUnregisterCallback(h);
	if (ki.sink && ki.sink->deregistered)
		ki.sink->deregistered(d);
}

/*
 * From inside a callback Windows deadlocks; here the call is reported
 * and then done without taking the lock (this processor holds it), and
 * the registration gets nothing more of the pass in progress.
 */
VOID KeDeregisterProcessorChangeCallback(PVOID CallbackHandle)
{
	if (ki_lock_is_mine()) {
		ki_violation(ke_current_driver(), "dereg-in-callback",
			     "deregistration from inside a processor-change "
			     "callback (Windows deadlocks)");
		deregister(CallbackHandle);
		return;
	}
	ki_lock();
	deregister(CallbackHandle);
	ki_unlock();
}
