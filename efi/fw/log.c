/*
 * log.c: the session's transcript. Everything the console shows is kept
 * in memory and written to \EFI\hotadd\hotadd.log on the boot volume at
 * the end of a --batch run and on `save`, so whoever booted a board from a
 * USB stick can read the results on another computer.
 */
#include "uefi.h"
#include "cfg.h"
#include "con.h"
#include "str.h"

#define LOG_MAX (4u << 20)	/* keep at most 4 MiB of transcript */

static char *text;
static size_t len, cap;
static size_t dropped;		/* bytes that did not fit */

/* Double the buffer; the firmware has no realloc. */
static int
grow(size_t need)
{
	size_t ncap = cap ? cap : 16384;
	char *n;

	while (ncap < need)
		ncap *= 2;
	if (ncap > LOG_MAX)
		return 0;
	n = uefi_alloc(ncap);
	if (n == NULL)
		return 0;
	if (len)
		__builtin_memcpy(n, text, len);
	uefi_free(text);
	text = n;
	cap = ncap;
	return 1;
}

void
log_append(const char *s)
{
	size_t n = str_len(s);

	if (len + n > cap && !grow(len + n)) {
		dropped += n;
		return;
	}
	__builtin_memcpy(text + len, s, n);
	len += n;
}

static const char *
why(uint64_t s)
{
	switch (s) {
	case EFI_WRITE_PROTECTED:
		return "the volume is write-protected";
	case EFI_VOLUME_FULL:
		return "the volume is full";
	case EFI_ACCESS_DENIED:
		return "access denied";
	case EFI_NOT_FOUND:
		return "no boot volume to write to";
	default:
		return "the firmware refused";
	}
}

int
con_save(void)
{
	uint64_t s;

	if (dropped)
		con_printf("(the transcript lost %lu bytes past %u MiB)\n",
			   (unsigned long)dropped, LOG_MAX >> 20);
	s = cfg_write(LOG_PATH, text ? text : "", len);
	if (s) {
		con_error("cannot write %s: %s (status %lx)", LOG_PATH, why(s),
			  s);
		return 0;
	}
	con_printf("transcript saved to %s (%lu bytes)\n", LOG_PATH,
		   (unsigned long)len);
	return 1;
}
