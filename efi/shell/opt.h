/*
 * opt.h: the simulator's options, from the firmware's load options (or the
 * UEFI Shell's command line) and from the config file on the boot volume.
 */
#ifndef EFI_OPT_H
#define EFI_OPT_H

#include <stdint.h>
#include "cpu.h"
#include "tok.h"


struct options {
	uint32_t hold;			/* hold back the last N APs */
	uint8_t hold_mp[MAX_CPUS / 8];	/* hold these MP numbers */
	uint8_t hold_package[MAX_CPUS / 8];	/* hold these packages */
	uint32_t ap_timeout_ms;		/* wait for "online" this long */
	uint32_t group_size;		/* processors per group, 0 = 64 */
	uint32_t cap;			/* most processors active, 0 = all */
	char *run;			/* commands to run after bring-up */
	char *script;			/* a script file on the boot volume */
	uint8_t trace;			/* print the @ lines */
	uint8_t explain;		/* narrate each add */
	uint8_t quiet;			/* no line per notification */
	uint8_t batch;			/* shut down at the end */
	uint8_t no_mp;			/* ignore MP Services */
	uint8_t check;			/* self-check MP Services first */
	uint8_t bench;			/* time bring-up against StartupAllAPs */
	uint8_t spin;			/* idle APs spin, no timer tick */
	uint8_t x2apic;			/* put the BSP in x2APIC mode */
	uint8_t plugged;		/* PLUGGED_AUTO or PLUGGED_HOLD */
	uint8_t start;			/* START_MP or START_NATIVE */
	uint8_t boot;			/* BOOT_MP or BOOT_NATIVE */
	uint32_t init_delay_us;		/* native: wait after INIT */
	uint32_t sipi_delay_us;		/* native: wait after each SIPI */
	uint8_t help;
};

enum { PLUGGED_AUTO, PLUGGED_HOLD };	/* --plugged, in its order */
enum { START_MP, START_NATIVE };	/* --start */
enum { BOOT_MP, BOOT_NATIVE };		/* --boot */
#define OPT_MSG_MAX 200		/* one error message, at most */

void opt_defaults(struct options *o);
/* Free what the options hold (--run and --script: mem_alloc'd copies). */
void opt_free(struct options *o);

/*
 * Apply the options in line to o. has_program: the first word is the
 * program's own name (as the UEFI Shell passes it) unless it starts with
 * '-'. Each bad option is reported through bad() as one line and leaves o
 * as it was for that option; returns how many were bad. Words and values
 * may be as long as the line: it is cut up in a copy of its own.
 */
int opt_parse(struct options *o, const char *line, int has_program,
	      void (*bad)(void *arg, const char *msg), void *arg);

/* The usage text, one option per line, each ending in '\n'. */
void opt_usage(void (*out)(void *arg, const char *line), void *arg);

#endif
