/*
 * init.c: the core's state and its initialisation. ke_init may be
 * called again to start over (tests do, between cases); nothing
 * allocated before is freed by it.
 */
#include "ki.h"

struct ki_state ki;

static BOOLEAN backend_ok(const struct ke_backend *be)
{
	return be && be->start && be->broadcast && be->current &&
	       be->alloc && be->free;
}

static BOOLEAN config_ok(const struct ke_config *c)
{
	return c && c->max >= 1 && c->max <= KE_MAX_PROCESSORS &&
	       c->active >= 1 && c->active <= c->max &&
	       c->group_size <= MAXIMUM_PROC_PER_GROUP;
}

static VOID boot_processors(ULONG active)
{
	ULONG i;

	for (i = 0; i < active; i++) {
		ki_activate(i);
		ki.online[i] = 1;
	}
	ki.numbered = active;
}

NTSTATUS ke_init(const struct ke_config *cfg, const struct ke_backend *be,
		 const struct ke_sink *sink)
{
	if (!config_ok(cfg) || !backend_ok(be))
		return STATUS_INVALID_PARAMETER;
	__builtin_memset(&ki, 0, sizeof(ki));
	ki.cfg = *cfg;
	if (!ki.cfg.group_size)
		ki.cfg.group_size = MAXIMUM_PROC_PER_GROUP;
	if (!ki.cfg.cap || ki.cfg.cap > ki.cfg.max)
		ki.cfg.cap = ki.cfg.max;
	ki.be = be;
	ki.sink = sink;
	ki.verifier = cfg->verifier;
	boot_processors(cfg->active);
	ki_lock_init();
	ki_pool_init();
	ki_cb_init();
	ki_pc_init();
	ki_workloads_init();
	return STATUS_SUCCESS;
}
