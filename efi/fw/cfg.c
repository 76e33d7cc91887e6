/* cfg.c: the config file and the load options (see cfg.h). */
#include <efi.h>
#include "uefi.h"
#include "cfg.h"
#include "con.h"

static char *
slurp(EFI_FILE_HANDLE f, const char *path)
{
	UINTN n = CFG_MAX;
	char *text = uefi_alloc(CFG_MAX + 1);
	EFI_STATUS s;

	if (text == NULL)
		return NULL;
	s = uefi_call_wrapper(f->Read, 3, f, &n, text);
	if (EFI_ERROR(s)) {
		con_error("cannot read %s (status %lx)", path, s);
		uefi_free(text);
		return NULL;
	}
	if (n == CFG_MAX)
		con_error("%s is longer than %u bytes: the rest is ignored",
			  path, CFG_MAX);
	text[n] = 0;
	return text;
}

/* Open path on the boot volume (forward slashes allowed). */
static EFI_STATUS
open_file(const char *path, UINT64 mode, EFI_FILE_HANDLE *f)
{
	EFI_FILE_HANDLE root;
	CHAR16 wide[128];
	EFI_STATUS s;
	UINTN i;

	for (i = 0; path[i] && i < 127; i++)
		wide[i] = path[i] == '/' ? L'\\' : (CHAR16)path[i];
	wide[i] = 0;
	root = uefi_boot_volume();
	if (root == NULL)
		return EFI_NOT_FOUND;
	s = uefi_call_wrapper(root->Open, 5, root, f, wide, mode, 0);
	uefi_call_wrapper(root->Close, 1, root);
	return s;
}

char *
cfg_read(const char *path)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS s;
	char *text;

	s = open_file(path, EFI_FILE_MODE_READ, &f);
	if (s == EFI_NOT_FOUND)
		return NULL;
	if (EFI_ERROR(s)) {
		con_error("cannot open %s (status %lx)", path, s);
		return NULL;
	}
	text = slurp(f, path);
	uefi_call_wrapper(f->Close, 1, f);
	return text;
}

/*
 * Replace path with data. An old file is deleted first, since a shorter
 * write would otherwise leave its tail behind. Returns the EFI status.
 */
uint64_t
cfg_write(const char *path, const char *data, size_t len)
{
	UINT64 rw = EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE;
	EFI_FILE_HANDLE f;
	EFI_STATUS s;
	UINTN n = len;

	if (!EFI_ERROR(open_file(path, rw, &f)))
		uefi_call_wrapper(f->Delete, 1, f);	/* closes f too */
	s = open_file(path, rw | EFI_FILE_MODE_CREATE, &f);
	if (EFI_ERROR(s))
		return s;
	s = uefi_call_wrapper(f->Write, 3, f, &n, (VOID *)data);
	if (!EFI_ERROR(s) && n != len)
		s = EFI_VOLUME_FULL;
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(f->Flush, 1, f);
	uefi_call_wrapper(f->Close, 1, f);
	return s;
}

char *
cfg_load_options(void)
{
	EFI_LOADED_IMAGE *li = uefi_loaded_image();
	CHAR16 *w;
	UINTN i, n;
	char *text;

	if (li == NULL || li->LoadOptions == NULL)
		return NULL;
	w = li->LoadOptions;
	n = li->LoadOptionsSize / sizeof(CHAR16);
	for (i = 0; i < n && w[i]; i++)
		if (w[i] < 0x20 && w[i] != '\t')
			return NULL;	/* binary optional data, not a line */
	text = uefi_alloc(i + 1);
	if (text == NULL)
		return NULL;
	for (n = 0; n < i; n++)
		text[n] = w[n] < 0x7f ? (char)w[n] : '?';
	text[i] = 0;
	return text;
}

