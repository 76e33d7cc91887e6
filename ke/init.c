/*
 * init.c: the core's state and its initialisation. ke_init may be
 * called again to start over (tests do, between cases); of what was
 * allocated before, it frees only its own per-processor block.
 */
#include "ki.h"

#define IPI_TIMEOUT_MS 2000
#define HANG_MS 10000

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
	return be && be->start && be->post && be->current && be->alloc &&
	       be->free && be->clock_us && be->relax && be->kick &&
	       be->migrate;
}

/* Slots unique and in range, at least one processor active, none active
 * that is not present. The bitmap fits the stack: 512 bytes. */
static BOOLEAN table_ok(const struct ke_processor *p, ULONG count)
{
	ULONG64 seen[KE_MAX_PROCESSORS / 64] = { 0 };
	BOOLEAN any = FALSE;
	ULONG i, s;

	for (i = 0; i < count; i++) {
		s = p[i].slot;
		if (s >= KE_MAX_PROCESSORS || seen[s / 64] >> (s % 64) & 1 ||
		    (p[i].active && !p[i].present))
			return FALSE;
		seen[s / 64] |= 1ull << (s % 64);
		any |= p[i].active;
	}
	return any;
}

static BOOLEAN config_ok(const struct ke_config *c)
{
	return c && c->processors && c->count >= 1 &&
	       c->count <= KE_MAX_PROCESSORS &&
	       c->group_size <= MAXIMUM_PROC_PER_GROUP &&
	       table_ok(c->processors, c->count);
}

static VOID release_block(VOID)
{
	if (block)
		block_free(block);
	block = NULL;
}

static ULONG slot_span(const struct ke_processor *p, ULONG count)
{
	ULONG i, span = 0;

	for (i = 0; i < count; i++)
		if (p[i].slot >= span)
			span = p[i].slot + 1;
	return span;
}

/* Widest elements first, so each array is aligned. */
static BOOLEAN alloc_block(const struct ke_backend *be, ULONG seats)
{
	ULONG n = ki.cfg.count, g = ki.groups;
	SIZE_T size = 2 * n * sizeof(KDPC) + n * sizeof(struct ke_driver *) +
		      g * sizeof(KAFFINITY) +
		      seats * sizeof(struct ki_topo) +
		      (3 * n + g + seats) * sizeof(ULONG) +
		      (n + ki.slot_span) * sizeof(PROCESSOR_NUMBER) +
		      n * sizeof(KIRQL);

	block = be->alloc(size);
	if (!block)
		return FALSE;
	block_free = be->free;
	__builtin_memset(block, 0, size);
	ki.flush_dpc = block;
	ki.call_dpc = ki.flush_dpc + n;
	ki.dpc_driver = (struct ke_driver **)(ki.call_dpc + n);
	ki.affinity = (KAFFINITY *)(ki.dpc_driver + n);
	ki.topo = (struct ki_topo *)(ki.affinity + g);
	ki.online = (ULONG *)(ki.topo + seats);
	ki.running = ki.online + n;
	ki.arrived = ki.running + n;
	ki.group_max = ki.arrived + n;
	ki.index_at = ki.group_max + g;
	ki.number = (PROCESSOR_NUMBER *)(ki.index_at + seats);
	ki.slot_number = ki.number + n;
	ki.irql = (KIRQL *)(ki.slot_number + ki.slot_span);
	return TRUE;
}

/* The tables of where each processor was placed, and what is there; the
 * processors active at boot numbered and activated, in table order. */
static VOID fill(const struct ke_processor *p, const PROCESSOR_NUMBER *at,
		 ULONG seats)
{
	ULONG i, e, index = 0;

	for (i = 0; i < seats; i++)
		ki.index_at[i] = INVALID_PROCESSOR_INDEX;
	for (i = 0; i < ki.slot_span; i++)
		ki.slot_number[i].Reserved = KI_NO_SLOT;
	for (e = 0; e < ki.cfg.count; e++) {
		ki.slot_number[p[e].slot] = at[e];
		ki.group_max[at[e].Group]++;
		ki.topo[at[e].Group * ki.cfg.group_size + at[e].Number] =
			(struct ki_topo){ p[e].package, p[e].core, p[e].node,
					  TRUE };
	}
	for (e = 0; e < ki.cfg.count; e++) {
		if (!p[e].active)
			continue;
		ki_give_number(index, at[e]);
		ki_activate(index);
		ki.online[index++] = 1;
	}
}

/* Places the processors, then allocates and fills the block. */
static NTSTATUS build(const struct ke_processor *p)
{
	const struct ke_backend *be = ki.be;
	PROCESSOR_NUMBER *at = be->alloc(ki.cfg.count * sizeof(*at));
	ULONG seats;

	if (!at)
		return STATUS_INSUFFICIENT_RESOURCES;
	ki.groups = ki_place(p, ki.cfg.count, ki.cfg.group_size, at);
	seats = ki.groups * ki.cfg.group_size;
	if (!ki.groups || !alloc_block(be, seats)) {
		be->free(at);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	fill(p, at, seats);
	be->free(at);
	return STATUS_SUCCESS;
}

NTSTATUS ke_init(const struct ke_config *cfg, const struct ke_backend *be,
		 const struct ke_sink *sink)
{
	NTSTATUS st;

	if (!config_ok(cfg) || !backend_ok(be))
		return STATUS_INVALID_PARAMETER;
	release_block();
	__builtin_memset(&ki, 0, sizeof(ki));
	ki.cfg = *cfg;
	ki.cfg.processors = NULL;
	if (!ki.cfg.group_size)
		ki.cfg.group_size = MAXIMUM_PROC_PER_GROUP;
	if (!ki.cfg.cap || ki.cfg.cap > ki.cfg.count)
		ki.cfg.cap = ki.cfg.count;
	if (!ki.cfg.ipi_timeout_ms)
		ki.cfg.ipi_timeout_ms = IPI_TIMEOUT_MS;
	if (!ki.cfg.hang_ms)
		ki.cfg.hang_ms = HANG_MS;
	ki.t0 = be->clock_us();
	ki.be = be;
	ki.sink = sink;
	ki.verifier = cfg->verifier;
	ki.slot_span = slot_span(cfg->processors, cfg->count);
	ki_lock_init();
	st = build(cfg->processors);
	if (!NT_SUCCESS(st))
		return st;
	ki_pool_init();
	ki_cb_init();
	ki_pc_init();
	ki_workloads_init();
	ki_ipi_init();
	ki_dpc_init();
	ki_gdpc_init();
	ki_affinity_init();
	return STATUS_SUCCESS;
}
