/*
 * cmddrv.c: the driver commands: load, unload, drivers, and the drivers'
 * part of stats. A driver is a DriverEntry in the image's table (drvtab);
 * each load makes an instance with a name of its own and its own options.
 */
#include <ke.h>
#include "cmd.h"
#include "con.h"
#include "drvtab.h"
#include "hal.h"
#include "str.h"
#include "tok.h"

#define MAX_LOADED 32
#define OPTIONS_MAX 512		/* a driver instance's key=value options */

struct instance {
	struct ke_driver d;
	const char *type;	/* the drvtab name */
	char options[OPTIONS_MAX];
};

static struct instance *loaded[MAX_LOADED];

static const struct drvtab_entry *
driver_type(const char *name)
{
	const struct drvtab_entry *e;

	for (e = drvtab; e->name; e++)
		if (str_eq(e->name, name))
			return e;
	return NULL;
}

static struct instance **
find(const char *name)
{
	int i;

	for (i = 0; i < MAX_LOADED; i++)
		if (loaded[i] && str_eq(loaded[i]->d.name, name))
			return &loaded[i];
	return NULL;
}

static struct instance **
free_slot(void)
{
	int i;

	for (i = 0; i < MAX_LOADED; i++)
		if (loaded[i] == NULL)
			return &loaded[i];
	return NULL;
}

/* "key=value ..." from the words after the name; each must have a '='. */
static int
join_options(int argc, char **argv, char *out)
{
	size_t len = 0;
	int i;

	out[0] = 0;
	for (i = 0; i < argc; i++) {
		const char *eq = argv[i];

		while (*eq && *eq != '=')
			eq++;
		if (*eq == 0 || eq == argv[i]) {
			con_error("load: '%s' is not key=value", argv[i]);
			return 0;
		}
		if (len + str_len(argv[i]) + 2 > OPTIONS_MAX) {
			con_error("load: options too long");
			return 0;
		}
		len += ke_snprintf(out + len, OPTIONS_MAX - len, "%s%s",
				   len ? " " : "", argv[i]);
	}
	return 1;
}

/* load <driver> [as <name>] [key=value ...] */
static int
check_load(int argc, char **argv, const struct drvtab_entry **type,
	   const char **name, int *first)
{
	*type = driver_type(argv[1]);
	*name = argv[1];
	*first = 2;
	if (*type == NULL) {
		con_error("load: no driver '%s' in this image (see drivers)",
			  argv[1]);
		return 0;
	}
	if (argc > 2 && str_eq(argv[2], "as")) {
		if (argc < 4) {
			con_error("load: 'as' needs a name");
			return 0;
		}
		*name = argv[3];
		*first = 4;
	}
	if (str_len(*name) >= KE_NAME_MAX || (*name)[0] == 0) {
		con_error("load: a name has 1 to %u characters", KE_NAME_MAX - 1);
		return 0;
	}
	if (find(*name)) {
		con_error("load: '%s' is already loaded (use as <name>)", *name);
		return 0;
	}
	return 1;
}

int
cmd_load(int argc, char **argv)
{
	const struct drvtab_entry *type;
	struct instance **slot, *in;
	const char *name;
	NTSTATUS s;
	int first;

	if (!check_load(argc, argv, &type, &name, &first))
		return CMD_ERROR;
	slot = free_slot();
	in = slot ? pool_alloc(sizeof *in) : NULL;
	if (in == NULL) {
		con_error("load: no room for another driver");
		return CMD_ERROR;
	}
	__builtin_memset(in, 0, sizeof *in);
	if (!join_options(argc - first, argv + first, in->options)) {
		pool_free(in);
		return CMD_ERROR;
	}
	in->type = type->name;
	s = ke_load_driver(&in->d, name, in->options, type->entry);
	if (!NT_SUCCESS(s)) {
		con_error("load: %s: DriverEntry returned 0x%08x", name,
			  (unsigned)s);
		pool_free(in);
		return CMD_ERROR;
	}
	*slot = in;
	con_printf("loaded %s (%s)\n", name, type->name);
	return CMD_OK;
}

static void
unload(struct instance **slot)
{
	ke_unload_driver(&(*slot)->d);
	con_printf("unloaded %s\n", (*slot)->d.name);
	pool_free(*slot);
	*slot = NULL;
}

int
cmd_unload(int argc, char **argv)
{
	struct instance **slot = find(argv[1]);

	(void)argc;
	if (slot == NULL) {
		con_error("unload: no driver named '%s' is loaded", argv[1]);
		return CMD_ERROR;
	}
	unload(slot);
	return CMD_OK;
}

void
cmd_unload_all(void)
{
	int i;

	for (i = MAX_LOADED; i-- > 0;)
		if (loaded[i])
			unload(&loaded[i]);
}

int
cmd_drivers(int argc, char **argv)
{
	const struct drvtab_entry *e;
	struct ke_driver *d;
	int i;

	(void)argc, (void)argv;
	con_printf("available:");
	for (e = drvtab; e->name; e++)
		con_printf(" %s", e->name);
	con_printf("\n  name         driver       regs  pool  bytes  options\n");
	for (i = 0; i < MAX_LOADED; i++) {
		if (!loaded[i])
			continue;
		d = &loaded[i]->d;
		con_printf("  %-12s %-12s %4d %5d %6lu  %s\n", d->name,
			   loaded[i]->type, d->registrations, d->pool_blocks,
			   (unsigned long)d->pool_bytes, d->options);
	}
	return CMD_OK;
}

void
cmd_driver_stats(void)
{
	int i;

	for (i = 0; i < MAX_LOADED; i++)
		if (loaded[i])
			ke_driver_stats(&loaded[i]->d);
}

/* How many loaded instances have a name starting with prefix. */
int
cmd_loaded(const char *prefix)
{
	int i, n = 0;

	for (i = 0; i < MAX_LOADED; i++)
		n += loaded[i] && str_prefix(loaded[i]->d.name, prefix);
	return n;
}

/* The name of loaded slot i (NULL when it is free or past the end). */
const char *
cmd_loaded_name(unsigned i)
{
	return i < MAX_LOADED && loaded[i] ? loaded[i]->d.name : NULL;
}
