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

static inline ctx_word *words(PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	return (ctx_word *)c;
}

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

	r->calls++;
	r->fn(r->ctx, c, op);
	r->calls--;
	ki_affinity_check(r->driver, "processor-change callback");
	ki_leave(prev);
	if (*op != was || !same(c, ref))
		ki_pc_check(r, ref, was, c, op);
	if (notify)
		notify(r->driver, c, *op);
}

/*
 * One pass of an add (add.c notifies the object): every live
 * registration, in order, with the pass's one context and status, as
 * ExNotifyCallback passes the same two arguments to each. One reference
 * copy of the context serves the whole pass: the verifier restores the
 * context after any callback that changed it. (With the verifier off a
 * change stays, as on Windows, and the next callbacks see it.)
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

static VOID pass_begins(KE_PROCESSOR_CHANGE_NOTIFY_STATE state,
			struct ki_cbreg *r)
{
	if (ki.sink && ki.sink->pass)
		ki.sink->pass(state, 0, TRUE, r->driver);
}

/* Index i's number, as the context's last word (Reserved 0). */
static inline ULONG number_word(ULONG i)
{
	PROCESSOR_NUMBER n = ki_number(i);
	ULONG w;

	__builtin_memcpy(&w, &n, sizeof(w));
	return w;
}

#define RESERVED_BYTE 0xff000000u	/* ProcNumber.Reserved, as a word */

/*
 * One call of the replay. Windows' replay (KeRegisterProcessorChangeCallback,
 * RE) keeps one context and one status for the whole registration and
 * refreshes only some fields before each call: NtNumber and the
 * processor's Group and Number always, and in Start also State, Status
 * and the status variable; Reserved is zeroed once, at the start. So with
 * the verifier off, a callback's change of State or Status in Complete or
 * Failure, of Reserved anywhere, and its write of the status outside
 * Start reach its next calls. ref is the context as it should be.
 */
static VOID replay_call(struct ki_cbreg *r,
			PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG i,
			NTSTATUS status, PNTSTATUS op, sink_notify_fn *notify)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ref;
	ctx_word *x = words(&ref), *y = words(c);
	ULONG n = number_word(i);

	/* Each word one store, of its width: see same(). */
	x[0] = state;
	x[1] = y[1] = i;
	x[2] = (ULONG)status;
	x[3] = n;
	y[3] = n | (y[3] & RESERVED_BYTE);
	if (state == KeProcessorAddStartNotify) {
		y[0] = state;
		y[2] = (ULONG)status;
		*op = STATUS_SUCCESS;
	}
	pc_call(r, &ref, c, op, notify);
}

/*
 * ADD_EXISTING (WDK page of KeRegisterProcessorChangeCallback, details
 * RE): Start for every active processor in index order, the status
 * reset to success before each; on a veto at k, Failure for 0..k-1 only
 * (not k), carrying the veto code; otherwise Complete for all, carrying
 * the status the last Start left. The second pass starts with the status
 * variable as the last Start left it and never resets it. Returns the
 * veto code, or success. A registration that vanished mid-replay counts
 * as a failure (only the simulator lets a callback name its handle
 * before the registration returns).
 */
static NTSTATUS replay(struct ki_cbreg *r, ULONG n)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c;
	sink_notify_fn *notify = sink_notify();
	KE_PROCESSOR_CHANGE_NOTIFY_STATE end;
	NTSTATUS op = STATUS_SUCCESS, st;
	ULONG i, k;

	words(&c)[3] = 0;
	pass_begins(KeProcessorAddStartNotify, r);
	for (k = 0; k < n && !r->dead; k++) {
		replay_call(r, &c, KeProcessorAddStartNotify, k,
			    STATUS_SUCCESS, &op, notify);
		if (!NT_SUCCESS(op))
			break;
	}
	if (r->dead)
		return STATUS_UNSUCCESSFUL;
	st = op;
	end = NT_SUCCESS(st) ? KeProcessorAddCompleteNotify :
			       KeProcessorAddFailureNotify;
	words(&c)[0] = end;
	words(&c)[2] = (ULONG)st;
	if (k)
		pass_begins(end, r);
	for (i = 0; i < k && !r->dead; i++)
		replay_call(r, &c, end, i, st, &op, notify);
	return r->dead ? STATUS_UNSUCCESSFUL : st;
}

static PVOID register_locked(PPROCESSOR_CALLBACK_FUNCTION fn, PVOID ctx,
			     ULONG flags)
{
	struct ki_cbreg *r;
	NTSTATUS st;
	BOOLEAN was;
	PVOID h;

	/* All parameter types are pointers: the object calls fn through
	 * the generic callback type, as Windows does. */
	h = ki_cb_register(ki_procadd,
			   (PCALLBACK_FUNCTION)(void (*)(void))fn, ctx);
	if (!h || !(flags & KE_PROCESSOR_CHANGE_ADD_EXISTING))
		return h;
	ki_cb_hold();
	r = ki_cb_reg(h);
	st = r ? replay(r, KI_LOAD(&ki.active)) : STATUS_UNSUCCESSFUL;
	if (!NT_SUCCESS(st) && ki_cb_reg(h))
		ki_cb_unregister(h, &was);
	ki_cb_release();
	return NT_SUCCESS(st) ? h : NULL;
}

/*
 * Checks shared with ExRegisterCallback: a NULL function (Windows
 * accepts it and calls it at the first notification) and, on
 * \Callback\ProcessorAdd, a registration from inside one of its
 * callbacks (Windows: KeRegisterProcessorChangeCallback waits for the
 * dynamic-processor lock the add holds, a deadlock) are reported and
 * refused.
 */
BOOLEAN ki_pc_may_register(PCALLBACK_OBJECT obj, BOOLEAN has_fn)
{
	struct ke_driver *d = ke_current_driver();

	if (!has_fn) {
		ki_violation(d, "reg-null-callback", "registration of a NULL "
			     "callback function refused (Windows calls it at "
			     "the first notification)");
		return FALSE;
	}
	if (obj == ki_procadd && ki_lock_is_mine()) {
		ki_violation(d, "reg-in-callback", "registration from inside "
			     "a processor-change callback refused (Windows "
			     "deadlocks)");
		return FALSE;
	}
	return TRUE;
}

/*
 * Only bit 0 of Flags means anything (observed Windows behaviour (RE)).
 * The registration and its replay hold the dynamic-processor lock, so
 * they never interleave with an add.
 */
PVOID KeRegisterProcessorChangeCallback(PPROCESSOR_CALLBACK_FUNCTION
					CallbackFunction,
					PVOID CallbackContext, ULONG Flags)
{
	struct ke_driver *d = ke_current_driver();
	PVOID h = NULL;

	if (ki_pc_may_register(ki_procadd, CallbackFunction != NULL)) {
		ki_lock();
		h = register_locked(CallbackFunction, CallbackContext, Flags);
		ki_unlock();
	}
	/* Every return is reported, a refusal (NULL) too. */
	if (ki.sink && ki.sink->registered)
		ki.sink->registered(d, Flags, h);
	return h;
}

/*
 * A thin ExUnregisterCallback (RE): it does not take the
 * dynamic-processor lock, so a callback may deregister another
 * registration, which then gets nothing more of the pass in progress.
 */
VOID KeDeregisterProcessorChangeCallback(PVOID CallbackHandle)
{
	BOOLEAN was;
	struct ke_driver *d = ki_cb_unregister(CallbackHandle, &was);

	if (was && ki.sink && ki.sink->deregistered)
		ki.sink->deregistered(d);
}
