/*
 * wait.c: KeWaitForSingleObject (on events) and KeDelayExecutionThread.
 *
 * There is no scheduler: a wait polls its object on the backend's clock,
 * relaxing between looks, until it is satisfied (STATUS_SUCCESS) or its
 * timeout passes (STATUS_TIMEOUT; KeDelayExecutionThread returns
 * STATUS_SUCCESS then). Alertable waits are never alerted (no APCs).
 *
 * WDK: a wait must be made below DISPATCH_LEVEL, or at it with a zero
 * timeout (KeDelayExecutionThread: below it); otherwise the verifier
 * reports it ("wait-irql") and the wait goes on. A wait without a timeout that nothing satisfies would hang
 * the machine for ever: after ke_config.hang_ms it gives up with
 * STATUS_TIMEOUT, reported ("wait-hang") with the driver, the object and
 * the caller's address.
 */
#include "ki.h"

/* Below DISPATCH_LEVEL always; at it only when dispatch_ok. */
static VOID check_irql(const char *what, BOOLEAN dispatch_ok)
{
	KIRQL irql = KeGetCurrentIrql();

	if (irql < DISPATCH_LEVEL || (irql == DISPATCH_LEVEL && dispatch_ok))
		return;
	ki_violation(ki_print_driver(), "wait-irql", "%s at IRQL %u (allowed "
		     "below DISPATCH_LEVEL%s)", what, (ULONG)irql,
		     dispatch_ok ? " and at it" : "");
}

/* Polls until event (if any) is taken or the time is up. */
static BOOLEAN poll(PRKEVENT event, PLARGE_INTEGER timeout)
{
	ULONG64 end = timeout ? ki_deadline(timeout->QuadPart) :
		      KeQueryInterruptTime() + (ULONG64)ki.cfg.hang_ms * 10000;

	for (;;) {
		if (event && ki_event_take(event))
			return TRUE;
		if (KeQueryInterruptTime() >= end)
			return FALSE;
		ki_dpc_drain();		/* the waiter's processor runs them */
		ki.be->relax();
	}
}

static VOID hung(const char *what, PVOID object, PVOID caller)
{
	ki_violation(ki_print_driver(), "wait-hang", "%s on %p (called from "
		     "%p) not satisfied after %u ms without a timeout; "
		     "returns STATUS_TIMEOUT", what, object, caller,
		     ki.cfg.hang_ms);
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
			       KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
			       PLARGE_INTEGER Timeout)
{
	(VOID)WaitReason;
	(VOID)WaitMode;
	(VOID)Alertable;
	check_irql("KeWaitForSingleObject", Timeout && !Timeout->QuadPart);
	if (poll(Object, Timeout))
		return STATUS_SUCCESS;
	if (!Timeout)
		hung("KeWaitForSingleObject", Object,
		     __builtin_return_address(0));
	return STATUS_TIMEOUT;
}

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
				PLARGE_INTEGER Interval)
{
	(VOID)WaitMode;
	(VOID)Alertable;
	check_irql("KeDelayExecutionThread", FALSE);
	poll(NULL, Interval);
	if (!Interval)
		hung("KeDelayExecutionThread", NULL,
		     __builtin_return_address(0));
	return STATUS_SUCCESS;
}
