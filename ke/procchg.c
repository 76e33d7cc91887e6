/*
 * procchg.c: KeRegisterProcessorChangeCallback and
 * KeDeregisterProcessorChangeCallback, thin wrappers over the
 * \Callback\ProcessorAdd object, and the replay of the processors that
 * are already active (KE_PROCESSOR_CHANGE_ADD_EXISTING).
 */
#include "ki.h"

PCALLBACK_OBJECT ki_procadd;

/*
 * Two contexts compared as four 32-bit words: few instructions, and
 * each load is the width of the field stores that made the context (a
 * wider load of several fresh narrower stores stalls store forwarding).
 * The words cover every field: there is no padding.
 */
typedef ULONG __attribute__((may_alias)) ctx_word;
_Static_assert(sizeof(KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT) ==
	       4 * sizeof(ctx_word), "KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT "
	       "is not four words");

static inline BOOLEAN same(const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *a,
			   const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *b)
{
	const ctx_word *x = (const ctx_word *)a, *y = (const ctx_word *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		(x[3] ^ y[3])) == 0;
}

typedef VOID sink_notify_fn(struct ke_driver *d,
			    const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *ctx,
			    NTSTATUS op);

/* Looked up once per pass, not once per callback. */
static sink_notify_fn *sink_notify(VOID)
{
	return ki.sink ? ki.sink->notify : NULL;
}

/*
 * Every processor-change callback goes through here: the hot path of
 * every add and replay. ref is the context as the core made it, c the
 * one the callback gets. The verifier looks closer only when the status
 * or the context changed, so a callback that keeps the rules costs two
 * compares; then the sink sees the call.
 */
static inline VOID pc_call(struct ki_cbreg *r,
			   const KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT *ref,
			   PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c, PNTSTATUS op,
			   sink_notify_fn *notify)
{
	NTSTATUS was = *op;
	struct ke_driver *prev = ki_enter(r->driver);

	r->fn(r->ctx, c, op);
	ki_leave(prev);
	if (*op != was || !same(c, ref))
		ki_pc_check(r, ref, was, c, op);
	if (notify)
		notify(r->driver, c, *op);
}

/*
 * One pass of an add (add.c notifies the object): every live
 * registration, in order. One reference copy of the context serves the
 * whole pass: the verifier restores the context after any callback that
 * changed it. (With the verifier off a change stays, as on Windows, and
 * the next callbacks see it.)
 */
static VOID pc_pass(PLIST_ENTRY regs, PVOID a1, PVOID a2)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ref;
	sink_notify_fn *notify = sink_notify();
	PLIST_ENTRY e;
	struct ki_cbreg *r;

	if (IsListEmpty(regs))	/* a1 is only read for a callback */
		return;
	ref = *(PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT)a1;
	for (e = regs->Flink; e != regs; e = e->Flink) {
		r = CONTAINING_RECORD(e, struct ki_cbreg, link);
		if (!r->dead)
			pc_call(r, &ref, a1, a2, notify);
	}
}

VOID ki_pc_init(VOID)
{
	static const WCHAR name[] = {
		'\\', 'C', 'a', 'l', 'l', 'b', 'a', 'c', 'k', '\\',
		'P', 'r', 'o', 'c', 'e', 's', 's', 'o', 'r',
		'A', 'd', 'd', 0
	};

	ki_procadd = ki_cb_object(name, pc_pass);
}

/*
 * One replay pass over processors 0..n-1 for a single registration. In
 * Failure the status keeps the veto code; otherwise it is reset to
 * success before each call. A Start pass stops at the first veto. Any
 * pass stops if the callback deregistered its own registration.
 * Returns the index it stopped at. Numbers are counted on, not divided
 * out, from one processor to the next.
 */
static ULONG replay_pass(struct ki_cbreg *r,
			 KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG n,
			 NTSTATUS *st)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ref, c;
	sink_notify_fn *notify = sink_notify();
	NTSTATUS code = state == KeProcessorAddFailureNotify ? *st : 0;
	PROCESSOR_NUMBER pn = { 0 };	/* index 0's */
	ctx_word w;
	ULONG i;

	for (i = 0; i < n && !r->dead; i++) {
		/* Each word one store, of its width: see same(). */
		ref.State = c.State = state;
		ref.NtNumber = c.NtNumber = i;
		ref.Status = c.Status = code;
		__builtin_memcpy(&w, &pn, sizeof(w));
		__builtin_memcpy(&ref.ProcNumber, &w, sizeof(w));
		__builtin_memcpy(&c.ProcNumber, &w, sizeof(w));
		*st = code;
		pc_call(r, &ref, &c, st, notify);
		if (state == KeProcessorAddStartNotify && !NT_SUCCESS(*st))
			break;
		ki_next_number(&pn);
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
	PVOID h = NULL;

	if (ki_lock_is_mine()) {
		ki_violation(d, "reg-in-callback",
			     "registration from inside a processor-change "
			     "callback refused (Windows deadlocks)");
	} else if (CallbackFunction) {
		ki_lock();
		h = register_locked(CallbackFunction, CallbackContext, Flags);
		ki_unlock();
	}
	/* Every return is reported, a refusal (NULL) too. */
	if (ki.sink && ki.sink->registered)
		ki.sink->registered(d, Flags, h);
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
