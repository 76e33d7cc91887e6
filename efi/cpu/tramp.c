/*
 * tramp.c: the parameter block of the trampoline page: what a processor
 * woken by a SIPI needs to reach long mode and the AP entry
 * (arch/x86/trampoline.asm reads it at the offsets in offsets.h).
 */
#include "tramp.h"

static void
put(uint8_t *p, uint64_t v, int bytes)
{
	while (bytes-- > 0) {
		*p++ = (uint8_t)v;
		v >>= 8;
	}
}

/*
 * A flat segment descriptor, base 0, limit 4 GiB in pages (SDM vol. 3A,
 * "Segment Descriptors"): access byte, and the flags nibble (G, D/B, L).
 */
static void
flat(uint8_t *d, uint8_t access, uint8_t flags)
{
	put(d, 0xffff, 2);		/* limit 15:0 */
	put(d + 2, 0, 3);		/* base 23:0 */
	d[5] = access;
	d[6] = (uint8_t)(flags << 4 | 0xf);	/* flags, limit 19:16 */
	d[7] = 0;			/* base 31:24 */
}

void
tramp_params(uint8_t *page, uint32_t base, const struct tramp_regs *r,
	     uint32_t pm32, uint32_t lm64)
{
	uint8_t *gdt = page + TRAMP_GDT;

	put(gdt, 0, 8);				/* the null descriptor */
	flat(gdt + TRAMP_CODE32, 0x9a, 0xc);	/* code, G, D: 32-bit */
	flat(gdt + TRAMP_DATA, 0x92, 0xc);	/* data, G, B */
	flat(gdt + TRAMP_CODE64, 0x9a, 0xa);	/* code, G, L: 64-bit */
	put(page + TRAMP_GDTR, 4 * 8 - 1, 2);
	put(page + TRAMP_GDTR + 2, base + TRAMP_GDT, 4);
	put(page + TRAMP_FAR32, base + pm32, 4);
	put(page + TRAMP_FAR32 + 4, TRAMP_CODE32, 2);
	put(page + TRAMP_FAR64, base + lm64, 4);
	put(page + TRAMP_FAR64 + 4, TRAMP_CODE64, 2);
	put(page + TRAMP_CR3, r->cr3, 8);
	/* Before paging, only what the switch needs: PAE, and LA57 if the
	 * BSP's tables have five levels. The rest of the BSP's CR4 comes in
	 * long mode: some bits may not be set before (PCIDE only in IA-32e
	 * mode, CET only with CR0.WP; SDM vol. 3A, "CR4"). */
	put(page + TRAMP_CR4, CR4_PAE | (r->cr4 & CR4_LA57), 8);
	put(page + TRAMP_CR4_LONG, r->cr4, 8);
	put(page + TRAMP_CR0, r->cr0, 8);
	put(page + TRAMP_EFER, r->efer & (EFER_LME | EFER_NXE), 8);
	__builtin_memcpy(page + TRAMP_BSP_GDTR, r->gdtr, 10);
	__builtin_memcpy(page + TRAMP_BSP_IDTR, r->idtr, 10);
	put(page + TRAMP_BSP_CS, r->cs, 2);
	put(page + TRAMP_BSP_DS, r->ds, 2);
	put(page + TRAMP_ENTRY, r->entry, 8);
	tramp_use(page, 0);
}

struct tramp_slot *
tramp_slot(uint8_t *page, uint32_t n)
{
	return (struct tramp_slot *)(page + TRAMP_SLOTS) + n;
}

void
tramp_use(uint8_t *page, uint32_t count)
{
	__atomic_store_n((uint32_t *)(page + TRAMP_COUNT), count,
			 __ATOMIC_RELEASE);
}

const char *
tramp_stage_name(uint32_t stage)
{
	static const char *const names[] = { "none", "real", "protected",
					     "long", "c" };

	return stage <= STAGE_C ? names[stage] : "?";
}
