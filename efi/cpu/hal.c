/*
 * hal.c: the notification core's backend on real firmware. The core asks
 * for a processor to be started, for a call on every active processor and
 * for the current processor's index; this file answers with start.c,
 * ipi.c and the APIC id, and picks the NTSTATUS for each outcome.
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
 * firmware refuses (EnableDisableAP or StartupThisAP fails) is
 * STATUS_UNSUCCESSFUL, as the core documents.
 */
uint64_t hal_start_tsc[2];

static NTSTATUS
start(ULONG slot, ULONG index)
{
	struct cpu *c = &machine.cpu[slot];
	int r;

	hal_start_tsc[0] = cpu_rdtsc();
	r = c->plugged ? plug_start(c, index) : cpu_hotadd(&machine, c, index);
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

static ULONG_PTR
broadcast(ULONG count, PKIPI_BROADCAST_WORKER fn, ULONG_PTR ctx)
{
	return ipi_broadcast(count, fn, ctx);
}

static ULONG
current(VOID)
{
	struct cpu *c = cpu_by_apic(&machine, cpu_apic_id());

	return c ? c->index : NO_INDEX;
}

static int core_up;		/* set once ke_init has run */

static const struct ke_backend backend = {
	.start = start,
	.broadcast = broadcast,
	.current = current,
	.alloc = pool_alloc,
	.free = pool_free,
};

int
hal_init(const struct options *o, uint32_t active, uint32_t max)
{
	struct ke_config cfg = {
		.max = max,
		.active = active,
		.group_size = o->group_size,
		.cap = o->cap,
		.verifier = TRUE,
	};
	NTSTATUS s = ke_init(&cfg, &backend, &trace_sink);

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
	trace_adding = 1;
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

/* Boot APs loop before the core exists; they only join once it does. */
void
hal_ap_idle(void)
{
	if (__atomic_load_n(&core_up, __ATOMIC_ACQUIRE))
		ke_run_workloads();
}
