/*
 * fuzz_cmd.c: libFuzzer target for the command parsers of efi/shell/cmd.c:
 * cmd_line (commands separated by ';' outside quotes) and cmd_text (the
 * lines of a --script file or of the config file).
 *
 * The commands that need the firmware are stubs (stubs.c) that check the
 * words they get and log each call. A model written from the README
 * predicts that log: which commands run, with which words, and where an
 * error line is printed. So beyond memory errors (ASan) and undefined
 * behaviour (UBSan), a wrong split is caught too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stubs.h"
#include "cmd.h"
#include "con.h"
#include "tok.h"

/* ---- the model ---- */

static struct {
	struct log log;
	uint64_t stall_us;
	int tracing, explaining, quiet;
} want;

/*
 * Every command, as README.md lists it: a new one goes here, and its
 * firmware calls into stubs.c. 'F': it needs the firmware, so what runs
 * is a stub that logs the call.
 */
static const struct {
	const char *name;
	int min, max;
	char kind;
} table[] = {
	{ "help", 0, 0, 'H' }, { "cpus", 0, 0, 'F' }, { "add", 1, 1, 'F' },
	{ "load", 1, CMD_ARGS - 1, 'F' }, { "unload", 1, 1, 'F' },
	{ "drivers", 0, 0, 'F' }, { "fault", 2, 2, 'F' },
	{ "check", 0, 0, 'F' }, { "bench", 0, 0, 'F' },
	{ "ipi", 0, 0, 'F' }, { "stats", 0, 0, 'F' },
	{ "trace", 1, 1, 'T' }, { "explain", 1, 1, 'T' },
	{ "quiet", 1, 1, 'T' },
	{ "sleep", 1, 1, 'S' }, { "echo", 0, CMD_ARGS - 1, 'H' },
	{ "save", 0, 0, 'F' }, { "shutdown", 0, 0, 'Q' },
};

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The words of s[0..end), quotes removed, into w (pointing into buf,
 * which holds end - s + 1 bytes): their count, or -1 when the command
 * gets one error line (an unclosed quote, more than CMD_ARGS words).
 * A word has no length limit.
 */
static int
split(const char *s, const char *end, char *buf, char **w)
{
	int argc = 0;
	char q;

	for (;;) {
		while (s < end && blank(*s))
			s++;
		if (s == end)
			return argc;
		if (argc == CMD_ARGS)
			return -1;
		w[argc] = buf;
		for (q = 0; s < end && (q || !blank(*s)); s++) {
			if (!q && (*s == '\'' || *s == '"'))
				q = *s;
			else if (q && *s == q)
				q = 0;
			else
				*buf++ = *s;
		}
		if (q)
			return -1;
		*buf++ = 0;
		argc++;
	}
}

/* Decimal, or hex after 0x; nothing else, and at most max. */
static int
number(const char *s, uint64_t max, uint64_t *v)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? "0123456789abcdef" : "0123456789";
	const char *d;
	uint64_t x = 0;

	s += hex ? 2 : 0;
	if (*s == 0)
		return 0;
	for (; *s; s++) {
		char c = *s >= 'A' && *s <= 'F' && hex ? *s - 'A' + 'a' : *s;

		d = c ? strchr(digits, c) : NULL;
		if (d == NULL || __builtin_mul_overflow(x, hex ? 16 : 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(d - digits), &x) ||
		    x > max)
			return 0;
	}
	*v = x;
	return 1;
}

/* What trace, explain or quiet switches. */
static int *
flag(const char *name)
{
	if (strcmp(name, "trace") == 0)
		return &want.tracing;
	if (strcmp(name, "explain") == 0)
		return &want.explaining;
	return &want.quiet;
}

/* One command's words; 1 for shutdown. */
static int
model_words(int argc, char **w)
{
	uint64_t ms;
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(w[0], table[i].name) == 0)
			break;
	if (i == sizeof table / sizeof table[0] || argc - 1 < table[i].min ||
	    argc - 1 > table[i].max) {
		log_error(&want.log);
		return 0;
	}
	switch (table[i].kind) {
	case 'F':
		log_call(&want.log, argc, w);
		break;
	case 'T':
		if (strcmp(w[1], "on") && strcmp(w[1], "off"))
			log_error(&want.log);
		else
			*flag(w[0]) = strcmp(w[1], "on") == 0;
		break;
	case 'S':
		if (number(w[1], 600000, &ms))
			want.stall_us += ms * 1000;
		else
			log_error(&want.log);
		break;
	case 'Q':
		return 1;
	}
	return 0;
}

/* One command; 1 for shutdown. */
static int
model_run(const char *s, const char *end)
{
	char *buf = malloc((size_t)(end - s) + 1), *w[CMD_ARGS];
	int argc = split(s, end, buf, w), r;

	if (argc < 0)
		log_error(&want.log);
	r = argc > 0 ? model_words(argc, w) : 0;
	free(buf);
	return r;
}

/* The end of the command at s: the first ';' outside quotes. */
static const char *
command_end(const char *s)
{
	char q = 0;

	for (; *s; s++) {
		if (!q && *s == ';')
			break;
		if (!q && (*s == '\'' || *s == '"'))
			q = *s;
		else if (*s == q)
			q = 0;
	}
	return s;
}

static int
model_line(const char *s)
{
	const char *end;

	for (;; s = end + 1) {
		end = command_end(s);
		if (model_run(s, end))
			return CMD_SHUTDOWN;
		if (*end == 0)
			return CMD_OK;
	}
}

/*
 * Lines end at '\n' (a '\r' before it goes too), whatever their length.
 * Comment lines ('#'), and with skip_options option lines ('-'), are
 * passed over.
 */
static int
model_text(const char *s, int skip_options)
{
	const char *nl;
	char *line;
	size_t n;
	int r;

	for (; *s; s = *nl ? nl + 1 : nl) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		n = (size_t)(nl - s);
		if (n && s[n - 1] == '\r')
			n--;
		if (n && (s[0] == '#' || (skip_options && s[0] == '-')))
			continue;
		line = strndup(s, n);
		r = model_line(line);
		free(line);
		if (r == CMD_SHUTDOWN)
			return CMD_SHUTDOWN;
	}
	return CMD_OK;
}

/* ---- the target ---- */

static void
dump(const char *title, const struct log *l)
{
	size_t i = 0;
	uint16_t n;
	int argc;

	fprintf(stderr, "%s:", title);
	while (i < l->len) {
		if (l->buf[i++] == 'E') {
			fprintf(stderr, " [error]");
			continue;
		}
		fprintf(stderr, " [");
		for (argc = l->buf[i++]; argc--; i += n) {
			memcpy(&n, l->buf + i, sizeof n);
			i += sizeof n;
			fprintf(stderr, "'%.*s'%s", n, l->buf + i,
				argc ? " " : "");
		}
		fprintf(stderr, "]");
	}
	fprintf(stderr, "\n");
}

static void
reset(void)
{
	stubs_reset();
	log_reset(&want.log);
	want.stall_us = 0;
	want.tracing = want.explaining = want.quiet = 0;
}

static void
compare(const char *who, int got, int expected)
{
	if (!log_same(&stub_log, &want.log)) {
		dump("cmd.c", &stub_log);
		dump("model", &want.log);
		fuzz_fail("%s: the commands run differ from the model", who);
	}
	CHECK(got == expected, "%s returned %d, expected %d", who, got,
	      expected);
	CHECK(stub_stall_us == want.stall_us && stub_idle * 1000 ==
	      stub_stall_us, "%s: slept %llu us, expected %llu", who,
	      (unsigned long long)stub_stall_us,
	      (unsigned long long)want.stall_us);
	CHECK(con_tracing == want.tracing && con_explaining ==
	      want.explaining && con_quiet == want.quiet,
	      "%s: trace, explain or quiet switched wrongly", who);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int skip;

	/* Lines of any length: 256 KiB of text keeps each run quick. */
	if (size > 262144)
		return -1;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;

	/* cmd_line never gets a '\n' from the simulator, but copes. */
	reset();
	stub_multiline = strchr(text, '\n') != NULL;
	compare("cmd_line", cmd_line(text), model_line(text));

	/* As a --script file, and as the config file. */
	for (skip = 0; skip <= 1; skip++) {
		reset();
		compare("cmd_text", cmd_text(text, skip),
			model_text(text, skip));
	}
	free(text);
	return 0;
}
