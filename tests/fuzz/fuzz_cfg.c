/*
 * fuzz_cfg.c: libFuzzer target for the config file (\EFI\hotadd\hotadd.cfg):
 * any text, split into lines by str_line (efi/shell/str.c), then read as
 * efi/fw/main.c reads it: lines starting with '-' go to opt_parse, the
 * others to cmd_text, and then --run; lines of any length. main.c itself
 * needs the firmware, so those steps are repeated here; keep them in
 * step with parse_options() and session().
 *
 * str_line is checked against what str.h promises; the options against
 * their bounds; the commands by the stubs
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
 * Every line of str_line: it starts where the last one ended, runs to
 * '\n' or the end, without the '\n' or one '\r' before it, whatever
 * its length; NULL at the end and only there.
 */
static void
check_lines(const char *text)
{
	const char *p = text, *nl, *next;
	size_t len, n = 0;

	for (; *p; p = next) {
		nl = strchr(p, '\n');
		nl = nl ? nl : p + strlen(p);
		next = str_line(p, &n);
		CHECK(next == (*nl ? nl + 1 : nl), "str_line: next line at "
		      "+%td, expected +%td", next - p, nl - p);
		len = (size_t)(nl - p);
		if (len && p[len - 1] == '\r')
			len--;
		CHECK(n == len, "str_line: %zu characters, expected %zu", n,
		      len);
	}
	CHECK(str_line(p, &n) == NULL, "str_line: no NULL at the end");
}

static int bad_calls;

static void
bad(void *arg, const char *msg)
{
	(void)arg;
	check_message("opt_parse", msg, OPT_MSG_MAX);
	bad_calls++;
}

/* parse_options() in efi/fw/main.c, less the load options. */
static void
options(const char *config, struct options *o)
{
	const char *p, *next;
	char *line;
	size_t n;

	opt_defaults(o);
	for (p = config; (next = str_line(p, &n)); p = next) {
		if (p[0] != '-')
			continue;
		line = tok_dup(p, n);
		bad_calls = 0;
		CHECK(opt_parse(o, line, 0, bad, NULL) == bad_calls,
		      "opt_parse: errors and callbacks differ");
		mem_free(line);
	}
	CHECK(o->hold <= MAX_CPUS && o->cap <= MAX_CPUS &&
	      o->group_size <= 64 && o->ap_timeout_ms <= 600000,
	      "an option out of its bounds");
}

/* session() in efi/fw/main.c, up to the prompt (--script needs a file). */
static void
session(const char *config, const struct options *o)
{
	if (cmd_text(config, 1) == CMD_SHUTDOWN)
		return;
	if (o->run)
		cmd_line(o->run);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o;
	char *text;

	/* Lines of any length: 256 KiB of text keeps each run quick. */
	if (size > 262144)
		return -1;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;

	check_lines(text);
	stubs_reset();
	options(text, &o);
	session(text, &o);
	opt_free(&o);
	free(text);
	return 0;
}
