/*
 * mp.c: finding the processors through EFI_MP_SERVICES_PROTOCOL (PI spec,
 * Vol. 2), and the two calls the simulator makes per AP. Without the
 * protocol (some firmware has none) the machine is the BSP alone.
 */
#include <efi.h>
#include "uefi.h"
#include "con.h"
#include "cpu.h"
#include "opt.h"
#include "x86.h"

static EFI_GUID mp_guid = EFI_MP_SERVICES_PROTOCOL_GUID;

/* What apentry.asm records on an AP, the BSP records for itself. */
static void
self(struct cpu *c)
{
	UINT32 r[4];

	cpu_cpuid(1, 0, r);
	c->signature = r[0];
	c->apic = cpu_apic_id();
	c->state = CPU_BSP;
	c->index = 0;
}

static void
alone(struct machine *m)
{
	static struct cpu bsp;

	self(&bsp);
	bsp.mp_apic = bsp.apic;
	bsp.flags = PROCESSOR_AS_BSP_BIT | PROCESSOR_ENABLED_BIT |
		    PROCESSOR_HEALTH_STATUS_BIT;
	m->mp = NULL;
	m->cpu = &bsp;
	m->ncpu = 1;
	m->bsp = 0;
}

static void
describe(struct machine *m, UINTN n)
{
	EFI_PROCESSOR_INFORMATION info;
	struct cpu *c = &m->cpu[n];
	EFI_STATUS s;

	c->mp = (UINT32)n;
	c->index = NO_INDEX;
	s = uefi_call_wrapper(m->mp->GetProcessorInfo, 3, m->mp, n, &info);
	if (EFI_ERROR(s)) {
		con_error("GetProcessorInfo(%u) failed (status %lx): "
			  "processor marked failed", (unsigned)n, (UINT64)s);
		c->state = CPU_FAILED;
		return;
	}
	c->mp_apic = (UINT32)info.ProcessorId;
	c->flags = info.StatusFlag;
	c->package = info.Location.Package;
	c->core = info.Location.Core;
	c->thread = info.Location.Thread;
}

void
mp_discover(struct machine *m, int ignore_mp)
{
	UINTN n, enabled, me, i;
	EFI_STATUS s;

	if (ignore_mp) {
		con_printf("--no-mp: ignoring MP Services, running with the "
			   "BSP alone\n");
		return alone(m);
	}
	s = uefi_call_wrapper(BS->LocateProtocol, 3, &mp_guid, NULL,
			      (VOID **)&m->mp);
	if (EFI_ERROR(s)) {
		con_printf("This firmware has no EFI_MP_SERVICES_PROTOCOL: "
			   "running with the BSP alone, nothing to hot-add.\n");
		return alone(m);
	}
	uefi_call_wrapper(m->mp->GetNumberOfProcessors, 3, m->mp, &n, &enabled);
	uefi_call_wrapper(m->mp->WhoAmI, 2, m->mp, &me);
	if (n > MAX_CPUS) {
		con_printf("MP Services reports %u processors; the simulator "
			   "manages the first %u.\n", (unsigned)n, MAX_CPUS);
		n = MAX_CPUS;
	}
	m->cpu = uefi_zalloc(n * sizeof *m->cpu);
	if (m->cpu == NULL) {
		con_error("out of memory for %u processors", (unsigned)n);
		return alone(m);
	}
	m->ncpu = (UINT32)n;
	m->bsp = (UINT32)me;
	for (i = 0; i < n; i++)
		describe(m, i);
	self(&m->cpu[me]);
}

EFI_STATUS
mp_enable(struct machine *m, struct cpu *c, BOOLEAN on)
{
	return uefi_call_wrapper(m->mp->EnableDisableAP, 4, m->mp, c->mp, on,
				 NULL);
}

/*
 * A non-blocking StartupThisAP: the AP runs ap_entry(c) for as long as the
 * simulator wants, and the firmware signals c->done once it returns.
 */
EFI_STATUS
mp_start(struct machine *m, struct cpu *c)
{
	EFI_STATUS s;

	if (c->done == NULL) {
		s = uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL,
				      &c->done);
		if (EFI_ERROR(s))
			return s;
	}
	c->report = AP_NONE;
	c->stop = 0;
	c->tsc_start = cpu_rdtsc();
	s = uefi_call_wrapper(m->mp->StartupThisAP, 7, m->mp, ap_entry,
			      c->mp, c->done, 0, c, NULL);
	c->running = !EFI_ERROR(s);
	return s;
}
