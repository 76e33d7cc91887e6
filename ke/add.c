/*
 * add.c: the processor add path, KeStartDynamicProcessor ->
 * backend start (HalStartDynamicProcessor on Windows) ->
 * KiInitializeDynamicProcessor on the new processor -> notifications.
 * The order of events follows DESIGN.md section 3 (observed Windows
 * behaviour (RE), the WDK page of KeRegisterProcessorChangeCallback).
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
 * Start to everyone (even after a veto; one shared status, first veto
 * wins); the hardware only if nobody vetoed; then the processor joins
 * the active set before Complete, or everyone, the vetoer included,
 * gets Failure with the final status. Same order in every pass.
 */
static NTSTATUS add(ULONG slot, ULONG n)
{
	KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c = {
		.State = KeProcessorAddStartNotify, .NtNumber = n,
	};
	NTSTATUS st = STATUS_SUCCESS, final;

	ki_number(n, &c.ProcNumber);
	KI_STORE(&ki.numbered, n + 1);
	ExNotifyCallback(ki_procadd, &c, &st);
	if (NT_SUCCESS(st))
		st = start(slot, n);
	if (NT_SUCCESS(st)) {
		ki_activate(n);
		c.State = KeProcessorAddCompleteNotify;
		ExNotifyCallback(ki_procadd, &c, &st);
		return STATUS_SUCCESS;
	}
	c.State = KeProcessorAddFailureNotify;
	c.Status = final = st;
	ExNotifyCallback(ki_procadd, &c, &st);
	KI_STORE(&ki.numbered, n);	/* valid through Failure, for cleanup */
	return final;
}

/*
 * Adds fail before any notification when no present processor is left
 * (STATUS_INVALID_PARAMETER) or the cap is reached
 * (STATUS_LICENSE_QUOTA_EXCEEDED); sink->added is told either way.
 */
NTSTATUS KeStartDynamicProcessor(ULONG slot)
{
	NTSTATUS st;
	ULONG n;

	ki_lock();
	n = KI_LOAD(&ki.active);
	if (n >= ki.cfg.max)
		st = STATUS_INVALID_PARAMETER;
	else if (n >= ki.cfg.cap)
		st = STATUS_LICENSE_QUOTA_EXCEEDED;
	else
		st = add(slot, n);
	if (ki.sink && ki.sink->added)
		ki.sink->added(slot, n, st, KI_LOAD(&ki.active));
	ki_unlock();
	return st;
}
