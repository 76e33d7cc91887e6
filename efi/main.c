/*
 * main.c: the simulator's entry point and its life from boot to exit.
 *
 * gnu-efi's crt0 relocates the image and calls efi_main with the System V
 * calling convention, so efi_main is a plain C function (not EFIAPI).
 */
#include <efi.h>
#include "uefi.h"
#include "cfg.h"
#include "con.h"
#include "cpu.h"
#include "opt.h"
#include "str.h"

#define VERSION "0.1"
#define MAX_BAD 8		/* bad options remembered until tracing is set */

struct machine machine;
static struct options opts;
static char bad[MAX_BAD][160];
static unsigned nbad;

static void
remember(void *arg, const char *msg)
{
	(void)arg;
	if (nbad < MAX_BAD)
		str_copy(bad[nbad++], msg, sizeof bad[0]);
}

static void
usage_line(void *arg, const char *line)
{
	(void)arg;
	con_write(line);
}

/* Each line of the config file, then the load options (later ones win). */
static void
parse_options(void)
{
	char *text, *line, *end;
	unsigned i;

	opt_defaults(&opts);
	if ((text = cfg_read(CFG_PATH))) {
		for (line = text; *line; line = end) {
			for (end = line; *end && *end != '\n'; end++)
				;
			if (*end)
				*end++ = 0;
			if (*line != '#')
				opt_parse(&opts, line, 0, remember, NULL);
		}
		uefi_free(text);
	}
	if ((text = cfg_load_options())) {
		opt_parse(&opts, text, 1, remember, NULL);
		uefi_free(text);
	}
	con_tracing = opts.trace;
	for (i = 0; i < nbad; i++)
		con_error("bad option: %s", bad[i]);
	if (nbad || opts.help)
		opt_usage(usage_line, NULL);
	if (nbad)
		con_printf("Going on without the bad option%s.\n",
			   nbad > 1 ? "s" : "");
}

static void
ready(void)
{
	UINT32 active, held;

	cpus_print(&machine);
	cpus_count(&machine, &active, &held);
	con_printf("%u active (BSP included), %u held for hot-add.\n",
		   active, held);
	con_trace("ready active=%u held=%u max=%u", active, held,
		  active + held);
}

EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uefi_init(image, st);
	con_init(st);
	/* The firmware's 5-minute watchdog would reset an interactive run. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	con_printf("hotadd %s: processor hot-add simulator\n", VERSION);
	parse_options();
	clock_init();
	mp_discover(&machine, opts.no_mp);
	bringup(&machine, &opts);
	ready();
	bringup_stop(&machine);
	con_trace("exit status=0x%08x", 0);
	if (opts.batch)
		uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown,
				  EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
