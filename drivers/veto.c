/*
 * veto.c: refuses one processor add. In its Start notification it
 * writes an error to *OperationStatus, which makes the kernel give up
 * the add and send Failure to every registered driver (WDK page of
 * KeRegisterProcessorChangeCallback). It checks the notifications it
 * gets with the same rules as the log driver (logcore.h), printing only
 * its vetoes and broken rules.
 *
 * Options:
 *   status=<NTSTATUS>  the veto code, an error (default 0xC000009A,
 *                      STATUS_INSUFFICIENT_RESOURCES)
 *   nt=<index|any>     the NtNumber to veto (default any)
 *   replay=0|1         1: veto in the KE_PROCESSOR_CHANGE_ADD_EXISTING
 *                      replay of the processors already active instead
 *                      of in real adds (nt=any is then index 0). The
 *                      registration then fails, and so does the load,
 *                      with the veto code, as in the documented flow.
 *   flags=0|1          registration flags (default 1, ADD_EXISTING);
 *                      replay=1 needs flags=1
 * A bad value: "bad option <key>=<value>: want <what>" and the load
 * fails with STATUS_INVALID_PARAMETER.
 *
 * Lines: "veto nt=N status=0xSSSSSSSS[ replay]", the INVARIANT lines of
 * logcore.h, and
 *   stats start=S complete=C failure=F invariant=I vetoes=V
 */
#include <wdm.h>
#include <hotadd.h>

#include "drvopt.h"
#include "logcore.h"

#define VETO_TAG 'tVaH'
#define VETO_ANY 0xffffffffu

/* Per instance (see logcore.h for where it is kept). */
typedef struct _VETO_DRIVER {
	LOG_CORE Core;
	NTSTATUS Code;		/* what to veto with */
	ULONG Nt;		/* which NtNumber, or VETO_ANY */
	BOOLEAN Replay;		/* veto in the replay, not in real adds */
	ULONG Vetoes;
	/* The last veto, for DriverEntry: a failed registration returns
	 * only NULL, never the reason. */
	NTSTATUS CallbackStatus;
} VETO_DRIVER, *PVETO_DRIVER;

DRIVER_INITIALIZE DriverEntry;
static PROCESSOR_CALLBACK_FUNCTION VetoCallback;
static HOTADD_STATS VetoStats;

static VOID VetoCallback(PVOID CallbackContext,
			 PKE_PROCESSOR_CHANGE_NOTIFY_CONTEXT ChangeContext,
			 PNTSTATUS OperationStatus)
{
	PVETO_DRIVER veto = CallbackContext;
	ULONG nt = ChangeContext->NtNumber;

	LogCoreNotify(&veto->Core, ChangeContext);
	if (ChangeContext->State != KeProcessorAddStartNotify ||
	    veto->Core.Replaying != veto->Replay)
		return;
	if (veto->Nt != VETO_ANY && veto->Nt != nt)
		return;
	/* Only the first veto of an add counts; a driver must not write
	 * over another one's error. */
	if (!NT_SUCCESS(*OperationStatus))
		return;
	*OperationStatus = veto->Code;
	veto->CallbackStatus = veto->Code;
	veto->Vetoes++;
	DbgPrint("veto nt=%u status=0x%08x%s\n", nt, (ULONG)veto->Code,
		 veto->Replay ? " replay" : "");
}

static VOID VetoStats(PVOID Context)
{
	PVETO_DRIVER veto = CONTAINING_RECORD(Context, VETO_DRIVER, Core);

	DbgPrint(LOG_CORE_STATS_FORMAT " vetoes=%u\n",
		 LOG_CORE_STATS_ARGS(&veto->Core), veto->Vetoes);
}

/* nt=: an index, or "any". */
static NTSTATUS VetoIndexOption(PDRIVER_OBJECT DriverObject, PULONG Nt)
{
	CHAR text[OPTION_CHARS];
	PCSTR any = "any";
	ULONG i;

	*Nt = VETO_ANY;
	if (!HotaddGetOption(DriverObject, "nt", text, sizeof(text)))
		return STATUS_SUCCESS;
	for (i = 0; any[i] && text[i] == any[i]; i++)
		;
	if (any[i] == 0 && text[i] == 0)
		return STATUS_SUCCESS;
	if (!OptParseUlong(text, Nt) || *Nt == VETO_ANY)
		return OptBad("nt", text, "a processor index or any");
	return STATUS_SUCCESS;
}

static NTSTATUS VetoOptions(PDRIVER_OBJECT DriverObject, PVETO_DRIVER Veto,
			    PULONG Flags)
{
	CHAR text[OPTION_CHARS];
	ULONG code, replay = 0;
	NTSTATUS status;

	status = OptUlong(DriverObject, "status",
			  (ULONG)STATUS_INSUFFICIENT_RESOURCES, 0xffffffffu,
			  "an NTSTATUS", &code);
	/* A success code cannot veto (only negative statuses do). */
	if (NT_SUCCESS(status) && NT_SUCCESS((NTSTATUS)code) &&
	    HotaddGetOption(DriverObject, "status", text, sizeof(text)))
		status = OptBad("status", text, "an error code, 0x80000000 "
				"or above");
	if (NT_SUCCESS(status))
		status = VetoIndexOption(DriverObject, &Veto->Nt);
	if (NT_SUCCESS(status))
		status = OptUlong(DriverObject, "replay", 0, 1, "0 or 1",
				  &replay);
	if (NT_SUCCESS(status))
		status = OptUlong(DriverObject, "flags",
				  KE_PROCESSOR_CHANGE_ADD_EXISTING, 1,
				  "0 or 1", Flags);
	if (NT_SUCCESS(status) && replay &&
	    !(*Flags & KE_PROCESSOR_CHANGE_ADD_EXISTING))
		status = OptBad("replay", "1", "flags=1 with it (no replay "
				"happens without ADD_EXISTING)");
	Veto->Code = (NTSTATUS)code;
	Veto->Replay = replay != 0;
	return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
		     PUNICODE_STRING RegistryPath)
{
	PVETO_DRIVER veto;
	ULONG flags;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	veto = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*veto), VETO_TAG);
	if (veto == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	veto->Core.Tag = VETO_TAG;
	status = VetoOptions(DriverObject, veto, &flags);
	if (NT_SUCCESS(status)) {
		veto->CallbackStatus = STATUS_SUCCESS;
		if (!LogCoreRegister(&veto->Core, VetoCallback, veto, flags))
			status = NT_SUCCESS(veto->CallbackStatus) ?
				 STATUS_UNSUCCESSFUL : veto->CallbackStatus;
	}
	return LogCoreFinishLoad(DriverObject, &veto->Core, VetoStats, status);
}
