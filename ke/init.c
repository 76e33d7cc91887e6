/*
 * init.c: the core's state and its initialisation. ke_init may be
 * called again to start over (tests do, between cases); of what was
 * allocated before, it frees only its own per-processor block.
 */
#include "ki.h"

struct ki_state ki;

/*
 * The per-processor arrays, in one block from the backend. Not static
 * arrays: .bss is file data in an EFI image, and KE_MAX_PROCESSORS'
 * worth would not fit the image's size budget. The block outlives ki
 * (ke_init clears ki) and is freed with the free of the backend that
 * allocated it: a test's backend may be gone by the next ke_init.
 */
static PVOID block;
static VOID (*block_free)(PVOID);

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

static VOID release_block(VOID)
{
	if (block)
		block_free(block);
	block = NULL;
}

/* Affinity first: it has the strictest alignment. */
static BOOLEAN alloc_block(const struct ke_backend *be)
{
	ULONG max = ki.cfg.max;
	ULONG groups = (max + ki.cfg.group_size - 1) / ki.cfg.group_size;
	SIZE_T size = groups * sizeof(KAFFINITY) + 2 * max * sizeof(ULONG);

	block = be->alloc(size);
	if (!block)
		return FALSE;
	block_free = be->free;
	__builtin_memset(block, 0, size);
	ki.affinity = block;
	ki.online = (ULONG *)(ki.affinity + groups);
	ki.running = ki.online + max;
	return TRUE;
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
	release_block();
	__builtin_memset(&ki, 0, sizeof(ki));
	ki.cfg = *cfg;
	if (!ki.cfg.group_size)
		ki.cfg.group_size = MAXIMUM_PROC_PER_GROUP;
	if (!ki.cfg.cap || ki.cfg.cap > ki.cfg.max)
		ki.cfg.cap = ki.cfg.max;
	if (!alloc_block(be))
		return STATUS_INSUFFICIENT_RESOURCES;
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
