/*
 * hotadd.c: the simulator's extensions for drivers (<hotadd.h>): load
 * options, per-processor workloads and the `stats` hook.
 *
 * Workloads live in a small fixed table, not in struct ke_driver: every
 * processor's loop has to find them all, and the core keeps no list of
 * drivers (their storage belongs to the simulator).
 */
#include "ki.h"
#include <hotadd.h>

#define WORKLOAD_SLOTS 8

/*
 * One started workload. `owner` claims the slot; `fn` is published last
 * and cleared first, so a processor that reads it non-NULL also sees
 * `ctx`. `busy` counts the processors between "about to read fn" and
 * "done calling it": a stop clears fn and then waits for busy to drain.
 * Both sides use sequentially consistent operations (store fn, load
 * busy / add busy, load fn): whatever the interleaving, either the
 * runner sees fn cleared or the stopper sees the runner counted.
 */
struct workload {
	struct ke_driver *owner;	/* atomic */
	PHOTADD_WORKLOAD fn;		/* atomic */
	PVOID ctx;			/* atomic */
	LONG busy;			/* atomic */
};

static struct workload slots[WORKLOAD_SLOTS];

/* ki.running, per processor: 1 + the slot whose workload it is
 * running, or 0. Tells a stop made from inside the workload from one
 * made outside it. ke_init zeroes it. */

#define SC __ATOMIC_SEQ_CST

VOID ki_workloads_init(VOID)
{
	__builtin_memset(slots, 0, sizeof(slots));
}

static struct ke_driver *driver_of(PDRIVER_OBJECT o)
{
	if (!o || o->Type != IO_TYPE_DRIVER)
		return NULL;
	return CONTAINING_RECORD(o, struct ke_driver, object);
}

static BOOLEAN is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The value of the last word "key=value" (or "key") in opts, or NULL;
 * *len gets its length. */
static const char *find_option(const char *opts, const char *key,
			       SIZE_T *len)
{
	const char *found = NULL, *w, *v;
	SIZE_T k;

	for (k = 0; key[k]; k++)
		;
	while (*opts) {
		while (is_blank(*opts))
			opts++;
		w = opts;
		while (*opts && !is_blank(*opts))
			opts++;
		if (opts - w < (LONG_PTR)k || __builtin_memcmp(w, key, k))
			continue;
		v = w + k;
		if (v == opts) {		/* bare key */
			found = v;
			*len = 0;
		} else if (*v == '=') {
			found = v + 1;
			*len = (SIZE_T)(opts - found);
		}
	}
	return found;
}

BOOLEAN HotaddGetOption(PDRIVER_OBJECT DriverObject, PCSTR Key,
			PCHAR Buffer, ULONG BufferSize)
{
	struct ke_driver *d = driver_of(DriverObject);
	const char *v;
	SIZE_T n = 0;

	if (!Buffer || !BufferSize)
		return FALSE;
	Buffer[0] = 0;
	if (!d || !d->options || !Key || !*Key)
		return FALSE;
	v = find_option(d->options, Key, &n);
	if (!v || n >= BufferSize)
		return FALSE;
	__builtin_memcpy(Buffer, v, n);
	Buffer[n] = 0;
	return TRUE;
}

static struct workload *slot_of(struct ke_driver *d)
{
	ULONG i;

	for (i = 0; i < WORKLOAD_SLOTS; i++)
		if (__atomic_load_n(&slots[i].owner, SC) == d)
			return &slots[i];
	return NULL;
}

NTSTATUS HotaddStartWorkload(PDRIVER_OBJECT DriverObject,
			     PHOTADD_WORKLOAD Workload, PVOID Context)
{
	struct ke_driver *d = driver_of(DriverObject), *none;
	ULONG i;

	if (!d || !d->loaded || !Workload || slot_of(d))
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < WORKLOAD_SLOTS; i++) {
		none = NULL;
		if (__atomic_compare_exchange_n(&slots[i].owner, &none, d, 0,
						SC, SC))
			break;
	}
	if (i == WORKLOAD_SLOTS)
		return STATUS_INSUFFICIENT_RESOURCES;
	__atomic_store_n(&slots[i].ctx, Context, SC);
	__atomic_store_n(&slots[i].fn, Workload, SC);
	return STATUS_SUCCESS;
}

/*
 * From outside the workload: no new calls, wait until the calls in
 * progress have returned, free the slot. From inside it (the calling
 * processor is running this very workload): no new calls, but no wait,
 * which could never end (two processors stopping from inside would wait
 * for each other), and the slot stays the driver's until a stop from
 * outside, or the unload, frees it. Only outside stops free slots, so a
 * slot never changes hands while its owner may still find it.
 */
static VOID stop(struct workload *w)
{
	ULONG me = ki.be->current();

	__atomic_store_n(&w->fn, NULL, SC);
	if (me < ki.cfg.count &&
	    __atomic_load_n(&ki.running[me], SC) == (ULONG)(w - slots) + 1)
		return;
	while (__atomic_load_n(&w->busy, SC)) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	__atomic_store_n(&w->ctx, NULL, SC);
	__atomic_store_n(&w->owner, NULL, SC);
}

VOID HotaddStopWorkload(PDRIVER_OBJECT DriverObject)
{
	struct ke_driver *d = driver_of(DriverObject);
	struct workload *w = d ? slot_of(d) : NULL;

	if (w)
		stop(w);
}

/* A slot the driver stopped from inside is only freed here, silently. */
VOID ke_reclaim_workload(struct ke_driver *d)
{
	struct workload *w = d ? slot_of(d) : NULL;

	if (!w)
		return;
	if (__atomic_load_n(&w->fn, SC))
		ki_violation(d, "workload-at-unload", "driver went away with "
			     "its workload still running; stopped");
	stop(w);
}

/* The cheap unlocked look at fn skips empty slots; the real check is the
 * one made after busy is raised. */
VOID ke_run_workloads(VOID)
{
	ULONG me = INVALID_PROCESSOR_INDEX, i;
	struct workload *w;
	PHOTADD_WORKLOAD fn;

	for (i = 0; i < WORKLOAD_SLOTS; i++) {
		w = &slots[i];
		if (!__atomic_load_n(&w->fn, __ATOMIC_RELAXED))
			continue;
		/* Every idle turn of every processor comes here: ask who we
		 * are (a CPUID on firmware) only when there is work. */
		if (me == INVALID_PROCESSOR_INDEX) {
			me = ki.be->current();
			if (me >= KI_LOAD(&ki.active))
				return;
		}
		__atomic_add_fetch(&w->busy, 1, SC);
		fn = __atomic_load_n(&w->fn, SC);
		if (fn) {
			__atomic_store_n(&ki.running[me], i + 1, SC);
			fn(__atomic_load_n(&w->ctx, SC));
			__atomic_store_n(&ki.running[me], 0, SC);
		}
		__atomic_sub_fetch(&w->busy, 1, SC);
	}
}

VOID HotaddSetStats(PDRIVER_OBJECT DriverObject, PHOTADD_STATS Stats,
		    PVOID Context)
{
	struct ke_driver *d = driver_of(DriverObject);

	if (!d)
		return;
	d->stats = Stats;
	d->stats_context = Stats ? Context : NULL;
}

VOID ke_driver_stats(struct ke_driver *d)
{
	struct ke_driver *prev;

	if (!d || !d->loaded || !d->stats)
		return;
	prev = ki_enter(d);
	d->stats(d->stats_context);
	ki_affinity_check(d, "stats routine");
	ki_leave(prev);
}

/* Who a DbgPrint is from: on a processor inside a DPC, the driver that
 * queued it; inside a workload, the workload's driver (the current
 * driver is the BSP's). */
struct ke_driver *ki_print_driver(VOID)
{
	ULONG me = ki.be ? ki.be->current() : INVALID_PROCESSOR_INDEX, s;
	struct ke_driver *dpc;

	if (me < KI_LOAD(&ki.active) &&
	    (dpc = __atomic_load_n(&ki.dpc_driver[me], SC)))
		return dpc;
	if (me < KI_LOAD(&ki.active) && (s = __atomic_load_n(&ki.running[me],
							      SC)))
		return __atomic_load_n(&slots[s - 1].owner, SC);
	return ke_current_driver();
}
