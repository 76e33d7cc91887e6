/*
 * opt.c: option parsing. One table describes every option; the parser and
 * the usage text both read it, so they cannot disagree.
 */
#include <stddef.h>
#include "opt.h"
#include "list.h"
#include "str.h"
#include "tok.h"
#include "fmt.h"

enum kind { FLAG, NUM, LIST, STR, CHOICE };

struct opt {
	const char *name;
	enum kind kind;
	size_t off;		/* field in struct options */
	uint32_t max;		/* NUM: largest value; LIST: limit */
	const char *arg;	/* what the value is; CHOICE: "a|b|...", the
				   index of the one given is stored */
	const char *help;
};

#define F(field) offsetof(struct options, field)

static const struct opt opts[] = {
	{ "--hold", NUM, F(hold), MAX_CPUS, "N",
	  "hold back the last N application processors (hot-addable)" },
	{ "--hold-mp", LIST, F(hold_mp), MAX_CPUS, "LIST",
	  "hold these MP Services processor numbers, e.g. 3,5-7" },
	{ "--hold-package", LIST, F(hold_package), MAX_CPUS, "LIST",
	  "hold every processor of these packages (sockets), e.g. 1" },
	{ "--ap-timeout-ms", NUM, F(ap_timeout_ms), 600000, "MS",
	  "wait this long for a processor to come online (default 2000)" },
	{ "--group-size", NUM, F(group_size), 64, "N",
	  "processors per group, 1-64 (default 64)" },
	{ "--cap", NUM, F(cap), MAX_CPUS, "N",
	  "allow at most N active processors (a license limit)" },
	{ "--run", STR, F(run), 0, "'CMD; ...'",
	  "run these commands after bring-up" },
	{ "--script", STR, F(script), 0, "PATH",
	  "run the commands in this file of the boot volume" },
	{ "--start", CHOICE, F(start), 0, "mp|native",
	  "add starts a processor through MP Services or with its own "
	  "INIT-SIPI-SIPI (default mp)" },
	{ "--boot", CHOICE, F(boot), 0, "mp|native",
	  "bring-up starts the APs through MP Services or natively, "
	  "from the MADT if there are no MP Services (default mp)" },
	{ "--init-delay-us", NUM, F(init_delay_us), 1000000, "US",
	  "native start: wait after INIT (default 10000, the SDM's)" },
	{ "--sipi-delay-us", NUM, F(sipi_delay_us), 1000000, "US",
	  "native start: wait after each of the two SIPIs (default 200)" },
	{ "--plugged", CHOICE, F(plugged), 0, "auto|hold",
	  "a plugged processor is added at once (auto) or held" },
	{ "--trace", FLAG, F(trace), 0, 0,
	  "print machine-readable @ lines" },
	{ "--explain", FLAG, F(explain), 0, 0,
	  "narrate each step of an add" },
	{ "--quiet", FLAG, F(quiet), 0, 0,
	  "no line per notification (the @ lines stay with --trace)" },
	{ "--batch", FLAG, F(batch), 0, 0,
	  "shut the machine down at the end" },
	{ "--check", FLAG, F(check), 0, 0,
	  "self-check the firmware's MP Services before bring-up" },
	{ "--bench", FLAG, F(bench), 0, 0,
	  "time bring-up against the firmware's StartupAllAPs" },
	{ "--x2apic", FLAG, F(x2apic), 0, 0,
	  "switch the local APICs to x2APIC mode first (if they have it)" },
	{ "--spin", FLAG, F(spin), 0, 0,
	  "idle APs spin instead of sleeping between timer ticks" },
	{ "--no-mp", FLAG, F(no_mp), 0, 0,
	  "ignore MP Services and run with the BSP alone" },
	{ "--help", FLAG, F(help), 0, 0, "print this help" },
};

#define NOPTS (sizeof opts / sizeof opts[0])

void
opt_defaults(struct options *o)
{
	__builtin_memset(o, 0, sizeof *o);
	o->ap_timeout_ms = 2000;
	o->init_delay_us = 10000;	/* SDM vol. 3A, MP init example */
	o->sipi_delay_us = 200;
}

void
opt_free(struct options *o)
{
	mem_free(o->run);
	mem_free(o->script);
	o->run = o->script = NULL;
}

/*
 * The words of an option line, cut out of a copy of it and packed one
 * after the other, each NUL-terminated: as long as the line allows, and
 * none of them on the stack.
 */
struct words {
	char *next;		/* the next word, if left > 0 */
	int left;
	const char *error;	/* why the line ended early, or NULL */
};

static void
words_cut(struct words *ws, char *text)
{
	char *p = text, *pack = text, *w;
	int r;

	ws->next = text;
	ws->left = 0;
	ws->error = NULL;
	while ((r = tok_next(&p, &w)) == TOK_WORD) {
		size_t n = str_len(w) + 1;

		__builtin_memmove(pack, w, n);	/* pack <= w: words only shrink */
		pack += n;
		ws->left++;
	}
	if (r == TOK_ERROR)
		ws->error = w;
}

static char *
take(struct words *ws)
{
	char *w = ws->next;

	ws->next += str_len(w) + 1;
	ws->left--;
	return w;
}

/* "--name" or "--name=value": the table entry, and value (or NULL). */
static const struct opt *
lookup(char *word, const char **value)
{
	char *eq = word;
	size_t i;

	while (*eq && *eq != '=')
		eq++;
	*value = *eq ? eq + 1 : NULL;
	*eq = 0;
	for (i = 0; i < NOPTS; i++)
		if (str_eq(word, opts[i].name))
			return &opts[i];
	return NULL;
}

/*
 * A list replaces the one before it, as every later option does (list_parse
 * only adds bits); a bad one leaves it as it was.
 */
static int
list(const char *value, uint32_t limit, uint8_t *field, char *err)
{
	uint8_t map[MAX_CPUS / 8] = { 0 };

	if (!list_parse(value, limit, map, err))
		return 0;
	__builtin_memcpy(field, map, (limit + 7) / 8);
	return 1;
}

/* The index of value among the choices "a|b|...", or -1. */
static int
choice(const char *c, const char *value)
{
	const char *v;
	int i;

	for (i = 0;; i++, c++) {
		for (v = value; *v && *c != '|' && *c == *v; c++, v++)
			;
		if (*v == 0 && (*c == '|' || *c == 0))
			return i;
		while (*c && *c != '|')
			c++;
		if (*c == 0)
			return -1;
	}
}

/* Store value into o; on failure write the reason to err. */
static int
apply(const struct opt *op, const char *value, struct options *o, char *err)
{
	uint8_t *field = (uint8_t *)o + op->off;
	char *copy;
	uint64_t v;

	switch (op->kind) {
	case FLAG:
		*field = 1;
		return 1;
	case NUM:
		if (!str_to_u64(value, op->max, &v)) {
			ke_snprintf(err, LIST_ERR_MAX,
				    "'%s' is not a number from 0 to %u",
				    value, op->max);
			return 0;
		}
		*(uint32_t *)field = (uint32_t)v;
		return 1;
	case LIST:
		return list(value, op->max, field, err);
	case STR:
		copy = tok_dup(value, str_len(value));
		if (copy == NULL) {
			str_copy(err, "no memory for its value", LIST_ERR_MAX);
			return 0;
		}
		mem_free(*(char **)field);
		*(char **)field = copy;
		return 1;
	case CHOICE:
		v = (uint64_t)choice(op->arg, value);
		if ((int64_t)v < 0) {
			ke_snprintf(err, LIST_ERR_MAX, "expected %s, not '%s'",
				    op->arg, value);
			return 0;
		}
		*field = (uint8_t)v;
		return 1;
	}
	return 0;
}

/* One option word, with the words after it in ws for a separate value. */
static int
one(struct options *o, char *word, struct words *ws, char *msg)
{
	char err[LIST_ERR_MAX];
	const struct opt *op;
	const char *v;

	op = lookup(word, &v);
	if (op == NULL) {
		ke_snprintf(msg, OPT_MSG_MAX, "unknown option '%s'", word);
		/* A word after it that is no option is taken as its value,
		 * so one mistake makes one error. */
		if (ws->left && ws->next[0] != '-')
			take(ws);
		return 0;
	}
	if (op->kind == FLAG && v) {
		ke_snprintf(msg, OPT_MSG_MAX, "%s takes no value", op->name);
		return 0;
	}
	if (op->kind != FLAG && v == NULL) {
		/* The next word is the value, unless it is another option:
		 * "-5" is a (bad) value, "--x" the next option. */
		if (!ws->left && ws->error) {
			ke_snprintf(msg, OPT_MSG_MAX, "%s: %s", op->name,
				    ws->error);
			ws->error = NULL;	/* reported here, once */
			return 0;
		}
		if (!ws->left || (ws->next[0] == '-' &&
				  !(ws->next[1] >= '0' && ws->next[1] <= '9'))) {
			ke_snprintf(msg, OPT_MSG_MAX, "%s needs a value (%s)",
				    op->name, op->arg);
			return 0;
		}
		v = take(ws);
	}
	if (!apply(op, v, o, err)) {
		ke_snprintf(msg, OPT_MSG_MAX, "%s: %s", op->name, err);
		return 0;
	}
	return 1;
}

int
opt_parse(struct options *o, const char *line, int has_program,
	  void (*bad)(void *arg, const char *msg), void *arg)
{
	char msg[OPT_MSG_MAX], *text = tok_dup(line, str_len(line));
	struct words ws;
	int errors = 0;

	if (text == NULL) {
		bad(arg, "options: no memory for the option line");
		return 1;
	}
	words_cut(&ws, text);
	/* The UEFI Shell passes the program's own name first. */
	if (has_program && ws.left && ws.next[0] != '-')
		take(&ws);
	while (ws.left)
		if (!one(o, take(&ws), &ws, msg)) {
			bad(arg, msg);
			errors++;
		}
	if (ws.error) {
		ke_snprintf(msg, sizeof msg, "options: %s", ws.error);
		bad(arg, msg);
		errors++;
	}
	mem_free(text);
	return errors;
}

void
opt_usage(void (*out)(void *arg, const char *line), void *arg)
{
	char line[160], left[40];
	size_t i;

	out(arg, "usage: hotadd [option ...]\n");
	for (i = 0; i < NOPTS; i++) {
		ke_snprintf(left, sizeof left, "%s%s%s", opts[i].name,
			    opts[i].arg ? " " : "",
			    opts[i].arg ? opts[i].arg : "");
		ke_snprintf(line, sizeof line, "  %-26s %s\n", left,
			    opts[i].help);
		out(arg, line);
	}
}
