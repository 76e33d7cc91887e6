/*
 * fuzz_cfg.c: libFuzzer target for the config file (\EFI\hotadd\hotadd.cfg):
 * any text, split into lines by str_line (efi/shell/str.c), then read as
 * efi/fw/main.c reads it: lines starting with '-' go to opt_parse (but
 * those too long), the others to cmd_text, and then --run. main.c itself
 * needs the firmware, so those steps are repeated here; keep them in
 * step with parse_options() and session().
 *
 * str_line is checked against what str.h promises, at several buffer
 * sizes; the options against their bounds; the commands by the stubs
 * (stubs.c). Nothing a config file holds may print an error of more
 * than one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stubs.h"
#include "cfg.h"
#include "cmd.h"
#include "cpu.h"
#include "opt.h"
#include "str.h"
#include "tok.h"

/*
 * One line of str_line into a heap block of exactly n bytes: the line up
 * to '\n' or the end, without the '\n' or a '\r' before it; cut when
 * that does not fit, and then as much of it as fits.
 */
static const char *
check_line(const char *p, size_t n)
{
	const char *nl, *next;
	size_t len, got;
	char *buf = malloc(n);
	int cut = -1;

	next = str_line(p, buf, n, &cut);
	if (*p == 0) {
		CHECK(next == NULL, "str_line: no NULL at the end");
		free(buf);
		return NULL;
	}
	nl = strchr(p, '\n');
	nl = nl ? nl : p + strlen(p);
	CHECK(next == (*nl ? nl + 1 : nl), "str_line: next line at +%td, "
	      "expected +%td", next - p, nl - p);
	len = (size_t)(nl - p);
	if (len && p[len - 1] == '\r')
		len--;
	got = strnlen(buf, n);
	CHECK(got < n, "str_line: line not terminated in %zu bytes", n);
	CHECK(cut == (len >= n), "str_line: cut %d for %zu characters in "
	      "%zu bytes", cut, len, n);
	CHECK(got == (cut ? n - 1 : len) && memcmp(buf, p, got) == 0,
	      "str_line: the line is not what the text holds");
	free(buf);
	return next;
}

static void
check_lines(const char *text)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 8, 64, TOK_MAX - 1,
					TOK_MAX, TOK_MAX + 1 };
	const char *p;
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		for (p = text; (p = check_line(p, sizes[i]));)
			;
}

static int bad_calls;

static void
bad(void *arg, const char *msg)
{
	(void)arg;
	check_message("opt_parse", msg, TOK_MAX + 64);
	bad_calls++;
}

/* parse_options() in efi/fw/main.c, less the load options. */
static void
options(const char *config, struct options *o)
{
	char line[TOK_MAX];
	const char *p;
	int cut;

	opt_defaults(o);
	for (p = config; p && (p = str_line(p, line, sizeof line, &cut));)
		if (line[0] == '-' && !cut) {
			bad_calls = 0;
			CHECK(opt_parse(o, line, 0, bad, NULL) == bad_calls,
			      "opt_parse: errors and callbacks differ");
		}
	CHECK(o->hold <= MAX_CPUS && o->cap <= MAX_CPUS &&
	      o->group_size <= 64 && o->ap_timeout_ms <= 600000,
	      "an option out of its bounds");
	CHECK(memchr(o->run, 0, sizeof o->run) &&
	      memchr(o->script, 0, sizeof o->script),
	      "--run or --script not terminated");
}

/* session() in efi/fw/main.c, up to the prompt (--script needs a file). */
static void
session(const char *config, const struct options *o)
{
	if (cmd_text(config, "config", 1) == CMD_SHUTDOWN)
		return;
	if (o->run[0])
		cmd_line(o->run);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o;
	char *text;

	/* cfg_read reads no more than this. */
	if (size > CFG_MAX)
		return -1;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;

	check_lines(text);
	stubs_reset();
	options(text, &o);
	session(text, &o);
	free(text);
	return 0;
}
