/*
 * complete.c: what Tab offers at the prompt: command names, then for
 * each command the words that fit its first arguments (drivers in the
 * image for load, loaded instances for unload, held MP numbers for add
 * and fault, on/off for the switches).
 */
#include "cmd.h"
#include "cpu.h"
#include "drvtab.h"
#include "edit.h"
#include "fmt.h"
#include "str.h"

static void
offer_all(struct edit *e, const char *const *words)
{
	for (; *words; words++)
		edit_offer(e, *words);
}

static void
offer_held(struct edit *e)
{
	char num[12];
	uint32_t n;

	for (n = 0; n < machine.nslot; n++)
		if (machine.cpu[n].state == CPU_HELD) {
			ke_snprintf(num, sizeof num, "%u", n);
			edit_offer(e, num);
		}
}

void
cmd_complete(struct edit *e, int argc, char **argv)
{
	static const char *const add[] = { "next", "all", NULL };
	static const char *const fault[] = { "timeout", "error", "apic", NULL };
	static const char *const next[] = { "next", NULL };
	static const char *const onoff[] = { "on", "off", NULL };
	const struct drvtab_entry *d;
	const char *name;
	unsigned i;

	if (argc == 0) {
		for (i = 0; (name = cmd_name(i)); i++)
			edit_offer(e, name);
	} else if (argc == 1 && str_eq(argv[0], "load")) {
		for (d = drvtab; d->name; d++)
			edit_offer(e, d->name);
	} else if (argc == 1 && str_eq(argv[0], "unload")) {
		for (i = 0; i < 64; i++)
			if ((name = cmd_loaded_name(i)))
				edit_offer(e, name);
	} else if (argc == 1 && str_eq(argv[0], "add")) {
		offer_all(e, add);
		offer_held(e);
	} else if (argc == 1 && str_eq(argv[0], "fault")) {
		offer_all(e, fault);
	} else if (argc == 2 && str_eq(argv[0], "fault")) {
		offer_all(e, next);
		offer_held(e);
	} else if (argc == 1 && (str_eq(argv[0], "trace") ||
				 str_eq(argv[0], "explain") ||
				 str_eq(argv[0], "quiet"))) {
		offer_all(e, onoff);
	}
}
