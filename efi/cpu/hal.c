/*
 * hal.c: the notification core's backend on real firmware. The core asks
 * for a processor to be started, for a call to be posted to the other
 * processors, for the current processor's index and for the time; this
 * file answers with start.c, ipi.c, the APIC id and the TSC, and picks
 * the NTSTATUS for each outcome.
 */
#include <ke.h>
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "opt.h"
#include "trace.h"
#include "x86.h"

/*
 * A start the processor never answers is STATUS_IO_TIMEOUT; one the
 * firmware refuses (EnableDisableAP or StartupThisAP fails), one that
 * reads another APIC id than reported, and a native start whose
 * processor stops part way through the trampoline are
 * STATUS_UNSUCCESSFUL, as the core documents.
 */
uint64_t hal_start_tsc[2];

static NTSTATUS
start(ULONG slot, ULONG index)
{
	struct cpu *c = &machine.cpu[slot];
	int r;

	hal_start_tsc[0] = cpu_rdtsc();
	r = cpu_hotadd(&machine, c, index);
	hal_start_tsc[1] = cpu_rdtsc();
	switch (r) {
	case HOTADD_OK:
		return STATUS_SUCCESS;
	case HOTADD_TIMEOUT:
		return STATUS_IO_TIMEOUT;
	default:
		return STATUS_UNSUCCESSFUL;
	}
}

static ULONG
current(VOID)
{
	struct cpu *c = cpu_by_apic(&machine, cpu_apic_id());

	return c ? c->index : NO_INDEX;
}


static ULONG64
now_us(VOID)
{
	return clock_now_us();
}

/* Every wait of the core: on the BSP, an AP's bugcheck is reported
 * here rather than waited on for ever. */
static VOID
relax(VOID)
{
	stop_poll();
	cpu_pause();
}

/* Wake AP c if it sleeps between its ticks (arch/x86/apic.c), counted
 * for `stats`; any processor may call it. */
void
hal_wake(struct cpu *c)
{
	if (apic_wake(c->apic))
		__atomic_add_fetch(&c->wakes, 1, __ATOMIC_RELAXED);
}

/* c, if it is an AP whose loop runs (one told to stop is left alone). */
static void
wake_loop(struct cpu *c)
{
	if (c->state == CPU_ONLINE && c->mp != machine.bsp &&
	    !__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
		hal_wake(c);
}

/* Every active processor's loop runs its DPCs each turn (hal_ap_idle;
 * the BSP's while it waits, and the core's own waits). An AP asleep
 * until its next tick is woken at once. */
static VOID
kick(ULONG index)
{
	struct cpu *c = cpu_by_index(&machine, index);

	if (c)
		wake_loop(c);
}

/* A broadcast wakes each AP asleep between its ticks, as a real IPI
 * would: a rendezvous otherwise waits for the last one's tick. One pass
 * over the slots, not a lookup per index. */
static VOID
post(ULONG count, VOID (*entry)(ULONG_PTR), ULONG_PTR arg)
{
	ULONG me = current(), n;
	struct cpu *c;

	ipi_post(count, me, entry, arg);
	for (n = 0; n < machine.nslot; n++) {
		c = &machine.cpu[n];
		if (c->index < count && c->index != me)
			wake_loop(c);
	}
}

static BOOLEAN
migrate(ULONG index)
{
	return affinity_move(index) != 0;
}

static int core_up;		/* set once ke_init has run */

static const struct ke_backend backend = {
	.start = start,
	.post = post,
	.current = current,
	.alloc = pool_alloc,
	.free = pool_free,
	.clock_us = now_us,
	.relax = relax,
	.kick = kick,
	.migrate = migrate,
};

/*
 * Every processor the core may run, as the table ke_init places in
 * groups: the BSP first, then the others in MP Services order, so the
 * online ones come in the order bring-up numbered them, then the slots
 * a processor may be plugged into (present = FALSE: counted in the
 * maximum, placed now, as Windows sizes its groups from the firmware's
 * tables). The node of a processor is its package (no ACPI SRAT is
 * read).
 */
static int
in_table(const struct cpu *c)
{
	return c->state == CPU_BSP || c->state == CPU_ONLINE ||
	       c->state == CPU_HELD || c->state == CPU_ABSENT;
}

static ULONG
table(struct ke_processor *p)
{
	struct cpu *c;
	ULONG n = 0, i;

	for (i = 0; i < machine.nslot; i++) {
		c = &machine.cpu[i < machine.ncpu ?
				 (machine.bsp + i) % machine.ncpu : i];
		if (!in_table(c))
			continue;
		p[n++] = (struct ke_processor){
			.slot = c->mp, .package = c->package, .core = c->core,
			.thread = c->thread, .node = c->package,
			.active = c->state == CPU_BSP || c->state == CPU_ONLINE,
			.present = c->state != CPU_ABSENT,
		};
	}
	return n;
}

/* The table is pool, not .bss (which is file data in the image): ke_init
 * copies what it keeps. */
int
hal_init(const struct options *o)
{
	struct ke_processor *p = pool_alloc(machine.nslot * sizeof(*p));
	struct ke_config cfg = {
		.processors = p,
		.count = p ? table(p) : 0,
		.group_size = o->group_size,
		.cap = o->cap,
		.system_time = clock_system_time(),
		.verifier = TRUE,
	};
	NTSTATUS s = ke_init(&cfg, &backend, &trace_sink);

	pool_free(p);
	if (!NT_SUCCESS(s)) {
		con_error("the notification core did not start (status "
			  "0x%08x)", (unsigned)s);
		return 0;
	}
	__atomic_store_n(&core_up, 1, __ATOMIC_RELEASE);
	return 1;
}

void
hal_ap_init(uint32_t index)
{
	KiInitializeDynamicProcessor(index);
}

/*
 * KeStartDynamicProcessor for processor c, which is held: the processor
 * will be NT index N, the active count. A plugged one's outcome goes back
 * to the platform too. Returns 1 if it was added.
 */
int
hal_add(struct cpu *c)
{
	ULONG n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
	int added;

	con_explain("add slot %u: KeStartDynamicProcessor takes the "
		    "dynamic-processor lock, so no driver can register "
		    "meanwhile; the processor will be NT index %u, the "
		    "active count.", c->mp, n);
	added = NT_SUCCESS(KeStartDynamicProcessor(c->mp));
	plug_report(c, added);
	return added;
}

/* The BSP while it waits (at the prompt, in `sleep`): its share of the
 * workloads, the APs' console text, and the hot-plug events. */
void
hal_bsp_idle(void)
{
	hal_ap_idle();
	con_drain();
	plug_poll();
}

/*
 * Every active processor, each turn of its idle loop (the BSP while it
 * waits). Boot APs loop before the core exists; they only join once it
 * does. A stopped machine runs no driver code any more.
 */
void
hal_ap_idle(void)
{
	if (stop_code()) {
		stop_poll();
		return;
	}
	if (!__atomic_load_n(&core_up, __ATOMIC_ACQUIRE))
		return;
	ke_run_dpcs();
	ke_run_workloads();
}

/* The group and number ke_init placed an MP Services processor at. */
int
hal_number(uint32_t mp, uint16_t *group, uint8_t *number)
{
	PROCESSOR_NUMBER n;

	if (!__atomic_load_n(&core_up, __ATOMIC_ACQUIRE) ||
	    !NT_SUCCESS(ke_slot_number(mp, &n)))
		return 0;
	*group = n.Group;
	*number = n.Number;
	return 1;
}
