/*
 * acpi.h: the firmware's ACPI tables (acpi.c) and the MADT's processor
 * entries (madt.c). madt.c is plain C over the table's bytes, so the host
 * tests read real tables dumped from QEMU with it. No UEFI types here.
 */
#ifndef EFI_ACPI_H
#define EFI_ACPI_H

#include <stdint.h>

/* ACPI tables are little-endian and unaligned. */
static inline uint32_t
acpi_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The table with this signature ("APIC", "FACP", ...) from the XSDT (or
 * the RSDT), its checksum checked; NULL if the firmware has none. *len
 * gets its length from its header.
 */
const uint8_t *acpi_table(const char sig[4], uint32_t *len);

/* One processor entry of the MADT (Local APIC or Local x2APIC). */
struct madt_cpu {
	uint32_t apic;		/* (x2)APIC id */
	uint32_t uid;		/* ACPI processor UID */
	uint8_t enabled;	/* flags bit 0: usable at boot */
	uint8_t online_capable;	/* flags bit 1 (MADT revision 5 and up) */
};

/*
 * The processor entries of a MADT, in table order, without repeats of
 * an APIC id. Stores at most max of them and returns how many there are,
 * or -1 if t is not a well-formed MADT.
 */
int madt_cpus(const uint8_t *t, uint32_t len, struct madt_cpu *out, int max);

/* The MADT's revision (its header's byte 8). */
uint8_t madt_revision(const uint8_t *t);

/* Whether a disabled entry is a processor that may be plugged later. */
int madt_pluggable(const struct madt_cpu *c, uint8_t revision);

#endif
