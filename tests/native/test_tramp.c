/*
 * test_tramp.c: host tests of the trampoline's parameter block
 * (efi/cpu/tramp.c) read back the way trampoline.asm and the processor
 * read it: descriptors decoded by the SDM's layout, pointers as linear
 * addresses in the page, control registers as the mode switch needs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "tramp.h"

#define BASE 0x9f000u		/* where OVMF's page lands under QEMU */

static uint8_t page[TRAMP_END] __attribute__((aligned(4096)));

static uint64_t
get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	while (bytes-- > 0)
		v = v << 8 | p[bytes];
	return v;
}

static void
fill(uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	struct tramp_regs r = { .cr0 = 0x80010033, .cr3 = cr3, .cr4 = cr4,
				.efer = efer, .cs = 0x38, .ds = 0x30,
				.entry = 0x7e123450 };

	memset(page, 0xcc, sizeof page);
	memcpy(r.gdtr, "\x47\x00\x00\x10\x20\x7f\x00\x00\x00\x00", 10);
	memcpy(r.idtr, "\xff\x0f\x18\x30\x40\x7f\x00\x00\x00\x00", 10);
	tramp_params(page, BASE, &r, 0x90, 0xd8);
}

/* Base, limit (in 4 KiB units when G), and the flags of a descriptor. */
struct desc { uint32_t base, limit; int g, d, l, p, type; };

static struct desc
decode(const uint8_t *d)
{
	struct desc x;

	x.limit = (uint32_t)get(d, 2) | (uint32_t)(d[6] & 0xf) << 16;
	x.base = (uint32_t)get(d + 2, 3) | (uint32_t)d[7] << 24;
	x.type = d[5] & 0x1f;
	x.p = d[5] >> 7;
	x.l = d[6] >> 5 & 1;
	x.d = d[6] >> 6 & 1;
	x.g = d[6] >> 7;
	return x;
}

static void
gdt_is_flat_with_32_and_64_bit_code(void **state)
{
	struct desc c32, data, c64;

	(void)state;
	fill(0x7f801000, 0x668, 0xd00);
	assert_int_equal(get(page + TRAMP_GDT, 8), 0);
	c32 = decode(page + TRAMP_GDT + TRAMP_CODE32);
	data = decode(page + TRAMP_GDT + TRAMP_DATA);
	c64 = decode(page + TRAMP_GDT + TRAMP_CODE64);
	/* all flat: base 0, 4 GiB in pages, present */
	assert_int_equal(c32.base, 0);
	assert_int_equal(c32.limit, 0xfffff);
	assert_true(c32.g && c32.p && data.g && data.p && c64.p);
	assert_int_equal(data.base, 0);
	assert_int_equal(data.limit, 0xfffff);
	/* code execute/read (S=1, type 1010b), data read/write (0010b) */
	assert_int_equal(c32.type, 0x1a);
	assert_int_equal(c64.type, 0x1a);
	assert_int_equal(data.type, 0x12);
	/* 32-bit code: D=1, L=0; 64-bit code: L=1 and D=0 (SDM: L and D
	 * both set is reserved) */
	assert_true(c32.d && !c32.l);
	assert_true(c64.l && !c64.d);
}

static void
pointers_are_linear_addresses_in_the_page(void **state)
{
	(void)state;
	fill(0x7f801000, 0x668, 0xd00);
	assert_int_equal(get(page + TRAMP_GDTR, 2), 4 * 8 - 1);
	assert_int_equal(get(page + TRAMP_GDTR + 2, 4), BASE + TRAMP_GDT);
	assert_int_equal(get(page + TRAMP_FAR32, 4), BASE + 0x90);
	assert_int_equal(get(page + TRAMP_FAR32 + 4, 2), TRAMP_CODE32);
	assert_int_equal(get(page + TRAMP_FAR64, 4), BASE + 0xd8);
	assert_int_equal(get(page + TRAMP_FAR64 + 4, 2), TRAMP_CODE64);
	assert_int_equal(get(page + TRAMP_ENTRY, 8), 0x7e123450);
	assert_int_equal(get(page + TRAMP_BSP_CS, 2), 0x38);
	assert_int_equal(get(page + TRAMP_BSP_DS, 2), 0x30);
	assert_memory_equal(page + TRAMP_BSP_GDTR,
			    "\x47\x00\x00\x10\x20\x7f\x00\x00\x00\x00", 10);
	assert_memory_equal(page + TRAMP_BSP_IDTR,
			    "\xff\x0f\x18\x30\x40\x7f\x00\x00\x00\x00", 10);
	/* nothing written past the block's fixed part but the count */
	assert_int_equal(get(page + TRAMP_COUNT, 4), 0);
	assert_int_equal(page[TRAMP_SLOTS], 0xcc);
	assert_int_equal(page[TRAMP_GDT - 1], 0xcc);
}

static void
control_registers_as_the_mode_switch_needs(void **state)
{
	(void)state;
	/* before paging: PAE and nothing else of a BSP without LA57 (its
	 * PCIDE would #GP outside IA-32e mode, CET without CR0.WP) */
	fill(0x7f801000, 0x820668 & ~CR4_PAE, EFER_LME | EFER_NXE | 0x401);
	assert_int_equal(get(page + TRAMP_CR4, 8), CR4_PAE);
	/* in long mode: the BSP's, whole */
	assert_int_equal(get(page + TRAMP_CR4_LONG, 8), 0x820668 & ~CR4_PAE);
	/* only LME and NXE are taken from the BSP's EFER (LMA and SCE are
	 * not the trampoline's to set) */
	assert_int_equal(get(page + TRAMP_EFER, 8), EFER_LME | EFER_NXE);
	assert_int_equal(get(page + TRAMP_CR3, 8), 0x7f801000);
	assert_int_equal(get(page + TRAMP_CR0, 8), 0x80010033);
	fill(0x7f801000, 0x668 | CR4_LA57, EFER_LME);
	assert_int_equal(get(page + TRAMP_EFER, 8), EFER_LME);
	/* five-level tables: LA57 before paging, or the switch faults */
	assert_int_equal(get(page + TRAMP_CR4, 8), CR4_PAE | CR4_LA57);
}

static void
slots_fill_the_pages_after_the_block(void **state)
{
	struct tramp_slot *s;

	(void)state;
	fill(0x1000, 0x20, EFER_LME);
	s = tramp_slot(page, 0);
	assert_ptr_equal((uint8_t *)s, page + TRAMP_SLOTS);
	assert_ptr_equal((uint8_t *)tramp_slot(page, 2),
			 page + TRAMP_SLOTS + 2 * SLOT_SIZE);
	assert_true(TRAMP_SLOTS + TRAMP_MAX_SLOTS * SLOT_SIZE <= TRAMP_END);
	assert_true(TRAMP_SLOTS + (TRAMP_MAX_SLOTS + 1) * SLOT_SIZE > TRAMP_END);
	/* every AP of a 64-processor machine starts in one go */
	assert_true(TRAMP_MAX_SLOTS >= 63);
	s->apic = 7;
	s->tsc[3] = 0x1122334455667788ull;
	assert_int_equal(get(page + TRAMP_SLOTS + SLOT_APIC, 4), 7);
	assert_int_equal(get(page + TRAMP_SLOTS + SLOT_TSC + 24, 8),
			 0x1122334455667788ull);
	tramp_use(page, 1);
	assert_int_equal(get(page + TRAMP_COUNT, 4), 1);
}

static void
stage_names_in_order(void **state)
{
	(void)state;
	assert_string_equal(tramp_stage_name(STAGE_NONE), "none");
	assert_string_equal(tramp_stage_name(STAGE_REAL), "real");
	assert_string_equal(tramp_stage_name(STAGE_PROTECTED), "protected");
	assert_string_equal(tramp_stage_name(STAGE_LONG), "long");
	assert_string_equal(tramp_stage_name(STAGE_C), "c");
	assert_string_equal(tramp_stage_name(STAGE_C + 1), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gdt_is_flat_with_32_and_64_bit_code),
		cmocka_unit_test(pointers_are_linear_addresses_in_the_page),
		cmocka_unit_test(control_registers_as_the_mode_switch_needs),
		cmocka_unit_test(slots_fill_the_pages_after_the_block),
		cmocka_unit_test(stage_names_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
