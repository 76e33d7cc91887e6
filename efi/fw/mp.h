/*
 * mp.h: EFI_MP_SERVICES_PROTOCOL, from the UEFI Platform Initialization
 * specification (Vol. 2, "Multiprocessor Services Protocol"). gnu-efi 3.0.15
 * ships no definition of it.
 */
#ifndef EFI_MP_H
#define EFI_MP_H

#include <efi.h>

#define EFI_MP_SERVICES_PROTOCOL_GUID \
	{ 0x3fdda605, 0xa76e, 0x4f46, \
	  { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }

/* The StatusFlag bits are in cpu.h, for code that does not see <efi.h>. */

typedef struct {
	UINT32 Package;
	UINT32 Core;
	UINT32 Thread;
} EFI_CPU_PHYSICAL_LOCATION;

/*
 * PI 1.7 appended an extended-topology union that firmware fills only when
 * asked (bit 24 of the processor number). It is declared so the buffer is
 * large enough either way.
 */
typedef struct {
	UINT32 Package;
	UINT32 Die;
	UINT32 Tile;
	UINT32 Module;
	UINT32 Core;
	UINT32 Thread;
} EFI_CPU_PHYSICAL_LOCATION2;

typedef struct {
	UINT64 ProcessorId;
	UINT32 StatusFlag;
	EFI_CPU_PHYSICAL_LOCATION Location;
	EFI_CPU_PHYSICAL_LOCATION2 ExtendedInformation;
} EFI_PROCESSOR_INFORMATION;

typedef VOID (EFIAPI *EFI_AP_PROCEDURE)(VOID *ProcedureArgument);

typedef struct _EFI_MP_SERVICES_PROTOCOL EFI_MP_SERVICES_PROTOCOL;

struct _EFI_MP_SERVICES_PROTOCOL {
	EFI_STATUS (EFIAPI *GetNumberOfProcessors)(
		EFI_MP_SERVICES_PROTOCOL *This, UINTN *NumberOfProcessors,
		UINTN *NumberOfEnabledProcessors);
	EFI_STATUS (EFIAPI *GetProcessorInfo)(
		EFI_MP_SERVICES_PROTOCOL *This, UINTN ProcessorNumber,
		EFI_PROCESSOR_INFORMATION *ProcessorInfoBuffer);
	EFI_STATUS (EFIAPI *StartupAllAPs)(
		EFI_MP_SERVICES_PROTOCOL *This, EFI_AP_PROCEDURE Procedure,
		BOOLEAN SingleThread, EFI_EVENT WaitEvent,
		UINTN TimeoutInMicroSeconds, VOID *ProcedureArgument,
		UINTN **FailedCpuList);
	EFI_STATUS (EFIAPI *StartupThisAP)(
		EFI_MP_SERVICES_PROTOCOL *This, EFI_AP_PROCEDURE Procedure,
		UINTN ProcessorNumber, EFI_EVENT WaitEvent,
		UINTN TimeoutInMicroseconds, VOID *ProcedureArgument,
		BOOLEAN *Finished);
	EFI_STATUS (EFIAPI *SwitchBSP)(
		EFI_MP_SERVICES_PROTOCOL *This, UINTN ProcessorNumber,
		BOOLEAN EnableOldBSP);
	EFI_STATUS (EFIAPI *EnableDisableAP)(
		EFI_MP_SERVICES_PROTOCOL *This, UINTN ProcessorNumber,
		BOOLEAN EnableAP, UINT32 *HealthFlag);
	EFI_STATUS (EFIAPI *WhoAmI)(
		EFI_MP_SERVICES_PROTOCOL *This, UINTN *ProcessorNumber);
};

/* The simulator's AP procedure (arch/x86/apentry.asm): for one AP, and
 * for all the APs of the boot start. */
VOID EFIAPI ap_entry(VOID *cpu);

#endif
