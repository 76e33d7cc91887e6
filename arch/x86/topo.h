/*
 * topo.h: where an APIC id sits in the package/core/thread hierarchy.
 * An x2APIC id is made of fields: the thread in its low smt_bits, the
 * core above it in core_bits, the package above that (Intel SDM vol. 3A,
 * 10.9.1 "Hierarchical Mapping of Shared Resources"). The widths are the
 * BSP's (topo.c); the split is plain C, tested on the host.
 */
#ifndef ARCH_X86_TOPO_H
#define ARCH_X86_TOPO_H

#include <stdint.h>

struct topo {
	uint8_t smt_bits;	/* width of the thread field */
	uint8_t core_bits;	/* width of the core field */
};

/* topo.c: the widths from CPUID leaf 0Bh, else leaves 01h and 04h. */
void topo_read(struct topo *t);

static inline void
topo_split(const struct topo *t, uint32_t apic, uint32_t *package,
	   uint32_t *core, uint32_t *thread)
{
	*thread = apic & ((1u << t->smt_bits) - 1);
	*core = (apic >> t->smt_bits) & ((1u << t->core_bits) - 1);
	*package = apic >> (t->smt_bits + t->core_bits);
}

#endif
