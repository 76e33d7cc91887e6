/* con.c: console output (see con.h). */
#include <stdarg.h>
#include "uefi.h"
#include "con.h"
#include "str.h"
#include "fmt.h"

int con_tracing;
int con_explaining;
int con_quiet;
int con_muted;
static SIMPLE_TEXT_OUTPUT_INTERFACE *out;

void
con_init(void)
{
	out = ST->ConOut;
}

/* ASCII to UCS-2 in chunks; "\n" becomes "\r\n" as a terminal needs.
 * The transcript keeps the text as it was. */
void
con_write(const char *s)
{
	CHAR16 buf[128];
	unsigned n = 0;

	if (con_muted)
		return;
	log_append(s);
	for (; *s; s++) {
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*s;
		if (n >= 126) {
			buf[n] = 0;
			uefi_call_wrapper(out->OutputString, 2, out, buf);
			n = 0;
		}
	}
	buf[n] = 0;
	if (n)
		uefi_call_wrapper(out->OutputString, 2, out, buf);
}

static void
vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	str_copy(buf, prefix, sizeof buf);
	n = str_len(buf);
	ke_vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	n = str_len(buf);
	buf[n] = '\n';
	buf[n + 1] = 0;
	con_write(buf);
}

void
con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	ke_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	con_write(buf);
}

void
con_trace(const char *fmt, ...)
{
	va_list ap;

	if (!con_tracing)
		return;
	va_start(ap, fmt);
	vline("@", fmt, ap);
	va_end(ap);
}

void
con_explain(const char *fmt, ...)
{
	va_list ap;

	if (!con_explaining)
		return;
	va_start(ap, fmt);
	vline("  > ", fmt, ap);
	va_end(ap);
}

void
con_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("error: ", fmt, ap);
	va_end(ap);
	if (con_tracing) {
		va_start(ap, fmt);
		vline("@error ", fmt, ap);
		va_end(ap);
	}
}
