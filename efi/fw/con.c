/* con.c: console output (see con.h). */
#include <stdarg.h>
#include "uefi.h"
#include "con.h"
#include "str.h"
#include "fmt.h"
#include "clock.h"
#include "x86.h"

int con_tracing;
int con_explaining;
int con_quiet;
int con_muted;
int con_open_line;
static SIMPLE_TEXT_OUTPUT_INTERFACE *out;

/*
 * Text printed on an AP (a driver's DbgPrint in a workload, a verifier
 * report from an IPI worker) cannot go to the firmware from there: it
 * waits in this ring until the BSP prints next or drains it while idle.
 */
#define RING 32
static char (*ring)[160];	/* RING lines; NULL: none kept */
static unsigned ring_head, ring_tail, ring_lost;	/* under ring_lock */
static int ring_lock;

void
con_init(void)
{
	out = ST->ConOut;
	ring = uefi_alloc(RING * sizeof *ring);	/* pool, not image bytes */
}

/* Text too long for a slot is cut, but keeps its end of line, so the
 * next text still starts a line of its own. */
static void
ring_put(const char *s)
{
	size_t n = 0, end = sizeof ring[0] - 2;
	char *slot;

	while (s[n])
		n++;
	while (__atomic_exchange_n(&ring_lock, 1, __ATOMIC_ACQUIRE))
		;
	if (ring && ring_head - ring_tail < RING) {
		slot = ring[ring_head++ % RING];
		str_copy(slot, s, sizeof ring[0]);
		if (n > end + 1 && s[n - 1] == '\n')
			slot[end] = '\n';
	} else {
		ring_lost++;
	}
	__atomic_store_n(&ring_lock, 0, __ATOMIC_RELEASE);
}

static void write_text(const char *s);

void
con_drain(void)
{
	char line[sizeof ring[0]];
	unsigned lost;

	for (;;) {
		while (__atomic_exchange_n(&ring_lock, 1, __ATOMIC_ACQUIRE))
			;
		lost = ring_lost;
		ring_lost = 0;
		if (ring_tail == ring_head) {
			__atomic_store_n(&ring_lock, 0, __ATOMIC_RELEASE);
			break;
		}
		str_copy(line, ring[ring_tail++ % RING], sizeof line);
		__atomic_store_n(&ring_lock, 0, __ATOMIC_RELEASE);
		write_text(line);
	}
	if (lost)
		con_printf("(%u lines printed on APs were lost)\n", lost);
}

void
con_write(const char *s)
{
	if (con_muted)
		return;
	if (!uefi_on_bsp()) {
		ring_put(s);
		return;
	}
	con_drain();
	write_text(s);
}

/* ASCII to UCS-2 in chunks; "\n" becomes "\r\n" as a terminal needs.
 * The transcript keeps the text as it was. */
static void
write_text(const char *s)
{
	CHAR16 buf[128];
	unsigned n = 0;

	if (con_open_line) {	/* not after the prompt: a line of its own */
		con_open_line = 0;
		write_text("\n");
	}
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

/*
 * One line: prefix, the formatted text, then " t=<us>" when stamp is
 * set (every @ line ends with the time it stands for, in microseconds
 * since clock_init), then the newline.
 */
static void
vline(const char *prefix, int stamp, uint64_t tsc, const char *fmt,
      va_list ap)
{
	char buf[512];
	size_t n, room = sizeof buf - 24;	/* " t=" + 20 digits + "\n" */

	str_copy(buf, prefix, room);
	n = str_len(buf);
	ke_vsnprintf(buf + n, room - n, fmt, ap);
	n = str_len(buf);
	if (stamp)
		n += ke_snprintf(buf + n, sizeof buf - n - 1, " t=%lu",
				 (unsigned long)clock_at_us(tsc));
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
	uint64_t now = cpu_rdtsc();
	va_list ap;

	if (!con_tracing)
		return;
	va_start(ap, fmt);
	vline("@", 1, now, fmt, ap);
	va_end(ap);
}

void
con_trace_at(uint64_t tsc, const char *fmt, ...)
{
	va_list ap;

	if (!con_tracing)
		return;
	va_start(ap, fmt);
	vline("@", 1, tsc, fmt, ap);
	va_end(ap);
}

void
con_explain(const char *fmt, ...)
{
	va_list ap;

	if (!con_explaining)
		return;
	va_start(ap, fmt);
	vline("  > ", 0, 0, fmt, ap);
	va_end(ap);
}

void
con_error(const char *fmt, ...)
{
	uint64_t now = cpu_rdtsc();
	va_list ap;

	va_start(ap, fmt);
	vline("error: ", 0, 0, fmt, ap);
	va_end(ap);
	if (con_tracing) {
		va_start(ap, fmt);
		vline("@error ", 1, now, fmt, ap);
		va_end(ap);
	}
}

void
con_progress(const char *what, unsigned done, unsigned of)
{
	con_printf("%s: %u of %u done\n", what, done, of);
	con_trace("progress what=%s done=%u of=%u", what, done, of);
}
