/*
 * madt.c: the processors the firmware lists in its MADT (ACPI 6.5,
 * 5.2.12): the 44-byte fixed part, then entries of {type, length, ...}.
 * Processor Local APIC (type 0, 8 bytes: UID at 2, APIC id at 3, flags at
 * 4) and Processor Local x2APIC (type 9, 16 bytes: x2APIC id at 4, flags
 * at 8, UID at 12) name processors; the other types are skipped. Plain C
 * over the table's bytes: no firmware call, so the host tests run it on
 * tables dumped from QEMU.
 */
#include "acpi.h"

#define MADT_ENTRIES	44
#define MADT_LOCAL_APIC	0
#define MADT_X2APIC	9
#define FLAG_ENABLED	0x1
#define FLAG_ONLINE_CAP	0x2

uint8_t
madt_revision(const uint8_t *t)
{
	return t[8];
}

static int
seen(const struct madt_cpu *out, int n, int max, uint32_t apic)
{
	int i;

	for (i = 0; i < n && i < max; i++)
		if (out[i].apic == apic)
			return 1;
	return 0;
}

int
madt_cpus(const uint8_t *t, uint32_t len, struct madt_cpu *out, int max)
{
	uint32_t at = MADT_ENTRIES, flags;
	struct madt_cpu c;
	int n = 0;

	if (len < MADT_ENTRIES || __builtin_memcmp(t, "APIC", 4) ||
	    acpi_le32(t + 4) != len)
		return -1;
	for (; at + 2 <= len; at += t[at + 1]) {
		const uint8_t *e = t + at;

		if (e[1] < 2 || at + e[1] > len)
			return -1;
		if (e[0] == MADT_LOCAL_APIC && e[1] >= 8) {
			c.uid = e[2];
			c.apic = e[3];
			flags = acpi_le32(e + 4);
		} else if (e[0] == MADT_X2APIC && e[1] >= 16) {
			c.apic = acpi_le32(e + 4);
			flags = acpi_le32(e + 8);
			c.uid = acpi_le32(e + 12);
		} else {
			continue;
		}
		if (seen(out, n, max, c.apic))
			continue;
		c.enabled = (flags & FLAG_ENABLED) != 0;
		c.online_capable = (flags & FLAG_ONLINE_CAP) != 0;
		if (n < max)
			out[n] = c;
		n++;
	}
	return n;
}

/*
 * Since ACPI 6.3 (MADT revision 5) a disabled entry is a processor that
 * can be enabled at runtime only if Online Capable is set; without it the
 * entry is unusable and to be ignored. Before that the bit did not exist,
 * and a disabled entry is how firmware listed a processor that may be
 * added later: QEMU lists every not-yet-plugged processor so, because
 * leaving them out breaks hot-plug in Linux (hw/i386/acpi-common.c), and
 * Linux counts them as possible processors (arch/x86/kernel/acpi/boot.c).
 */
int
madt_pluggable(const struct madt_cpu *c, uint8_t revision)
{
	if (c->enabled)
		return 0;
	return revision < 5 || c->online_capable;
}
