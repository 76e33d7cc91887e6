/*
 * mp.c: the firmware's EFI_MP_SERVICES_PROTOCOL (PI spec, Vol. 2): finding
 * the processors, and the few calls the simulator makes per AP. Without
 * the protocol (some firmware has none) the machine is the BSP alone.
 */
#include "uefi.h"
#include "con.h"
#include "cpu.h"
#include "mp.h"
#include "x86.h"

static EFI_GUID mp_guid = EFI_MP_SERVICES_PROTOCOL_GUID;

#define MP(m) ((EFI_MP_SERVICES_PROTOCOL *)(m)->mp)


/* What apentry.asm records on an AP, the BSP records for itself. */
static void
self(struct cpu *c)
{
	uint32_t r[4];

	cpu_cpuid(1, 0, r);
	c->signature = r[0];
	c->apic = cpu_apic_id();
	c->state = CPU_BSP;
	c->index = 0;
}

static void
alone(struct machine *m, struct cpu *cpus)
{
	static struct cpu bsp;
	struct cpu *c = cpus ? cpus : &bsp;

	self(c);
	c->mp_apic = c->apic;
	c->flags = PROCESSOR_AS_BSP_BIT | PROCESSOR_ENABLED_BIT |
		   PROCESSOR_HEALTH_STATUS_BIT;
	m->mp = NULL;
	m->cpu = c;
	m->ncpu = m->nslot = 1;
	m->room = cpus ? MAX_CPUS : 1;
	m->bsp = 0;
}

static void
describe(struct machine *m, UINTN n)
{
	EFI_PROCESSOR_INFORMATION info;
	struct cpu *c = &m->cpu[n];
	EFI_STATUS s;

	c->mp = (uint32_t)n;
	c->index = NO_INDEX;
	s = uefi_call_wrapper(MP(m)->GetProcessorInfo, 3, MP(m), n, &info);
	if (EFI_ERROR(s)) {
		con_error("GetProcessorInfo(%u) failed (status %lx): "
			  "processor marked failed", (unsigned)n, s);
		c->state = CPU_FAILED;
		return;
	}
	c->mp_apic = (uint32_t)info.ProcessorId;
	c->flags = info.StatusFlag;
	c->package = info.Location.Package;
	c->core = info.Location.Core;
	c->thread = info.Location.Thread;
}

void
mp_discover(struct machine *m, int ignore_mp)
{
	EFI_MP_SERVICES_PROTOCOL *mp;
	/* Room for every slot: the processors MP Services reports, then
	 * those that may be plugged later (plug.c appends them). */
	struct cpu *cpus = uefi_zalloc(MAX_CPUS * sizeof *cpus);
	UINTN n, enabled, me, i;

	if (cpus == NULL)
		con_error("out of memory for the processor table");
	if (ignore_mp || cpus == NULL) {
		if (ignore_mp)
			con_printf("--no-mp: ignoring MP Services, running "
				   "with the BSP alone\n");
		return alone(m, cpus);
	}
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &mp_guid, NULL,
					(VOID **)&mp))) {
		con_printf("This firmware has no EFI_MP_SERVICES_PROTOCOL: "
			   "running with the BSP alone, nothing to hot-add.\n");
		return alone(m, cpus);
	}
	uefi_call_wrapper(mp->GetNumberOfProcessors, 3, mp, &n, &enabled);
	uefi_call_wrapper(mp->WhoAmI, 2, mp, &me);
	if (n > MAX_CPUS) {
		con_printf("MP Services reports %u processors; the simulator "
			   "manages the first %u.\n", (unsigned)n, MAX_CPUS);
		n = MAX_CPUS;
	}
	m->cpu = cpus;
	m->room = MAX_CPUS;
	m->mp = mp;
	m->ncpu = m->nslot = (uint32_t)n;
	m->bsp = (uint32_t)me;
	for (i = 0; i < n; i++)
		describe(m, i);
	self(&m->cpu[me]);
}

uint64_t
mp_enable(struct machine *m, struct cpu *c, int on)
{
	return uefi_call_wrapper(MP(m)->EnableDisableAP, 4, MP(m), c->mp,
				 (BOOLEAN)on, NULL);
}

/*
 * A non-blocking StartupThisAP: the AP runs ap_entry(c) for as long as the
 * simulator wants, and the firmware signals c->done once it returns.
 * Never for an AP of the boot start that is still running: EDK2 would
 * wake it again (MpLib.c:StartupThisAPWorker does not ask whether it is
 * busy), and its next return could be taken for the boot start's
 * (CheckAllAPs runs first), leaving c->done unsignalled.
 */
uint64_t
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
	s = uefi_call_wrapper(MP(m)->StartupThisAP, 7, MP(m), ap_entry, c->mp,
			      c->done, 0, c, NULL);
	c->running = !EFI_ERROR(s);
	return s;
}

/*
 * The boot start: a non-blocking StartupThisAP of the AP entry for each
 * slot the caller marked CPU_STARTING, one after another; *count is how
 * many. One StartupAllAPs would wake them all with one broadcast and one
 * wait, but EDK2's MpInitLib does not take a StartupThisAP well while a
 * non-blocking StartupAllAPs is outstanding, and the boot APs' never
 * ends until they are stopped: hot-adds then hung or reset the machine
 * about once in twelve (docs/bringup.md, "The boot start"). Returns the
 * first failure's status, or 0; a processor whose start failed is
 * marked failed.
 */
uint64_t
mp_start_all(struct machine *m, uint32_t *count)
{
	uint64_t s, first = 0;
	uint32_t n;
	struct cpu *c;

	*count = 0;
	for (n = 0; n < m->ncpu; n++) {
		c = &m->cpu[n];
		if (c->state != CPU_STARTING)
			continue;
		++*count;
		s = mp_start(m, c);
		if (s) {
			con_error("StartupThisAP(%u) failed (status %lx): "
				  "processor marked failed", c->mp, s);
			c->state = CPU_FAILED;
			first = first ? first : s;
		}
	}
	return first;
}

/* MP Services' flags change as the simulator enables and disables APs. */
void
mp_refresh(struct machine *m, struct cpu *c)
{
	EFI_PROCESSOR_INFORMATION info;

	if (m->mp && c->mp < m->ncpu &&
	    !EFI_ERROR(uefi_call_wrapper(MP(m)->GetProcessorInfo, 3, MP(m),
					 c->mp, &info)))
		c->flags = info.StatusFlag;
}

/*
 * The firmware polls its non-blocking dispatches (EDK2 DxeMpLib.c:
 * CheckApsStatus, every 100 ms, calling CheckAndUpdateApsStatus): it
 * signals a StartupThisAP's event once that AP has returned (MpLib.c:
 * CheckThisAP). CheckEvent consumes the signal.
 */
int
mp_done(struct cpu *c)
{
	if (!c->running)
		return 1;
	if (uefi_call_wrapper(BS->CheckEvent, 1, c->done) != EFI_SUCCESS)
		return 0;
	c->running = 0;
	return 1;
}

void
mp_stall(unsigned us)
{
	uefi_call_wrapper(BS->Stall, 1, us);
}

static VOID EFIAPI
empty(VOID *arg)
{
	(void)arg;
}

/*
 * The firmware's own way to run code on every AP, for --bench: a blocking
 * StartupAllAPs of an empty procedure, timed. 0 if it fails.
 */
uint64_t
mp_time_all_empty(struct machine *m)
{
	uint64_t t0 = cpu_rdtsc();

	if (EFI_ERROR(uefi_call_wrapper(MP(m)->StartupAllAPs, 7, MP(m), empty,
					FALSE, NULL, 0, NULL, NULL)))
		return 0;
	return cpu_rdtsc() - t0;
}

static VOID EFIAPI
count_me(VOID *arg)
{
	__atomic_add_fetch((volatile uint32_t *)arg, 1, __ATOMIC_RELAXED);
}

/*
 * How many APs a blocking StartupAllAPs reaches (each runs a procedure
 * that counts itself), against how many are enabled; -1 if it fails.
 */
int
mp_reach_all(struct machine *m, uint32_t *enabled)
{
	volatile uint32_t ran = 0;
	UINTN n, e;

	if (EFI_ERROR(uefi_call_wrapper(MP(m)->GetNumberOfProcessors, 3,
					MP(m), &n, &e)) ||
	    EFI_ERROR(uefi_call_wrapper(MP(m)->StartupAllAPs, 7, MP(m),
					count_me, FALSE, NULL, 1000000,
					(VOID *)&ran, NULL)))
		return -1;
	*enabled = (uint32_t)e - 1;	/* the BSP counts as enabled */
	return (int)ran;
}

/*
 * How long the firmware takes to wake an idle AP: a blocking StartupThisAP
 * of an empty procedure on AP n, in microseconds (0 if it fails). Where
 * idle APs halt, EDK2 wakes them by INIT, its PcdCpuInitIpiDelayInMicro-
 * Seconds (10 ms by default) and two SIPIs; where they wait in MWAIT or
 * spin, by a memory write, in microseconds (MpLib.c, WakeUpAP).
 */
uint64_t
mp_wake_us(struct machine *m, uint32_t n)
{
	uint64_t t0 = cpu_rdtsc();

	if (EFI_ERROR(uefi_call_wrapper(MP(m)->StartupThisAP, 7, MP(m), empty,
					n, NULL, 1000000, NULL, NULL)))
		return 0;
	return clock_us(cpu_rdtsc() - t0);
}
