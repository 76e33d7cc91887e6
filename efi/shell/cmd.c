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
	{ "fault", 2, 2, cmd_fault, "<timeout|error> <mp|next>",
	  "make the next start of that processor time out or fail", 0 },
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

/* Split one command into words and run it. */
static int
run(const char *text)
{
	char words[CMD_ARGS + 1][TOK_MAX];	/* 8.5 KiB of the BSP's stack */
	char *argv[CMD_ARGS];
	const char *p = text;
	int argc = 0, r = TOK_END;
	size_t i;

	while (argc < CMD_ARGS && (r = tok_next(&p, words[argc])) == TOK_WORD) {
		argv[argc] = words[argc];
		argc++;
	}
	if (argc == CMD_ARGS && (r = tok_next(&p, words[argc])) == TOK_WORD) {
		con_error("%s: more than %d words", argv[0], CMD_ARGS - 1);
		return CMD_ERROR;
	}
	if (r == TOK_ERROR) {
		con_error("%s", words[argc]);
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

/* The end of the command that starts at s: a ';' outside quotes. */
static const char *
command_end(const char *s)
{
	char quote = 0;

	for (; *s && (quote || *s != ';'); s++)
		if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (*s == quote)
			quote = 0;
	return s;
}

int
cmd_line(const char *line)
{
	char one[TOK_MAX];
	const char *end;
	size_t n;

	for (;; line = end + 1) {
		end = command_end(line);
		n = (size_t)(end - line);
		if (n >= sizeof one) {
			con_error("command too long (more than %u characters)",
				  (unsigned)sizeof one - 1);
		} else {
			str_copy(one, line, n + 1);
			if (run(one) == CMD_SHUTDOWN)
				return CMD_SHUTDOWN;
		}
		if (*end == 0)
			return CMD_OK;
	}
}

int
cmd_text(const char *text, const char *source, int skip_options)
{
	char line[TOK_MAX];
	int cut;

	while ((text = str_line(text, line, sizeof line, &cut))) {
		if (line[0] == '#' || (skip_options && line[0] == '-'))
			continue;
		if (cut)
			con_error("%s: a line is too long (more than %u "
				  "characters): skipped", source, TOK_MAX - 1);
		else if (cmd_line(line) == CMD_SHUTDOWN)
			return CMD_SHUTDOWN;
	}
	return CMD_OK;
}
