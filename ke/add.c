/*
 * add.c: the processor add path, KeStartDynamicProcessor ->
 * backend start (HalStartDynamicProcessor on Windows) ->
 * KiInitializeDynamicProcessor on the new processor -> notifications.
 * The order of events follows docs/conformance.md ("An add") and a
 * decompiled Windows kernel (KeStartDynamicProcessor, KiStartDynamicProcessor,
 * KiDynamicProcessorAddNotification: observed Windows behaviour (RE)).
 */
#include "ki.h"

/*
 * Runs on the new processor, from the backend, while the BSP waits with
 * the dynamic lock held: so it must not take that lock. Setting the
 * online flag is its report; a processor that is not the one being
 * brought up (wrong identity) does not report.
 */
VOID KiInitializeDynamicProcessor(ULONG index)
{
	if (index < KI_LOAD(&ki.numbered) && ki.be->current() == index)
		KI_STORE(&ki.online[index], 1);
}

/* A backend error passes through; success without the new processor's
 * own report is an internal error. */
static NTSTATUS start(ULONG slot, ULONG index)
{
	NTSTATUS st;

	KI_STORE(&ki.online[index], 0);
	st = ki.be->start(slot, index);
	if (!NT_SUCCESS(st))
		return st;
	return KI_LOAD(&ki.online[index]) ? STATUS_SUCCESS :
					    STATUS_INTERNAL_ERROR;
}

/*
 * One broadcast (KiDynamicProcessorAddNotification, RE): a context made
 * for it alone and a status variable holding STATUS_SUCCESS, passed to
 * every registration; the status the callbacks leave is returned.
 */
static NTSTATUS broadcast(KE_PROCESSOR_CHANGE_NOTIFY_STATE state, ULONG n,
			  NTSTATUS status)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = {
		.State = state, .NtNumber = n, .Status = status,
		.ProcNumber = ki_number(n),
	};
	NTSTATUS op = STATUS_SUCCESS;

	if (ki.sink && ki.sink->pass)
		ki.sink->pass(state, n, FALSE, NULL);
	ExNotifyCallback(ki_procadd, &c, &op);
	return op;
}

/*
 * Start to everyone (even after a veto); the hardware only if the
 * status Start left is a success; then the processor joins the active
 * set before Complete, or everyone, the vetoer included, gets Failure
 * with the final status. Same order in every pass. Complete carries the
 * Start status in its context (a success code, 0 unless a callback left
 * an informational one) and the add returns it, as Windows does.
 */
static NTSTATUS add(ULONG slot, ULONG n, PROCESSOR_NUMBER at)
{
	NTSTATUS st, started;

	ki_give_number(n, at);
	st = broadcast(KeProcessorAddStartNotify, n, STATUS_SUCCESS);
	if (NT_SUCCESS(st) && !NT_SUCCESS(started = start(slot, n)))
		st = started;
	if (NT_SUCCESS(st)) {
		ki_activate(n);
		ki_dpc_activated(n);
		broadcast(KeProcessorAddCompleteNotify, n, st);
		return st;
	}
	broadcast(KeProcessorAddFailureNotify, n, st);
	ki_take_number(n);	/* valid through Failure, for cleanup */
	return st;
}

/* The place ke_init gave slot, if it is a processor that can be added:
 * in the table and not numbered already. */
static BOOLEAN addable(ULONG slot, PPROCESSOR_NUMBER at)
{
	return NT_SUCCESS(ke_slot_number(slot, at)) &&
	       KI_LOAD(ki_seat(*at)) == INVALID_PROCESSOR_INDEX;
}

/*
 * Adds fail before any notification when every processor is active
 * already or the cap is reached (STATUS_LICENSE_QUOTA_EXCEEDED: what
 * Windows' KeStartDynamicProcessor returns when the count has reached
 * the maximum, RE), or when slot is not a processor that can be added
 * (STATUS_INVALID_PARAMETER). sink->added is told either way.
 */
NTSTATUS KeStartDynamicProcessor(ULONG slot)
{
	PROCESSOR_NUMBER at;
	NTSTATUS st;
	ULONG n;

	ki_lock();
	n = KI_LOAD(&ki.active);
	if (n >= ki.cfg.cap)
		st = STATUS_LICENSE_QUOTA_EXCEEDED;
	else if (!addable(slot, &at))
		st = STATUS_INVALID_PARAMETER;
	else
		st = add(slot, n, at);
	if (ki.sink && ki.sink->added)
		ki.sink->added(slot, n, st, KI_LOAD(&ki.active));
	ki_unlock();
	return st;
}
