/*
 * acpi.c: finding an ACPI table. The firmware publishes the RSDP in the
 * UEFI configuration table (UEFI 2.10, 4.6); the RSDP points at the XSDT
 * (64-bit entries) or, on ACPI 1.0 firmware, the RSDT (32-bit entries),
 * which list every other table (ACPI 6.5, 5.2.5, 5.2.7, 5.2.8).
 */
#include "uefi.h"
#include "acpi.h"

#define RSDP_RSDT	16	/* offsets in the RSDP */
#define RSDP_REVISION	15
#define RSDP_XSDT	24
#define HDR_LEN		4	/* offsets in every table's header */
#define HDR_SIZE	36

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static uint64_t
rd64(const uint8_t *p)
{
	return acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

static int
sums_to_zero(const uint8_t *p, uint32_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return sum == 0;
}

static int
guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	return __builtin_memcmp(a, b, sizeof *a) == 0;
}

/* The RSDP: ACPI 2.0 and later first, then ACPI 1.0. */
static const uint8_t *
rsdp(void)
{
	const uint8_t *found = NULL;
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (guid_eq(&t->VendorGuid, &acpi20_guid))
			return t->VendorTable;
		if (guid_eq(&t->VendorGuid, &acpi10_guid))
			found = t->VendorTable;
	}
	return found;
}

static const uint8_t *
checked(const uint8_t *t)
{
	return t && acpi_le32(t + HDR_LEN) >= HDR_SIZE &&
	       sums_to_zero(t, acpi_le32(t + HDR_LEN)) ? t : NULL;
}

const uint8_t *
acpi_table(const char sig[4], uint32_t *len)
{
	const uint8_t *r = rsdp(), *root, *t;
	uint32_t n, i, width;

	if (r == NULL || __builtin_memcmp(r, "RSD PTR ", 8) ||
	    !sums_to_zero(r, 20))
		return NULL;
	if (r[RSDP_REVISION] >= 2 && rd64(r + RSDP_XSDT)) {
		root = checked((const uint8_t *)rd64(r + RSDP_XSDT));
		width = 8;
	} else {
		root = checked((const uint8_t *)(uintptr_t)
			       acpi_le32(r + RSDP_RSDT));
		width = 4;
	}
	if (root == NULL)
		return NULL;
	n = (acpi_le32(root + HDR_LEN) - HDR_SIZE) / width;
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + HDR_SIZE + i * width;

		t = (const uint8_t *)(width == 8 ? rd64(e) : acpi_le32(e));
		if (t && __builtin_memcmp(t, sig, 4) == 0 && checked(t)) {
			*len = acpi_le32(t + HDR_LEN);
			return t;
		}
	}
	return NULL;
}
