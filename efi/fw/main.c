/*
 * main.c: the simulator's entry point and its life from boot to exit.
 *
 * gnu-efi's crt0 relocates the image and calls efi_main with the System V
 * calling convention, so efi_main is a plain C function (not EFIAPI).
 */
#include "uefi.h"
#include "cfg.h"
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "opt.h"
#include "str.h"
#include "tok.h"
#include "trace.h"
#include "x86.h"

#define VERSION "0.2"
#define MAX_BAD 32		/* bad options remembered until tracing is set */

struct machine machine;
static struct options opts;
static char (*bad)[160];	/* MAX_BAD lines, pool */
static unsigned nbad;
static char *config;		/* the config file, for its command lines */

static void
remember(void *arg, const char *msg)
{
	(void)arg;
	if (bad == NULL)
		bad = uefi_alloc(MAX_BAD * sizeof *bad);
	if (bad && nbad < MAX_BAD)
		str_copy(bad[nbad], msg, sizeof bad[0]);
	nbad++;
}

static void
usage_line(void *arg, const char *line)
{
	(void)arg;
	con_write(line);
}

/*
 * The config file's option lines (those starting with '-'), then the
 * load options; later ones win. Its other lines are commands, run later.
 */
static void
parse_options(void)
{
	const char *p, *next;
	char *text;
	unsigned i;
	size_t n;

	opt_defaults(&opts);
	config = cfg_read(CFG_PATH);
	for (p = config; p && (next = str_line(p, &n)); p = next) {
		if (p[0] != '-')
			continue;
		if ((text = tok_dup(p, n)) == NULL) {
			remember(NULL, "config: no memory for an option line");
			continue;
		}
		opt_parse(&opts, text, 0, remember, NULL);
		mem_free(text);
	}
	if ((text = cfg_load_options())) {
		opt_parse(&opts, text, 1, remember, NULL);
		uefi_free(text);
	}
	con_tracing = opts.trace;
	con_explaining = opts.explain;
	con_quiet = opts.quiet;
	for (i = 0; bad && i < nbad && i < MAX_BAD; i++)
		con_error("bad option: %s", bad[i]);
	uefi_free(bad);
	bad = NULL;
	if (nbad > MAX_BAD)
		con_error("bad option: %u more not shown", nbad - MAX_BAD);
	if (nbad || opts.help)
		opt_usage(usage_line, NULL);
	if (nbad)
		con_printf("Going on without the bad option%s.\n",
			   nbad > 1 ? "s" : "");
}

/* The core first: the table shows where it placed each processor. The
 * maximum counts the processors that may still be plugged. */
static void
ready(void)
{
	uint32_t active, held, absent, n;

	hal_init(&opts);
	for (n = 0; n < machine.ncpu; n++)
		if (machine.cpu[n].state == CPU_ONLINE)
			trace_online(&machine.cpu[n]);
	cpus_print(&machine);
	cpus_count(&machine, &active, &held, &absent);
	con_printf("%u active (BSP included), %u held for hot-add", active,
		   held);
	if (absent)
		con_printf(", %u more may be plugged", absent);
	con_printf(".\n");
	con_trace("ready active=%u held=%u max=%u", active, held,
		  active + held + absent);
}

static int
run_script(const char *path)
{
	char *text = cfg_read(path);
	int r;

	if (text == NULL) {
		con_error("--script: cannot read %s from the boot volume", path);
		return CMD_ERROR;
	}
	r = cmd_text(text, 0);
	uefi_free(text);
	return r;
}

static int
prompt(void)
{
	char line[CON_LINE_MAX];

	con_printf("Type help for the commands.\n");
	while (con_readline("hotadd> ", line, sizeof line) >= 0)
		if (cmd_line(line) == CMD_SHUTDOWN)
			return CMD_SHUTDOWN;
	return CMD_OK;
}

/* Config commands, --script, --run, then the prompt unless --batch. */
static int
session(void)
{
	if (config && cmd_text(config, 1) == CMD_SHUTDOWN)
		return CMD_SHUTDOWN;
	if (opts.script && run_script(opts.script) == CMD_SHUTDOWN)
		return CMD_SHUTDOWN;
	if (opts.run && cmd_line(opts.run) == CMD_SHUTDOWN)
		return CMD_SHUTDOWN;
	return opts.batch ? CMD_OK : prompt();
}

/*
 * After a bugcheck (stop.c has reported it): with --batch, power off;
 * otherwise the transcript is saved and the prompt comes back, the
 * commands that would change the machine refused.
 */
static int
stopped(void)
{
	if (opts.batch)
		return CMD_SHUTDOWN;
	con_save();
	con_printf("Only help, cpus, drivers, save, echo, sleep, trace, "
		   "explain, quiet and shutdown work now.\n");
	return prompt();
}

/* --x2apic: the BSP to x2APIC mode before the APIC is first used; the
 * processors the simulator starts follow it (apic_match_bsp). */
static void
x2apic(void)
{
	if (!apic_enter_x2()) {
		con_error("--x2apic: the processor has no x2APIC "
			  "(CPUID.01H:ECX[21] clear) or its APIC is off; "
			  "staying in xAPIC mode");
		return;
	}
	con_printf("local APIC in x2APIC mode (--x2apic)\n");
}

EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	int r;

	uefi_init(image, st);
	con_init();
	/* The firmware's 5-minute watchdog would reset an interactive run. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	clock_init();		/* before the first @ line: t=0 is here */
	con_printf("hotadd %s: processor hot-add simulator\n", VERSION);
	parse_options();
	if (opts.x2apic)
		x2apic();
	if (!opts.spin)
		apic_tick_init(clock_cycles(1), uefi_alloc(APIC_IDT_BYTES));
	else
		apic_init();	/* the native start still needs the APIC */
	mp_discover(&machine, opts.no_mp);
	plug_discover(&machine, &opts);
	if (opts.check)
		check_run(&machine);
	if (opts.bench)
		bench_bringup_baseline(&machine);
	bringup(&machine, &opts);
	if (opts.bench)
		bench_bringup(&machine);
	ready();
	if (__builtin_setjmp(stop_jump) == 0)
		r = session();
	else
		r = stopped();
	if (!stop_code())
		cmd_unload_all();	/* no driver code runs after a stop */
	bringup_stop(&machine);
	con_trace("exit status=0x%08x", stop_code());
	if (opts.batch)
		con_save();
	if (opts.batch || r == CMD_SHUTDOWN)
		uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown,
				  EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
