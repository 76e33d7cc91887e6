/* uefi.c: firmware tables and boot services wrappers (see uefi.h). */
#include "uefi.h"
#include "cpu.h"
#include "hal.h"
#include "tok.h"
#include "x86.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;
EFI_HANDLE uefi_image;
static uint32_t bsp_apic;

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

void
uefi_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uefi_image = image;
	ST = st;
	BS = st->BootServices;
	RT = st->RuntimeServices;
	bsp_apic = cpu_apic_id();
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

/*
 * n 4 KiB pages below 1 MiB, for the trampoline a SIPI can reach (its
 * vector names a page under 1 MiB). EfiLoaderCode: the processors run
 * from them. Returns their address, or 0 when the memory map has no room.
 */
uint64_t
uefi_low_pages(unsigned n)
{
	EFI_PHYSICAL_ADDRESS a = 0xfffff;	/* they must end below */

	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4,
					AllocateMaxAddress, EfiLoaderCode, n,
					&a)))
		return 0;
	return a;
}

void
uefi_free_pages(uint64_t a, unsigned n)
{
	uefi_call_wrapper(BS->FreePages, 2, a, n);
}

/* The parsers' memory (tok.h): plain pool, BSP only. */
void *
mem_alloc(size_t n)
{
	return uefi_alloc(n);
}

void
mem_free(void *p)
{
	uefi_free(p);
}

/*
 * The core's pool. Boot services belong to the BSP: a driver that
 * allocates from an AP (in an IPI worker or a workload) gets NULL, as it
 * would get a bugcheck for allocating at IPI level on Windows, except
 * the thread moved there, which the BSP serves (efi/cpu/affinity.c); a
 * block freed on an AP is handed to the BSP to free.
 */
int
uefi_on_bsp(void)
{
	return cpu_apic_id() == bsp_apic;
}

/* Blocks freed on an AP wait here (linked through their first word)
 * until the BSP next touches the pool. */
static void *deferred;

static void
free_deferred(void)
{
	void *p = __atomic_exchange_n(&deferred, NULL, __ATOMIC_ACQUIRE);
	void *next;

	for (; p; p = next) {
		next = *(void **)p;
		uefi_free(p);
	}
}

void *
pool_alloc(size_t bytes)
{
	if (!uefi_on_bsp())
		return affinity_alloc(bytes);	/* NULL unless the thread asks */
	free_deferred();
	return uefi_alloc(bytes);
}

void
pool_free(void *p)
{
	if (p == NULL)
		return;
	if (uefi_on_bsp()) {
		free_deferred();
		uefi_free(p);
		return;
	}
	*(void **)p = __atomic_load_n(&deferred, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&deferred, (void **)p, p, 1,
					    __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
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
