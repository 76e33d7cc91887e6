/* uefi.c: firmware tables and boot services wrappers (see uefi.h). */
#include "uefi.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;
EFI_HANDLE uefi_image;

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

void
uefi_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uefi_image = image;
	ST = st;
	BS = st->BootServices;
	RT = st->RuntimeServices;
}

void *
uefi_alloc(UINTN bytes)
{
	void *p;

	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData,
					bytes, &p)))
		return NULL;
	return p;
}

void *
uefi_zalloc(UINTN bytes)
{
	void *p = uefi_alloc(bytes);

	if (p)
		uefi_call_wrapper(BS->SetMem, 3, p, bytes, 0);
	return p;
}

void
uefi_free(void *p)
{
	if (p)
		uefi_call_wrapper(BS->FreePool, 1, p);
}

EFI_LOADED_IMAGE *
uefi_loaded_image(void)
{
	EFI_LOADED_IMAGE *li;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, uefi_image,
					&loaded_image_guid, (VOID **)&li)))
		return NULL;
	return li;
}

EFI_FILE_HANDLE
uefi_boot_volume(void)
{
	EFI_LOADED_IMAGE *li = uefi_loaded_image();
	EFI_FILE_IO_INTERFACE *fs;
	EFI_FILE_HANDLE root;

	if (li == NULL ||
	    EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3,
					li->DeviceHandle, &fs_guid,
					(VOID **)&fs)) ||
	    EFI_ERROR(uefi_call_wrapper(fs->OpenVolume, 2, fs, &root)))
		return NULL;
	return root;
}
