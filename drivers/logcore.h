/*
 * logcore.h: the notification checker shared by the log and veto
 * drivers. It counts every processor-change notification a driver
 * receives and checks it against the contract of
 * KeRegisterProcessorChangeCallback (WDK page of that routine, and of
 * KE_PROCESSOR_CHANGE_NOTIFY_CONTEXT). Each broken rule produces one
 * DbgPrint line that starts with "INVARIANT ".
 *
 * Header-only: each driver is compiled on its own and only DriverEntry
 * stays global, so these static inline routines are private to each
 * driver that includes them. State lives in a LOG_CORE the driver keeps
 * per instance; all callbacks arrive on one processor under the kernel's
 * dynamic-processor lock, so plain fields are enough.
 */
#ifndef DRIVERS_LOGCORE_H
#define DRIVERS_LOGCORE_H

#include <wdm.h>
#include <hotadd.h>

/*
 * A driver built on this keeps its per-instance state in one pool block
 * that starts with its LOG_CORE. The block hangs off DriverExtension:
 * the WDK hands a driver private per-driver storage through
 * IoAllocateDriverObjectExtension, the simulator has no such routine and
 * leaves DriverExtension to the driver.
 */
typedef struct _LOG_CORE {
	ULONG Tag;		/* pool tag of the instance block */
	PVOID Handle;		/* the registration */
	BOOLEAN Verbose;	/* one line per notification */
	ULONG Flags;		/* as given to the registration */
	/* Counts, for the stats line. */
	ULONG Starts;
	ULONG Completes;
	ULONG Failures;
	ULONG Breaks;		/* INVARIANT lines printed */
	/* Inside our own registration: notifications are the replay of
	 * KE_PROCESSOR_CHANGE_ADD_EXISTING, with their own order. */
	BOOLEAN Replaying;
	ULONG ReplayStarts;
	ULONG ReplayCompletes;
	ULONG ReplayFailures;
	/* A real add: the Start still waiting for its Complete or Failure. */
	BOOLEAN Pending;
	ULONG PendingNt;
	/* Highest NtNumber known active, -1 before any: indices are dense, so
	 * the next processor to complete must be exactly Highest + 1. */
	LONG Highest;
} LOG_CORE, *PLOG_CORE;

static inline ULONG LogCoreActive(VOID)
{
	return KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
}

static inline PCSTR LogCoreStateName(KE_PROCESSOR_CHANGE_NOTIFY_STATE s)
{
	switch (s) {
	case KeProcessorAddStartNotify:
		return "start";
	case KeProcessorAddCompleteNotify:
		return "complete";
	case KeProcessorAddFailureNotify:
		return "failure";
	}
	return "unknown";
}

/* Prints Format (which starts with "INVARIANT ") unless Holds. The
 * format is DbgPrint's (vDbgPrintEx), so GCC cannot check it. */
static inline VOID LogCoreExpect(PLOG_CORE Core, BOOLEAN Holds,
				 _Printf_format_string_ PCSTR Format, ...)
{
	va_list ap;

	if (Holds)
		return;
	Core->Breaks++;
	va_start(ap, Format);
	vDbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, Format, ap);
	va_end(ap);
}

/* ProcNumber must be the number of NtNumber, both ways (the mapping is
 * valid from the Start notification on, KeGetProcessorNumberFromIndex). */
static inline VOID LogCoreCheckNumber(PLOG_CORE Core,
				      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	PROCESSOR_NUMBER given = c->ProcNumber, of_index;
	BOOLEAN ok;

	ok = NT_SUCCESS(KeGetProcessorNumberFromIndex(c->NtNumber,
						      &of_index)) &&
	     of_index.Group == given.Group &&
	     of_index.Number == given.Number && given.Reserved == 0 &&
	     KeGetProcessorIndexFromNumber(&given) == c->NtNumber;
	LogCoreExpect(Core, ok, "INVARIANT %s nt=%u ProcNumber %u:%u is not "
		      "the number of that index\n",
		      LogCoreStateName(c->State), c->NtNumber, given.Group,
		      given.Number);
}

/* Start carries 0 as Status, Failure an error, Complete a success code:
 * the status Start left, 0 unless a callback left an informational one
 * there (Windows passes it on). */
static inline VOID LogCoreCheckStatus(PLOG_CORE Core,
				      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	PCSTR name = LogCoreStateName(c->State);

	if (c->State == KeProcessorAddFailureNotify)
		LogCoreExpect(Core, !NT_SUCCESS(c->Status), "INVARIANT %s "
			      "nt=%u carries success status 0x%08x\n", name,
			      c->NtNumber, (ULONG)c->Status);
	else if (c->State == KeProcessorAddCompleteNotify)
		LogCoreExpect(Core, NT_SUCCESS(c->Status), "INVARIANT %s "
			      "nt=%u carries error status 0x%08x\n", name,
			      c->NtNumber, (ULONG)c->Status);
	else
		LogCoreExpect(Core, c->Status == STATUS_SUCCESS, "INVARIANT "
			      "%s nt=%u carries status 0x%08x, want 0\n", name,
			      c->NtNumber, (ULONG)c->Status);
}

/*
 * The replay: Start for 0..n-1 in order, then Complete for 0..n-1, or
 * after a veto at k, Failure for 0..k-1 (never for k itself).
 */
static inline VOID LogCoreReplay(PLOG_CORE Core,
				 PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
				 ULONG Active)
{
	ULONG nt = c->NtNumber;

	LogCoreExpect(Core, Core->Flags & KE_PROCESSOR_CHANGE_ADD_EXISTING,
		      "INVARIANT %s nt=%u during a registration without "
		      "ADD_EXISTING\n", LogCoreStateName(c->State), nt);
	LogCoreExpect(Core, nt < Active, "INVARIANT replay %s nt=%u of %u "
		      "active processors\n", LogCoreStateName(c->State), nt,
		      Active);
	switch (c->State) {
	case KeProcessorAddStartNotify:
		LogCoreExpect(Core, nt == Core->ReplayStarts, "INVARIANT "
			      "replay start nt=%u out of order, want %u\n", nt,
			      Core->ReplayStarts);
		Core->ReplayStarts++;
		break;
	case KeProcessorAddCompleteNotify:
		LogCoreExpect(Core, Core->ReplayStarts == Active, "INVARIANT "
			      "replay complete nt=%u after %u of %u starts\n",
			      nt, Core->ReplayStarts, Active);
		LogCoreExpect(Core, (LONG)nt == Core->Highest + 1, "INVARIANT "
			      "replay complete nt=%u out of order, want %d\n",
			      nt, Core->Highest + 1);
		Core->ReplayCompletes++;
		Core->Highest = (LONG)nt;
		break;
	case KeProcessorAddFailureNotify:
		LogCoreExpect(Core, nt == Core->ReplayFailures, "INVARIANT "
			      "replay failure nt=%u out of order, want %u\n",
			      nt, Core->ReplayFailures);
		LogCoreExpect(Core, nt + 1 < Core->ReplayStarts, "INVARIANT "
			      "replay failure nt=%u not below the vetoed "
			      "start\n", nt);
		Core->ReplayFailures++;
		break;
	}
}

/*
 * A real add of processor N: Start with N processors active, then
 * exactly one answer for N before any other Start: Complete with N + 1
 * active, or Failure with N active. N is always the next dense index.
 */
static inline VOID LogCoreAdd(PLOG_CORE Core,
			      PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c,
			      ULONG Active)
{
	ULONG nt = c->NtNumber, want;
	PCSTR name = LogCoreStateName(c->State);

	if (c->State == KeProcessorAddStartNotify) {
		LogCoreExpect(Core, !Core->Pending, "INVARIANT start nt=%u "
			      "before the start of nt=%u was answered\n", nt,
			      Core->PendingNt);
		Core->Pending = TRUE;
		Core->PendingNt = nt;
		want = nt;
	} else {
		LogCoreExpect(Core, Core->Pending && Core->PendingNt == nt,
			      "INVARIANT %s nt=%u answers no start\n", name,
			      nt);
		Core->Pending = FALSE;
		want = c->State == KeProcessorAddCompleteNotify ? nt + 1 : nt;
	}
	LogCoreExpect(Core, Active == want, "INVARIANT %s nt=%u with %u "
		      "processors active, want %u\n", name, nt, Active, want);
	LogCoreExpect(Core, (LONG)nt == Core->Highest + 1, "INVARIANT %s "
		      "nt=%u is not the next index %d\n", name, nt,
		      Core->Highest + 1);
	if (c->State == KeProcessorAddCompleteNotify)
		Core->Highest = (LONG)nt;
}

/* Call first thing in the processor-change callback. */
static inline VOID LogCoreNotify(PLOG_CORE Core,
				 PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT c)
{
	ULONG active = LogCoreActive();

	switch (c->State) {
	case KeProcessorAddStartNotify:
		Core->Starts++;
		break;
	case KeProcessorAddCompleteNotify:
		Core->Completes++;
		break;
	case KeProcessorAddFailureNotify:
		Core->Failures++;
		break;
	default:
		LogCoreExpect(Core, FALSE, "INVARIANT unknown state %u "
			      "nt=%u\n", (ULONG)c->State, c->NtNumber);
		return;
	}
	if (Core->Verbose)
		DbgPrint("%s nt=%u group=%u number=%u status=0x%08x "
			 "active=%u%s\n", LogCoreStateName(c->State),
			 c->NtNumber, c->ProcNumber.Group,
			 c->ProcNumber.Number, (ULONG)c->Status, active,
			 Core->Replaying ? " replay" : "");
	LogCoreCheckStatus(Core, c);
	LogCoreCheckNumber(Core, c);
	if (Core->Replaying)
		LogCoreReplay(Core, c, active);
	else
		LogCoreAdd(Core, c, active);
}

/*
 * Registers Callback with Context and Flags, marking the notifications
 * that arrive meanwhile as the replay and checking the replay as a
 * whole once the registration returns.
 */
static inline PVOID LogCoreRegister(PLOG_CORE Core,
				    PPROCESSOR_CALLBACK_FUNCTION Callback,
				    PVOID Context, ULONG Flags)
{
	ULONG active = LogCoreActive();
	BOOLEAN existing = (Flags & KE_PROCESSOR_CHANGE_ADD_EXISTING) != 0;
	PVOID handle;

	Core->Flags = Flags;
	Core->ReplayStarts = Core->ReplayCompletes = Core->ReplayFailures = 0;
	/* Without the replay, the processors active now are known anyway. */
	Core->Highest = existing ? -1 : (LONG)active - 1;
	Core->Replaying = TRUE;
	handle = KeRegisterProcessorChangeCallback(Callback, Context, Flags);
	Core->Replaying = FALSE;
	Core->Handle = handle;
	if (!existing)
		return handle;
	if (handle)
		LogCoreExpect(Core, Core->ReplayCompletes == active &&
			      Core->ReplayFailures == 0, "INVARIANT replay "
			      "gave %u completes and %u failures for %u "
			      "processors\n", Core->ReplayCompletes,
			      Core->ReplayFailures, active);
	else if (Core->ReplayStarts)
		LogCoreExpect(Core, Core->ReplayFailures + 1 ==
			      Core->ReplayStarts, "INVARIANT replay gave %u "
			      "failures after a veto at nt=%u\n",
			      Core->ReplayFailures, Core->ReplayStarts - 1);
	return handle;
}

static inline VOID LogCoreUnload(PDRIVER_OBJECT DriverObject)
{
	PLOG_CORE core = DriverObject->DriverExtension;

	KeDeregisterProcessorChangeCallback(core->Handle);
	DriverObject->DriverExtension = NULL;
	ExFreePoolWithTag(core, core->Tag);
}

/*
 * The end of DriverEntry. Status is the outcome so far: on a failure
 * the instance block is freed (no Unload follows a failed DriverEntry)
 * and Status returned; otherwise the instance is hung off the driver
 * object, with LogCoreUnload as the Unload routine and Stats (given the
 * LOG_CORE as context) for the stats command.
 */
static inline NTSTATUS LogCoreFinishLoad(PDRIVER_OBJECT DriverObject,
					 PLOG_CORE Core, PHOTADD_STATS Stats,
					 NTSTATUS Status)
{
	if (!NT_SUCCESS(Status)) {
		ExFreePoolWithTag(Core, Core->Tag);
		return Status;
	}
	DriverObject->DriverExtension = Core;
	DriverObject->DriverUnload = LogCoreUnload;
	HotaddSetStats(DriverObject, Stats, Core);
	return STATUS_SUCCESS;
}

/* The first words of a stats line; a driver may print more after it. */
#define LOG_CORE_STATS_FORMAT "stats start=%u complete=%u failure=%u invariant=%u"
#define LOG_CORE_STATS_ARGS(core) \
	(core)->Starts, (core)->Completes, (core)->Failures, (core)->Breaks

#endif
