/*
 * plug.c: processors plugged into the running machine. QEMU's q35 can
 * take a new virtual processor while the machine runs (device_add) and
 * announces it through its ACPI CPU hot-plug register block (cpuhp.c):
 * the event that makes Windows run its processor-add path on a
 * partitionable server. MP Services never learns of such a processor.
 *
 * At boot the firmware's MADT names the processors that may arrive later
 * (madt.c); each gets a slot in the processor table, absent, so the
 * maximum processor count includes it, as Windows sizes its maximum from
 * the firmware's tables. While idle, the BSP polls the register block.
 * An insert event makes the slot's processor present; with --plugged
 * auto it is added at once through KeStartDynamicProcessor, like a held
 * one, and the outcome goes back to the platform through the block's
 * OST registers, as _OST would (ACPI 6.5, 6.3.5). A request to remove a
 * processor is declined: Windows does not support processor removal.
 */
#include "acpi.h"
#include "con.h"
#include "cpu.h"
#include "cpuhp.h"
#include "hal.h"
#include "opt.h"
#include "topo.h"
#include "x86.h"

#define POLL_MS		20	/* the BSP looks for events this often */
#define HYPERVISOR	(1u << 31)	/* CPUID.01h:ECX */

static struct cpuhp hp;
static int hp_on;		/* the register block answers */
static int hold;		/* --plugged hold */
static uint64_t next_poll;	/* TSC */
static int polling;		/* a poll is under way (no nesting) */

static uint32_t
port_in(void *ctx, uint16_t port, int width)
{
	(void)ctx;
	return width == 1 ? cpu_inb(port) : cpu_inl(port);
}

static void
port_out(void *ctx, uint16_t port, int width, uint32_t v)
{
	(void)ctx;
	if (width == 1)
		cpu_outb(port, (uint8_t)v);
	else
		cpu_outl(port, v);
}

/*
 * The block exists only in a virtual machine. On a real board those
 * ports may belong to another device, and writing them could do
 * anything, so they are left alone unless CPUID.01h:ECX bit 31 is set:
 * always 0 on a real processor (Intel SDM vol. 2A, CPUID), set by
 * hypervisors for their guests. Under another hypervisor the ports are
 * unbacked and read all-ones, which cpuhp_probe reports.
 */
static void
probe(void)
{
	uint32_t r[4];
	int found;

	cpu_cpuid(1, 0, r);
	if (!(r[2] & HYPERVISOR)) {
		con_trace("cpuhp state=off reason=no-hypervisor");
		return;
	}
	hp.io.in = port_in;
	hp.io.out = port_out;
	hp.base = CPUHP_ICH9_BASE;
	found = cpuhp_probe(&hp);
	if (found != CPUHP_FOUND) {
		con_trace("cpuhp state=off reason=%s", cpuhp_why(found));
		return;
	}
	hp_on = 1;
	con_printf("QEMU CPU hot-plug interface at I/O 0x%x: %u slots, %u "
		   "present\n", hp.base, hp.slots, hp.present);
	con_trace("cpuhp state=on base=0x%04x slots=%u present=%u", hp.base,
		  hp.slots, hp.present);
}

static int
known(struct machine *m, uint32_t apic)
{
	uint32_t n;

	for (n = 0; n < m->nslot; n++)
		if (m->cpu[n].mp_apic == apic)
			return 1;
	return 0;
}

/*
 * One more slot: absent, for a processor that may be plugged later, or
 * present (a processor the MADT lists as usable, when no MP Services
 * describe them), which takes the next boot slot. Present ones all come
 * before the first absent one.
 */
static void
add_slot(struct machine *m, const struct topo *t, uint32_t apic, int present)
{
	struct cpu *c;

	if (known(m, apic))
		return;
	if (m->nslot == m->room) {
		con_error("no room for the processor with APIC id %u (the "
			  "simulator manages %u)", apic, m->room);
		return;
	}
	c = &m->cpu[m->nslot];
	c->mp = m->nslot++;
	c->mp_apic = apic;
	c->index = NO_INDEX;
	c->hp_sel = NO_INDEX;
	if (!present)		/* a present one's state is bringup's to set */
		c->state = CPU_ABSENT;
	c->plugged = !present;
	c->flags = present ? PROCESSOR_ENABLED_BIT | PROCESSOR_HEALTH_STATUS_BIT
			   : 0;
	m->ncpu += present;
	topo_split(t, apic, &c->package, &c->core, &c->thread);
}

/*
 * Without MP Services, the MADT's usable processors are the machine
 * (ACPI 6.5, 5.2.12.2: flags bit 0, Enabled). Only the native start can
 * use them; without --boot native they are left alone, and said so.
 */
static void
madt_present(struct machine *m, const struct topo *t,
	     const struct madt_cpu *cpus, int n, int boot_native)
{
	int i, found = 0;

	for (i = 0; i < n; i++)
		found += cpus[i].enabled && cpus[i].apic != m->cpu[m->bsp].apic;
	if (found == 0 || m->mp != NULL)
		return;
	if (!boot_native) {
		con_printf("The ACPI MADT lists %d more processors; --boot "
			   "native starts them without MP Services.\n", found);
		return;
	}
	con_printf("The ACPI MADT lists %d more processors: they are started "
		   "natively.\n", found);
	for (i = 0; i < n; i++)
		if (cpus[i].enabled)
			add_slot(m, t, cpus[i].apic, 1);
}

/* The MADT's disabled entries that may be plugged; 0 with no MADT. */
static int
from_madt(struct machine *m, const struct topo *t, int boot_native)
{
	struct madt_cpu *cpus;
	const uint8_t *madt;
	uint32_t len;
	int n, i;

	madt = acpi_table("APIC", &len);
	if (madt == NULL || (n = madt_cpus(madt, len, NULL, 0)) < 0)
		return 0;
	cpus = pool_alloc(n * sizeof *cpus + 1);
	if (cpus == NULL)
		return 0;
	n = madt_cpus(madt, len, cpus, n);
	madt_present(m, t, cpus, n, boot_native);
	for (i = 0; i < n; i++)
		if (madt_pluggable(&cpus[i], madt_revision(madt)))
			add_slot(m, t, cpus[i].apic, 0);
	pool_free(cpus);
	return 1;
}

/* Without a MADT: the register block's empty slots. */
static void
from_block(struct machine *m, const struct topo *t)
{
	uint32_t sel, apic;

	for (sel = 0; hp_on && sel < hp.slots; sel++)
		if (!cpuhp_slot(&hp, sel, &apic))
			add_slot(m, t, apic, 0);
}

void
plug_discover(struct machine *m, const struct options *o)
{
	struct topo t;

	hold = o->plugged == PLUGGED_HOLD;
	probe();
	topo_read(&t);
	if (!from_madt(m, &t, o->boot == BOOT_NATIVE))
		from_block(m, &t);
}

/* The processor with this APIC id, from slot `from` on. */
static struct cpu *
slot_of(uint32_t from, uint32_t apic)
{
	uint32_t n;

	for (n = from; n < machine.nslot; n++)
		if (machine.cpu[n].mp_apic == apic)
			return &machine.cpu[n];
	return NULL;
}

static void
inserted(const struct cpuhp_event *e)
{
	struct cpu *c = slot_of(machine.ncpu, e->apic);	/* a plugged one */

	if (c == NULL) {
		con_error("a processor with APIC id %u was plugged into QEMU "
			  "slot %u, but the firmware's tables did not list it: "
			  "it cannot be added", e->apic, e->sel);
		cpuhp_ost(&hp, e->sel, OST_DEVICE_CHECK, OST_FAILURE);
		return;
	}
	if (c->state == CPU_ABSENT)
		c->state = CPU_HELD;
	c->hp_sel = e->sel;
	con_printf("processor plugged: APIC id %u in slot %u\n", e->apic,
		   c->mp);
	con_trace("plug apic=%u slot=%u sel=%u", e->apic, c->mp, e->sel);
	if (c->state != CPU_HELD)
		return;
	if (hold) {
		con_printf("--plugged hold: slot %u is held; add %u adds it\n",
			   c->mp, c->mp);
		return;
	}
	con_explain("The platform announced a new processor; Windows adds "
		    "it at once, and so does --plugged auto.");
	hal_add(c);
}

/* Windows cannot remove a processor; the platform is told so. */
static void
removal(const struct cpuhp_event *e)
{
	struct cpu *c = slot_of(0, e->apic);

	cpuhp_ost(&hp, e->sel, OST_EJECT_REQUEST, OST_EJECT_NOT_SUPPORTED);
	con_printf("QEMU asks to remove the processor with APIC id %u: "
		   "declined, processors cannot be removed (it stays %s)\n",
		   e->apic, c ? cpu_state_name(c->state) : "unknown");
	con_trace("unplug apic=%u slot=%d sel=%u status=0x%02x", e->apic,
		  c ? (int)c->mp : -1, e->sel, OST_EJECT_NOT_SUPPORTED);
}

/*
 * Each event is cleared before it is acted on, so an add that takes long
 * does not see it again. Every turn clears at least one event, so a
 * block that keeps reporting them cannot hold the BSP here for ever.
 */
void
plug_poll(void)
{
	struct cpuhp_event e;
	uint32_t turns;

	if (!hp_on || polling || cpu_rdtsc() < next_poll)
		return;
	polling = 1;
	for (turns = 0; turns <= 2 * hp.slots && cpuhp_next(&hp, &e);
	     turns++) {
		if (e.insert) {
			cpuhp_clear(&hp, e.sel, CPUHP_INSERT);
			inserted(&e);
		}
		if (e.remove) {
			cpuhp_clear(&hp, e.sel, CPUHP_REMOVE);
			removal(&e);
		}
	}
	next_poll = cpu_rdtsc() + clock_cycles(POLL_MS);
	polling = 0;
}

/* After an add of a plugged processor: its outcome, to the platform. */
void
plug_report(struct cpu *c, int added)
{
	uint32_t status = added ? OST_SUCCESS : OST_FAILURE;

	if (!hp_on || !c->plugged || c->hp_sel == NO_INDEX)
		return;
	cpuhp_ost(&hp, c->hp_sel, OST_DEVICE_CHECK, status);
	con_explain("_OST(device check, %s): QEMU's query-acpi-ospm-status "
		    "now shows it for slot %u.", added ? "success" :
		    "failure", c->hp_sel);
	con_trace("ost slot=%u sel=%u source=0x%02x status=0x%02x", c->mp,
		  c->hp_sel, OST_DEVICE_CHECK, status);
}
