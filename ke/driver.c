/*
 * driver.c: loading and unloading drivers, and the "current driver" the
 * core charges registrations, pool and debug output to.
 */
#include "ki.h"

struct ke_driver *ke_current_driver(VOID)
{
	return __atomic_load_n(&ki.current, __ATOMIC_RELAXED);
}

/* dst <- prefix followed by name, as a UNICODE_STRING over buf. */
static VOID wide_name(PUNICODE_STRING u, WCHAR *buf, const char *prefix,
		      const char *name)
{
	USHORT n = 0;

	while (*prefix)
		buf[n++] = (UCHAR)*prefix++;
	while (*name)
		buf[n++] = (UCHAR)*name++;
	buf[n] = 0;
	RtlInitUnicodeString(u, buf);
}

static VOID init_object(struct ke_driver *d, PDRIVER_INITIALIZE entry)
{
	PDRIVER_OBJECT o = &d->object;

	o->Type = IO_TYPE_DRIVER;
	o->Size = sizeof(*o);
	o->DriverInit = entry;
	wide_name(&o->DriverName, d->wname, "\\Driver\\", d->name);
	wide_name(&d->registry_path, d->wpath,
		  "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\",
		  d->name);
}

/*
 * What a driver still holds when it goes away: on Windows a later call
 * into unloaded code, or a leak Driver Verifier stops on. Here each is
 * reported and then reclaimed, so the core stays consistent.
 */
static VOID reclaim(struct ke_driver *d)
{
	BOOLEAN was;
	PVOID h;

	ke_reclaim_workload(d);		/* first: it may use d's pool */
	while ((h = ki_cb_owned(d))) {
		ki_violation(d, "unload-registered", "driver went away with "
			     "registration %p still live; deregistered", h);
		ki_cb_unregister(h, &was);
		if (ki.sink && ki.sink->deregistered)
			ki.sink->deregistered(d);
	}
	ki_dpc_purge(d);		/* before the pool its DPCs live in */
	ki_pool_purge(d);
}

/* DriverEntry runs as d; if it fails, the driver is not loaded and what
 * it left behind is reclaimed (no Unload call, as on Windows). */
NTSTATUS ke_load_driver(struct ke_driver *d, const char *name,
			const char *options, PDRIVER_INITIALIZE entry)
{
	struct ke_driver *prev;
	SIZE_T n;
	NTSTATUS st;

	if (!d || !name || !entry)
		return STATUS_INVALID_PARAMETER;
	__builtin_memset(d, 0, sizeof(*d));
	for (n = 0; name[n] && n < KE_NAME_MAX - 1; n++)
		d->name[n] = name[n];
	d->options = options ? options : "";
	init_object(d, entry);
	d->loaded = TRUE;
	prev = ki_enter(d);
	st = entry(&d->object, &d->registry_path);
	ki_affinity_check(d, "DriverEntry");
	ki_leave(prev);
	if (!NT_SUCCESS(st)) {
		reclaim(d);
		d->loaded = FALSE;
	}
	return st;
}

/* Not from a callback: the driver's code would go away under it. */
VOID ke_unload_driver(struct ke_driver *d)
{
	struct ke_driver *prev;

	if (!d || !d->loaded)
		return;
	if (d->object.DriverUnload) {
		prev = ki_enter(d);
		d->object.DriverUnload(&d->object);
		ki_affinity_check(d, "DriverUnload");
		ki_leave(prev);
	}
	reclaim(d);
	d->loaded = FALSE;
}
