/*
 * topo.c: the widths of the APIC id's thread and core fields, as this
 * processor reports them (Intel SDM vol. 2A, CPUID leaves 0Bh, 04h and
 * 01h; vol. 3A, 10.9). EDK2's MP Services derives each processor's
 * location the same way (UefiCpuPkg GetProcessorLocationByApicId), so
 * processors it never saw get the same kind of location as those it did.
 */
#include "topo.h"
#include "x86.h"

#define LEVEL_SMT	1
#define LEVEL_CORE	2

/* The smallest n with (1 << n) >= count. */
static uint8_t
width(uint32_t count)
{
	uint8_t n = 0;

	while (n < 31 && (1u << n) < count)
		n++;
	return n;
}

/* Leaf 0Bh: each level's EAX[4:0] is the shift to the next level's id. */
static int
from_leaf_0b(struct topo *t)
{
	uint32_t r[4], sub, type, shift = 0, smt = 0;

	cpu_cpuid(0, 0, r);
	if (r[0] < 0x0b)
		return 0;
	cpu_cpuid(0x0b, 0, r);
	if (r[1] == 0)		/* EBX 0: leaf not supported */
		return 0;
	for (sub = 0; sub < 8; sub++) {
		cpu_cpuid(0x0b, sub, r);
		type = (r[2] >> 8) & 0xff;
		if (type == 0)
			break;
		if (type == LEVEL_SMT)
			smt = r[0] & 0x1f;
		if (type == LEVEL_CORE)
			shift = r[0] & 0x1f;
	}
	if (shift < smt)
		shift = smt;
	t->smt_bits = (uint8_t)smt;
	t->core_bits = (uint8_t)(shift - smt);
	return 1;
}

/*
 * Older processors: CPUID.01h:EBX[23:16] addressable logical processors
 * per package (when EDX bit 28, HTT, is set), CPUID.04h:EAX[31:26] + 1
 * addressable cores per package.
 */
void
topo_read(struct topo *t)
{
	uint32_t r[4], logical = 1, cores = 1;

	if (from_leaf_0b(t))
		return;
	cpu_cpuid(1, 0, r);
	if (r[3] & (1u << 28))
		logical = (r[1] >> 16) & 0xff;
	cpu_cpuid(0, 0, r);
	if (r[0] >= 4) {
		cpu_cpuid(4, 0, r);
		cores = (r[0] >> 26) + 1;
	}
	if (logical < cores)
		logical = cores;
	t->core_bits = width(cores);
	t->smt_bits = width(logical / cores);
}
