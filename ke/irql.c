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

/* Returns the level it raised from. Windows stops the machine when
 * NewIrql is below the current level (IRQL_NOT_GREATER_OR_EQUAL). */
KIRQL KfRaiseIrql(KIRQL NewIrql)
{
	KIRQL *l = mine(), old;

	if (!l)
		return PASSIVE_LEVEL;
	old = __atomic_load_n(l, __ATOMIC_RELAXED);
	__atomic_store_n(l, NewIrql, __ATOMIC_RELAXED);
	return old;
}

VOID KeLowerIrql(KIRQL NewIrql)
{
	KIRQL *l = mine();

	if (l)
		__atomic_store_n(l, NewIrql, __ATOMIC_RELAXED);
}

KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
	return KfRaiseIrql(DISPATCH_LEVEL);
}
