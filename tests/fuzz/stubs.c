/*
 * stubs.c: the host stand-ins for everything efi/shell/cmd.c calls outside the
 * parsers (see stubs.h). Nothing here prints: the fuzzer runs millions
 * of inputs, and the checks say all there is to say.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stubs.h"
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "tok.h"

struct log stub_log;
uint64_t stub_stall_us;
uint64_t stub_idle;
int stub_multiline;
static int paused;		/* the AP loops, by bringup_pause */

int con_tracing;
int con_explaining;
int con_quiet;

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz check failed: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* ---- the event log ---- */

static void
put(struct log *l, const void *p, size_t n)
{
	if (l->len + n > l->cap) {
		l->cap = (l->len + n) * 2;
		l->buf = realloc(l->buf, l->cap);
		CHECK(l->buf, "out of memory");
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

void
log_reset(struct log *l)
{
	l->len = 0;
}

void
log_error(struct log *l)
{
	put(l, "E", 1);
}

/* 'C', the word count, then each word with its length in front. */
void
log_call(struct log *l, int argc, char **argv)
{
	uint16_t n;
	uint8_t c = (uint8_t)argc;
	int i;

	put(l, "C", 1);
	put(l, &c, 1);
	for (i = 0; i < argc; i++) {
		n = (uint16_t)strlen(argv[i]);
		put(l, &n, sizeof n);
		put(l, argv[i], n);
	}
}

int
log_same(const struct log *a, const struct log *b)
{
	return a->len == b->len && (a->len == 0 ||
				    memcmp(a->buf, b->buf, a->len) == 0);
}

void
stubs_reset(void)
{
	log_reset(&stub_log);
	stub_stall_us = 0;
	stub_idle = 0;
	stub_multiline = 0;
	paused = 0;
	con_tracing = 0;
	con_explaining = 0;
	con_quiet = 0;
}

void
check_message(const char *who, const char *msg, size_t size)
{
	size_t n = strnlen(msg, size);

	CHECK(n < size, "%s: message not terminated within %zu bytes",
	      who, size);
	CHECK(n > 0, "%s: empty message", who);
	CHECK(stub_multiline || memchr(msg, '\n', n) == NULL,
	      "%s: message of more than one line: '%s'", who, msg);
}

/* ---- the console ---- */

void
con_write(const char *s)
{
	(void)strlen(s);		/* ASan checks it is a string */
}

void
con_drain(void)
{
}

void
con_progress(const char *what, unsigned done, unsigned of)
{
	CHECK(done <= of, "%s: progress %u of %u", what, done, of);
}

void
con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
}

void
con_trace(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	check_message("con_trace", buf, sizeof buf);
}

void
con_trace_at(uint64_t tsc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	(void)tsc;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	check_message("con_trace_at", buf, sizeof buf);
}

void
con_explain(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
}

/* One line each: the @error line of --trace must stay one line. */
void
con_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	check_message("con_error", buf, sizeof buf);
	log_error(&stub_log);
}

/* `save` writes the transcript to the boot volume: logged as a command. */
int
con_save(void)
{
	char *argv[] = { "save" };

	log_call(&stub_log, 1, argv);
	return 1;
}

/* ---- the clock and the processors ---- */

/* A machine with MP Services, so `check` gets as far as check_run. */
static int mp_services;
struct machine machine = { .mp = &mp_services };

/* No processor was plugged in: `check` may run. */
int
cpu_plugged_present(const struct machine *m)
{
	CHECK(m == &machine, "cpu_plugged_present: another machine");
	return -1;
}

int
bringup_pause(struct machine *m)
{
	CHECK(m == &machine && !paused, "bringup_pause: twice");
	paused = 1;
	return 1;
}

void
bringup_resume(struct machine *m)
{
	CHECK(m == &machine && paused, "bringup_resume: not paused");
	paused = 0;
}

/* `check`: logged as a command, run while the AP loops are paused. */
int
check_run(struct machine *m)
{
	char *argv[] = { "check" };

	CHECK(m == &machine && paused, "check_run: AP loops not paused");
	log_call(&stub_log, 1, argv);
	return 1;
}

/* `sleep 600000` stalls 600000 times: keep each one free. */
void
mp_stall(unsigned us)
{
	stub_stall_us += us;
}

void
hal_bsp_idle(void)
{
	stub_idle++;
}

/* The machine never stops under the fuzzer. */
uint32_t
stop_code(void)
{
	return 0;
}

void
plug_poll(void)
{
}

/* ---- the commands of cmdcpu.c and cmddrv.c ---- */

/*
 * What cmd.c hands a command: the name it was called by, a word count
 * that command accepts (per the README), and words that are strings of
 * any length, without the quotes that grouped them.
 */
static int
called(const char *name, int min, int max, int argc, char **argv)
{
	int i;

	CHECK(argc >= 1 && argc <= CMD_ARGS, "%s: argc %d", name, argc);
	CHECK(argc - 1 >= min && argc - 1 <= max,
	      "%s: %d arguments, wants %d to %d", name, argc - 1, min, max);
	for (i = 0; i < argc; i++) {
		CHECK(argv[i] != NULL, "%s: argv[%d] is NULL", name, i);
		(void)strlen(argv[i]);	/* ASan checks it is a string */
	}
	CHECK(strcmp(argv[0], name) == 0, "%s: argv[0] is '%s'", name,
	      argv[0]);
	log_call(&stub_log, argc, argv);
	return CMD_OK;
}

/* Each command stub checks its words and logs the call. */
#define STUB(name, min, max)					\
	int cmd_##name(int argc, char **argv)			\
	{							\
		return called(#name, min, max, argc, argv);	\
	}

STUB(cpus, 0, 0)
STUB(add, 1, 1)
STUB(fault, 2, 2)
STUB(ipi, 0, 0)
STUB(stats, 0, 0)
STUB(unload, 1, 1)
STUB(drivers, 0, 0)
STUB(bench, 0, 0)
STUB(load, 1, CMD_ARGS - 1)

/* Not called by cmd.c; here so the link never depends on that. */
void
cmd_driver_stats(void)
{
}

void
cmd_unload_all(void)
{
}
