/*
 * log.c: prints every processor-change notification it receives and
 * checks each against the documented contract (see logcore.h); a broken
 * rule prints a line starting with "INVARIANT ".
 *
 * Options:
 *   flags=0|1   registration flags; 1 (the default) is
 *               KE_PROCESSOR_CHANGE_ADD_EXISTING, which replays the
 *               processors already active.
 *
 * Lines (each also traced as "@dbg drv=<name> <line>"):
 *   <start|complete|failure> nt=N group=G number=M status=0xSSSSSSSS
 *       active=A[ replay]
 *   INVARIANT <what broke>
 *   stats start=S complete=C failure=F invariant=I
 *
 * Several copies may be loaded under different names, so all state is
 * per instance: the instance is a LOG_CORE, in pool, kept as logcore.h
 * describes.
 */
#include <wdm.h>
#include <hotadd.h>

#include "drvopt.h"
#include "logcore.h"

#define LOG_TAG 'gLaH'

DRIVER_INITIALIZE DriverEntry;
static PROCESSOR_CALLBACK_FUNCTION LogCallback;
static HOTADD_STATS LogStats;

static VOID LogCallback(PVOID CallbackContext,
			PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			PNTSTATUS OperationStatus)
{
	UNREFERENCED_PARAMETER(OperationStatus);
	LogCoreNotify(CallbackContext, ChangeContext);
}

static VOID LogStats(PVOID Context)
{
	PLOG_CORE log = Context;

	DbgPrint(LOG_CORE_STATS_FORMAT "\n", LOG_CORE_STATS_ARGS(log));
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	PLOG_CORE log;
	ULONG flags, quiet;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = OptUlong(DriverObject, "flags",
			  KE_PROCESSOR_CHANGE_ADD_EXISTING, 1, "0 or 1",
			  &flags);
	if (NT_SUCCESS(status))
		status = OptUlong(DriverObject, "quiet", 0, 1, "0 or 1", &quiet);
	if (!NT_SUCCESS(status))
		return status;
	log = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*log), LOG_TAG);
	if (log == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	log->Tag = LOG_TAG;
	log->Verbose = !quiet;	/* quiet=1: only INVARIANT lines and stats */
	/* Nothing of ours vetoes, so a NULL handle means the kernel ran
	 * out of memory. */
	status = LogCoreRegister(log, LogCallback, log, flags) ?
		 STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
	return LogCoreFinishLoad(DriverObject, log, LogStats, status);
}
