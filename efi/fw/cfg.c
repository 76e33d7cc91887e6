/* cfg.c: the config file and the load options (see cfg.h). */
#include <efi.h>
#include "uefi.h"
#include "cfg.h"
#include "con.h"

/* A block of n + 1 bytes holding the first len bytes of old (freed). */
static char *
grow(char *old, size_t len, size_t n)
{
	char *text = uefi_alloc(n + 1);

	if (text && len)
		__builtin_memcpy(text, old, len);
	uefi_free(old);
	return text;
}

/* The whole file, read in growing blocks (up to CFG_MAX bytes). */
static char *
slurp(EFI_FILE_HANDLE f, const char *path)
{
	size_t len = 0, cap = 16384;
	char *text = grow(NULL, 0, cap);
	EFI_STATUS s;
	UINTN n;

	while (text) {
		n = cap - len;
		s = uefi_call_wrapper(f->Read, 3, f, &n, text + len);
		if (EFI_ERROR(s)) {
			con_error("cannot read %s (status %lx)", path, s);
			uefi_free(text);
			return NULL;
		}
		len += n;
		if (n == 0)
			break;
		if (len == cap && cap >= CFG_MAX) {
			con_error("%s is longer than %u MiB: the rest is "
				  "ignored", path, CFG_MAX >> 20);
			break;
		}
		if (len == cap)
			text = grow(text, len, cap *= 2);
	}
	if (text == NULL) {
		con_error("cannot read %s: out of memory", path);
		return NULL;
	}
	/* A NUL byte would end the text early: it stands for itself as a
	 * character no command or option has, so only its line fails. */
	for (n = 0; n < len; n++)
		if (text[n] == 0)
			text[n] = '?';
	text[len] = 0;
	return text;
}

/* Open path on the boot volume (forward slashes allowed). */
static EFI_STATUS
open_file(const char *path, UINT64 mode, EFI_FILE_HANDLE *f)
{
	EFI_FILE_HANDLE root;
	CHAR16 wide[PATH_MAX];
	EFI_STATUS s;
	UINTN i;

	for (i = 0; path[i]; i++)
		if (i == PATH_MAX - 1)
			return EFI_BAD_BUFFER_SIZE;
	for (i = 0; path[i]; i++)
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
	if (s == EFI_BAD_BUFFER_SIZE) {
		con_error("a path of more than %u characters: not opened",
			  PATH_MAX - 1);
		return NULL;
	}
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

