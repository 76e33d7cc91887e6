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
 * per instance (see LOG_DRIVER below).
 */
#include <wdm.h>
#include <hotadd.h>

#include "drvopt.h"
#include "logcore.h"

#define LOG_TAG 'gLaH'

/*
 * Per-instance state. The WDK hands a driver private per-driver storage
 * through IoAllocateDriverObjectExtension; the simulator has no such
 * routine, and the DriverExtension field of its DRIVER_OBJECT is left to
 * the driver, so the instance keeps its pool block there.
 */
typedef struct _LOG_DRIVER {
	LOG_CORE Core;
	PVOID Handle;
} LOG_DRIVER, *PLOG_DRIVER;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD LogUnload;
static PROCESSOR_CALLBACK_FUNCTION LogCallback;
static HOTADD_STATS LogStats;

static VOID LogCallback(PVOID CallbackContext,
			PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			PNTSTATUS OperationStatus)
{
	PLOG_DRIVER log = CallbackContext;

	UNREFERENCED_PARAMETER(OperationStatus);
	LogCoreNotify(&log->Core, ChangeContext);
}

static VOID LogStats(PVOID Context)
{
	PLOG_DRIVER log = Context;

	DbgPrint(LOG_CORE_STATS_FORMAT "\n", LOG_CORE_STATS_ARGS(&log->Core));
}

static VOID LogUnload(PDRIVER_OBJECT DriverObject)
{
	PLOG_DRIVER log = DriverObject->DriverExtension;

	KeDeregisterProcessorChangeCallback(log->Handle);
	DriverObject->DriverExtension = NULL;
	ExFreePoolWithTag(log, LOG_TAG);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	PLOG_DRIVER log;
	ULONG flags;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = OptUlong(DriverObject, "flags",
			  KE_PROCESSOR_CHANGE_ADD_EXISTING, 1, "0 or 1",
			  &flags);
	if (!NT_SUCCESS(status))
		return status;
	log = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*log), LOG_TAG);
	if (log == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	log->Core.Verbose = TRUE;
	log->Handle = LogCoreRegister(&log->Core, LogCallback, log, flags);
	if (log->Handle == NULL) {
		/* Nothing of ours vetoes, so only a failed allocation in
		 * the kernel leads here. */
		ExFreePoolWithTag(log, LOG_TAG);
		return STATUS_UNSUCCESSFUL;
	}
	DriverObject->DriverExtension = log;
	DriverObject->DriverUnload = LogUnload;
	HotaddSetStats(DriverObject, LogStats, log);
	return STATUS_SUCCESS;
}
