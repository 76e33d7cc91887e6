/*
 * irql.c: each processor's interrupt request level (WDK: KeGetCurrentIrql,
 * KfRaiseIrql / KeRaiseIrql, KeLowerIrql, KeRaiseIrqlToDpcLevel).
 *
 * The simulator masks no interrupt by IRQL: the level is the state a
 * driver reads and the core checks against, one per processor, indexed
 * by NT index. Processor-change callbacks, DriverEntry and Unload run at
 * PASSIVE_LEVEL; KeIpiGenericCall's worker at IPI_LEVEL (ipi.c). A
 * caller the core does not know as a processor (an index past the
 * table) reads PASSIVE_LEVEL and changes nothing.
 *
 * Raising to a level below the current one, or lowering to one above it,
 * is a bugcheck under Driver Verifier (0xC4, parameters 0x30 and 0x31,
 * "Bug Check 0xC4: DRIVER_VERIFIER_DETECTED_VIOLATION"); here the
 * verifier reports it (irql-raise-below, irql-lower-above) and the level
 * stays.
 */
#include "ki.h"

static KIRQL *mine(VOID)
{
	ULONG index = ki.be ? ki.be->current() : INVALID_PROCESSOR_INDEX;

	return index < ki.cfg.count ? &ki.irql[index] : NULL;
}

/* Only its own processor writes a level: relaxed atomics, as shared
 * memory for the sanitizers (a host test thread may act as a processor
 * that also runs). */
KIRQL KeGetCurrentIrql(VOID)
{
	KIRQL *l = mine();

	return l ? __atomic_load_n(l, __ATOMIC_RELAXED) : PASSIVE_LEVEL;
}

/* To `to` if the direction is right (up, or down); else, with the
 * verifier on, reported and the current level kept (off: as asked). */
static VOID move(KIRQL *l, KIRQL to, BOOLEAN up)
{
	KIRQL now = __atomic_load_n(l, __ATOMIC_RELAXED);

	if (ki.verifier && (up ? to < now : to > now)) {
		ki_violation(ki_print_driver(), up ? "irql-raise-below" :
			     "irql-lower-above", "%s from IRQL %u to %u; "
			     "the IRQL stays %u", up ? "KeRaiseIrql" :
			     "KeLowerIrql", (ULONG)now, (ULONG)to, (ULONG)now);
		return;
	}
	__atomic_store_n(l, to, __ATOMIC_RELAXED);
}

/* Returns the level it raised from. */
KIRQL KfRaiseIrql(KIRQL NewIrql)
{
	KIRQL *l = mine(), old;

	if (!l)
		return PASSIVE_LEVEL;
	old = __atomic_load_n(l, __ATOMIC_RELAXED);
	move(l, NewIrql, TRUE);
	return old;
}

VOID KeLowerIrql(KIRQL NewIrql)
{
	KIRQL *l = mine();

	if (!l)
		return;
	move(l, NewIrql, FALSE);
	if (NewIrql < DISPATCH_LEVEL)
		ki_dpc_drain();		/* as the DPC interrupt would */
}

KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
	return KfRaiseIrql(DISPATCH_LEVEL);
}
