/*
 * fuzz_opt.c: libFuzzer target for the option parser (efi/shell/opt.c), given
 * any text as the config file's option line (has_program 0) and as the
 * load options (has_program 1).
 *
 * After each call: every value within the bound its option documents,
 * every string terminated inside its array, one callback per error, each
 * callback a single line. Then a second line that sets every option must
 * win over whatever the first one set, as README.md promises ("When an
 * option appears twice, the later one wins").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stubs.h"
#include "cpu.h"
#include "list.h"
#include "opt.h"

static int calls;

static void
bad(void *arg, const char *msg)
{
	CHECK(arg == &calls, "bad() got another arg");
	check_message("opt_parse", msg, OPT_MSG_MAX);
	calls++;
}

static void
check_bounds(const struct options *o)
{
	CHECK(o->hold <= MAX_CPUS, "--hold %u", o->hold);
	CHECK(o->ap_timeout_ms <= 600000, "--ap-timeout-ms %u",
	      o->ap_timeout_ms);
	CHECK(o->group_size <= 64, "--group-size %u", o->group_size);
	CHECK(o->cap <= MAX_CPUS, "--cap %u", o->cap);
	(void)(o->run && strlen(o->run));	/* ASan: a string, or NULL */
	(void)(o->script && strlen(o->script));
	CHECK(o->trace <= 1 && o->explain <= 1 && o->batch <= 1 &&
	      o->no_mp <= 1 && o->help <= 1, "a flag is neither 0 nor 1");
}

/* Parse line into o; the checks every call must pass. */
static void
parse(struct options *o, const char *line, int has_program)
{
	int errors;

	calls = 0;
	errors = opt_parse(o, line, has_program, bad, &calls);
	CHECK(errors == calls, "opt_parse returned %d after %d callbacks",
	      errors, calls);
	check_bounds(o);
}

/* Whatever came before, these values win. */
static void
check_later_wins(struct options *o)
{
	unsigned n;

	parse(o, "--hold 5 --hold-mp 7 --ap-timeout-ms 9 --group-size 3 "
		 "--cap=11 --run 'echo x' --script s.txt", 0);
	CHECK(calls == 0, "the second line failed");
	CHECK(o->hold == 5 && o->ap_timeout_ms == 9 && o->group_size == 3 &&
	      o->cap == 11, "a later number did not win");
	CHECK(strcmp(o->run, "echo x") == 0 && strcmp(o->script, "s.txt") == 0,
	      "a later string did not win");
	for (n = 0; n < MAX_CPUS; n++)
		CHECK(list_has(o->hold_mp, n) == (n == 7),
		      "a later --hold-mp 7 leaves mp %u %s", n,
		      n == 7 ? "not held" : "held");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o;
	char *line;
	int hp;

	if (size > 262144)
		return -1;
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = 0;
	/*
	 * No caller passes a '\n' (load options with control characters
	 * are refused, config lines come from str_line), but a quoted one
	 * would be echoed in a message; only then may one span lines.
	 */
	stub_multiline = strchr(line, '\n') != NULL;
	for (hp = 0; hp <= 1; hp++) {
		opt_defaults(&o);
		parse(&o, line, hp);
		check_later_wins(&o);
		opt_free(&o);
	}
	free(line);
	return 0;
}

static void
usage_line(void *arg, const char *line)
{
	size_t n = strlen(line);

	(void)arg;
	CHECK(n > 1 && line[n - 1] == '\n' && memchr(line, '\n', n - 1) ==
	      NULL, "a usage line is not one line: '%s'", line);
}

/* The usage text has no input; check it once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	opt_usage(usage_line, NULL);
	return 0;
}
