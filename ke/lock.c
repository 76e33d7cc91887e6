/*
 * lock.c: spin locks.
 *
 * Windows serialises processor-change registration against processor
 * adds with one lock (KiDynamicProcessorLock, observed Windows behaviour
 * (RE)); ki_lock is that lock. It records its owner, the processor index
 * of the holder, so the core can tell a callback that re-enters the API
 * (Windows would deadlock) from another processor that must wait.
 */
#include "ki.h"

static KSPIN_LOCK dyn_lock;
static ULONG dyn_owner = KI_NO_OWNER;

/* ke_init starts over even if a previous run left the lock held. */
VOID ki_lock_init(VOID)
{
	KeInitializeSpinLock(&dyn_lock);
	__atomic_store_n(&dyn_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
}

VOID ki_lock(VOID)
{
	KIRQL irql;

	KeAcquireSpinLock(&dyn_lock, &irql);
	__atomic_store_n(&dyn_owner, ki.be->current(), __ATOMIC_RELAXED);
}

VOID ki_unlock(VOID)
{
	__atomic_store_n(&dyn_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
	KeReleaseSpinLock(&dyn_lock, PASSIVE_LEVEL);
}

/*
 * A processor only ever finds its own index here while it holds the
 * lock: it cleared the field itself before its last release.
 */
BOOLEAN ki_lock_is_mine(VOID)
{
	return __atomic_load_n(&dyn_owner, __ATOMIC_RELAXED) ==
	       ki.be->current();
}

/*
 * KSPIN_LOCK for drivers (WDK: KeAcquireSpinLock). They do not raise the
 * processor's IRQL (ke/irql.c) yet, so the "old IRQL" handed back is
 * always PASSIVE_LEVEL.
 */
VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
	__atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}

VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
	while (__atomic_exchange_n(SpinLock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(SpinLock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
	*OldIrql = PASSIVE_LEVEL;
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
	(VOID)NewIrql;
	__atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}
