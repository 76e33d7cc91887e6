/*
 * uefi.h: the firmware's tables and the few boot services wrappers the
 * simulator uses. gnu-efi supplies the types and crt0; its libefi is not
 * linked, so everything here is the simulator's own.
 */
#ifndef EFI_UEFI_H
#define EFI_UEFI_H

#include <efi.h>

extern EFI_SYSTEM_TABLE *ST;
extern EFI_BOOT_SERVICES *BS;
extern EFI_RUNTIME_SERVICES *RT;
extern EFI_HANDLE uefi_image;

void uefi_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
int uefi_on_bsp(void);
/* Boot-services pool (EfiLoaderData); NULL when exhausted. */
void *uefi_alloc(UINTN bytes);
void *uefi_zalloc(UINTN bytes);
void uefi_free(void *p);
/* The loaded image's protocol, or NULL. */
EFI_LOADED_IMAGE *uefi_loaded_image(void);
/* The root directory of the volume the image was loaded from, or NULL. */
EFI_FILE_HANDLE uefi_boot_volume(void);

#endif
