/*
 * raise.c: a driver that stops the machine. It opens \Callback\ProcessorAdd
 * by its wide name (an L"" literal, as WDK code writes it), then asks for
 * pool it cannot have with POOL_FLAG_RAISE_ON_FAILURE: on Windows an
 * exception nobody handles, a bugcheck.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Callback\\ProcessorAdd");
	OBJECT_ATTRIBUTES attributes;
	PCALLBACK_OBJECT object;
	PVOID p;

	UNREFERENCED_PARAMETER(DriverObject);
	UNREFERENCED_PARAMETER(RegistryPath);
	InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE,
				   NULL, NULL);
	if (!NT_SUCCESS(ExCreateCallback(&object, &attributes, FALSE, TRUE)))
		return STATUS_UNSUCCESSFUL;
	DbgPrint("opened, %d references left",
		 (int)ObDereferenceObject(object));
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE,
			    ~(SIZE_T)0, 'esiR');
	DbgPrint("not reached: %p", p);
	return STATUS_SUCCESS;
}
