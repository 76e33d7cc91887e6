/*
 * cmd.c: reading commands and running them. One table lists every command
 * with how many arguments it takes; `help` prints the same table.
 */
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "fmt.h"
#include "hal.h"
#include "str.h"
#include "tok.h"
#include "x86.h"

static int cmd_help(int argc, char **argv);
static int cmd_echo(int argc, char **argv);
static int cmd_sleep(int argc, char **argv);
static int cmd_switch(int argc, char **argv);
static int cmd_shutdown(int argc, char **argv);
static int cmd_save(int argc, char **argv);
static int cmd_check(int argc, char **argv);

/* After a bugcheck only the commands that change nothing (and run no
 * driver code) work: `stopped` says which. */
static const struct command {
	const char *name;
	int min, max;		/* arguments after the name */
	int (*run)(int argc, char **argv);
	const char *args, *help;
	int stopped;		/* works on a stopped machine */
} commands[] = {
	{ "help", 0, 0, cmd_help, "", "list the commands", 1 },
	{ "cpus", 0, 0, cmd_cpus, "", "print the processor table", 1 },
	{ "add", 1, 1, cmd_add, "<mp|next|all>",
	  "hot-add a held processor (KeStartDynamicProcessor)", 0 },
	{ "load", 1, CMD_ARGS - 1, cmd_load,
	  "<driver> [as <name>] [key=value ...]", "load a driver", 0 },
	{ "unload", 1, 1, cmd_unload, "<name>", "unload a driver", 0 },
	{ "drivers", 0, 0, cmd_drivers, "",
	  "list the drivers, loaded and available", 1 },
	{ "fault", 2, 2, cmd_fault, "<timeout|error|apic> <mp|next>",
	  "make its next start time out, fail or read a wrong APIC id", 0 },
	{ "check", 0, 0, cmd_check, "",
	  "self-check the firmware's MP Services (AP loops pause)", 0 },
	{ "bench", 0, 0, cmd_bench, "",
	  "time hot-adds against bare starts (uses held processors)", 0 },
	{ "ipi", 0, 0, cmd_ipi, "",
	  "KeIpiGenericCall: show which processors ran it", 0 },
	{ "stats", 0, 0, cmd_stats, "",
	  "processor loop counts and each driver's figures", 0 },
	{ "trace", 1, 1, cmd_switch, "on|off", "the machine-readable @ lines",
	  1 },
	{ "explain", 1, 1, cmd_switch, "on|off", "narrate each step of an add",
	  1 },
	{ "quiet", 1, 1, cmd_switch, "on|off",
	  "no line per notification (the @ lines stay)", 1 },
	{ "sleep", 1, 1, cmd_sleep, "<ms>", "wait, processors keep working",
	  1 },
	{ "echo", 0, CMD_ARGS - 1, cmd_echo, "<text>", "print the text", 1 },
	{ "save", 0, 0, cmd_save, "", "write the transcript to "
	  "\\EFI\\hotadd\\hotadd.log", 1 },
	{ "shutdown", 0, 0, cmd_shutdown, "", "stop every processor and "
	  "power off", 1 },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const char *
cmd_name(unsigned i)
{
	return i < NCOMMANDS ? commands[i].name : NULL;
}

static int
cmd_help(int argc, char **argv)
{
	char left[48];
	size_t i;

	(void)argc, (void)argv;
	for (i = 0; i < NCOMMANDS; i++) {
		ke_snprintf(left, sizeof left, "%s %s", commands[i].name,
			    commands[i].args);
		con_printf("  %-44s %s\n", left, commands[i].help);
	}
	return CMD_OK;
}

static int
cmd_echo(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		con_printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	con_printf("\n");
	return CMD_OK;
}

static int
cmd_sleep(int argc, char **argv)
{
	uint64_t ms;

	(void)argc;
	if (!str_to_u64(argv[1], 600000, &ms)) {
		con_error("sleep: '%s' is not a number of ms from 0 to 600000",
			  argv[1]);
		return CMD_ERROR;
	}
	while (ms--) {
		hal_bsp_idle();		/* the BSP works while it waits */
		mp_stall(1000);
	}
	return CMD_OK;
}

/* trace on|off, explain on|off, quiet on|off */
static int
cmd_switch(int argc, char **argv)
{
	int *flag = str_eq(argv[0], "trace")	? &con_tracing :
		    str_eq(argv[0], "explain")	? &con_explaining :
						  &con_quiet;

	(void)argc;
	if (!str_eq(argv[1], "on") && !str_eq(argv[1], "off")) {
		con_error("%s: expected on or off, not '%s'", argv[0], argv[1]);
		return CMD_ERROR;
	}
	*flag = str_eq(argv[1], "on");
	return CMD_OK;
}

static int
cmd_check(int argc, char **argv)
{
	int ok;

	(void)argc, (void)argv;
	if (machine.mp == NULL) {
		con_error("check: no MP Services to check");
		return CMD_ERROR;
	}
	if (cpu_plugged_present(&machine) >= 0) {
		con_error("check: slot %d was plugged in at runtime; the "
			  "firmware's broadcasts would wake it unknown to MP "
			  "Services, so the check is not run",
			  cpu_plugged_present(&machine));
		return CMD_ERROR;
	}
	if (!bringup_pause(&machine))
		return CMD_ERROR;
	ok = check_run(&machine);
	bringup_resume(&machine);
	return ok ? CMD_OK : CMD_ERROR;
}

static int
cmd_save(int argc, char **argv)
{
	(void)argc, (void)argv;
	return con_save() ? CMD_OK : CMD_ERROR;
}

static int
cmd_shutdown(int argc, char **argv)
{
	(void)argc, (void)argv;
	return CMD_SHUTDOWN;
}

/* Split one command (writable: it is cut up in place) and run it. */
static int
run(char *text)
{
	char *argv[CMD_ARGS], *w, *p = text;
	int argc = 0, r;
	size_t i;

	while ((r = tok_next(&p, &w)) == TOK_WORD) {
		if (argc == CMD_ARGS) {
			con_error("%s: more than %d words", argv[0],
				  CMD_ARGS - 1);
			return CMD_ERROR;
		}
		argv[argc++] = w;
	}
	if (r == TOK_ERROR) {
		con_error("%s", w);
		return CMD_ERROR;
	}
	if (argc == 0)
		return CMD_OK;
	plug_poll();		/* a processor plugged meanwhile comes first */
	for (i = 0; i < NCOMMANDS; i++) {
		if (!str_eq(argv[0], commands[i].name))
			continue;
		if (argc - 1 < commands[i].min || argc - 1 > commands[i].max) {
			con_error("usage: %s %s", commands[i].name,
				  commands[i].args);
			return CMD_ERROR;
		}
		if (stop_code() && !commands[i].stopped) {
			con_error("%s: refused, the machine stopped at bugcheck "
				  "0x%08X", argv[0], stop_code());
			return CMD_ERROR;
		}
		return commands[i].run(argc, argv);
	}
	con_error("unknown command '%s' (try help)", argv[0]);
	return CMD_ERROR;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * One command, s[0..n): traced as typed (@cmd, so a reader of the trace
 * sees what each event answers; its first CMD_SHOWN characters, blanks
 * squeezed), then copied to memory of its own, as long as it is, and run.
 */
static int
one(const char *s, size_t n)
{
	char shown[CMD_SHOWN + 4], *text;
	size_t i, k;
	int r;

	for (; n && blank(*s); s++, n--)
		;
	for (; n && blank(s[n - 1]); n--)
		;
	if (n == 0)
		return CMD_OK;
	for (i = k = 0; i < n && k < CMD_SHOWN; i++)
		if (!blank(s[i]) || !blank(s[i - 1]))	/* runs of blanks: one */
			shown[k++] = blank(s[i]) ? ' ' : s[i];
	str_copy(shown + k, i < n ? "..." : "", 4);
	con_trace("cmd text=%s", shown);
	text = tok_dup(s, n);
	if (text == NULL) {
		con_error("a command of %lu characters: no memory for it",
			  (unsigned long)n);
		return CMD_ERROR;
	}
	r = run(text);
	mem_free(text);
	return r;
}

/* The end of the command that starts at s: a ';' outside quotes. */
static const char *
command_end(const char *s, const char *end)
{
	char quote = 0;

	for (; s < end && (quote || *s != ';'); s++)
		if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (*s == quote)
			quote = 0;
	return s;
}

/* The commands of s[0..n), separated by ';'. */
static int
line(const char *s, size_t n)
{
	const char *end = s + n, *e;

	for (;; s = e + 1) {
		e = command_end(s, end);
		if (one(s, (size_t)(e - s)) == CMD_SHUTDOWN)
			return CMD_SHUTDOWN;
		if (e == end)
			return CMD_OK;
	}
}

int
cmd_line(const char *text)
{
	return line(text, str_len(text));
}

int
cmd_text(const char *text, int skip_options)
{
	const char *next;
	size_t n;

	for (; (next = str_line(text, &n)); text = next) {
		if (n && (text[0] == '#' || (skip_options && text[0] == '-')))
			continue;
		if (line(text, n) == CMD_SHUTDOWN)
			return CMD_SHUTDOWN;
	}
	return CMD_OK;
}
