/*
 * lock.c: spin locks.
 *
 * The core's own locks (ki_spin_lock) leave the IRQL alone: processor-
 * change callbacks run under them at PASSIVE_LEVEL. Drivers' locks raise
 * to DISPATCH_LEVEL first, as Windows' do (WDK: KeAcquireSpinLock).
 *
 * Windows serialises processor-change registration against processor
 * adds with one lock (KiDynamicProcessorLock, observed Windows behaviour
 * (RE)); ki_lock is that lock. It records its owner, the processor index
 * of the holder (or the thread, which may change processors while it
 * holds it), so the core can tell a callback that re-enters the API
 * (Windows would deadlock) from another processor that must wait.
 */
#include "ki.h"

static KSPIN_LOCK dyn_lock;
static ULONG dyn_owner = KI_NO_OWNER;

VOID ki_spin_lock(PKSPIN_LOCK l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			_mm_pause();
}

VOID ki_spin_unlock(PKSPIN_LOCK l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* ke_init starts over even if a previous run left the lock held. */
VOID ki_lock_init(VOID)
{
	KeInitializeSpinLock(&dyn_lock);
	__atomic_store_n(&dyn_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
}

/* The holder: the thread wherever it runs (it may move while it holds
 * the lock, ke/affinity.c), else the processor. */
#define KI_THREAD 0xfffffffeu

static ULONG holder(VOID)
{
	ULONG me = ki.be->current();

	return me == ke_thread_processor() ? KI_THREAD : me;
}

VOID ki_lock(VOID)
{
	ki_spin_lock(&dyn_lock);
	__atomic_store_n(&dyn_owner, holder(), __ATOMIC_RELAXED);
}

VOID ki_unlock(VOID)
{
	__atomic_store_n(&dyn_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
	ki_spin_unlock(&dyn_lock);
}

/*
 * A processor only ever finds its own index here while it holds the
 * lock: it cleared the field itself before its last release.
 */
BOOLEAN ki_lock_is_mine(VOID)
{
	return __atomic_load_n(&dyn_owner, __ATOMIC_RELAXED) == holder();
}

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
	__atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}

VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
	*OldIrql = KeAcquireSpinLockRaiseToDpc(SpinLock);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
	KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);

	ki_spin_lock(SpinLock);
	return old;
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
	ki_spin_unlock(SpinLock);
	KeLowerIrql(NewIrql);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
	ki_spin_lock(SpinLock);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
	ki_spin_unlock(SpinLock);
}

/*
 * In-stack queued spin locks: an MCS queue. The lock word points at the
 * last waiter's queue entry (or is 0: free). A newcomer swaps itself in,
 * links itself behind the one it displaced and spins on its own entry
 * until that one hands the lock over by clearing WAITING in it. Windows
 * keeps the same two flags in the low bits of the entry's Lock field
 * (LOCK_QUEUE_WAIT, LOCK_QUEUE_OWNER: observed Windows behaviour (RE)).
 */
#define WAITING 1
#define OWNER 2

static PKSPIN_LOCK flags(PKSPIN_LOCK l, ULONG_PTR f)
{
	return (PKSPIN_LOCK)((ULONG_PTR)l | f);
}

static PKSPIN_LOCK untag(PKSPIN_LOCK l)
{
	return (PKSPIN_LOCK)((ULONG_PTR)l & ~(ULONG_PTR)(WAITING | OWNER));
}

VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
					      PKLOCK_QUEUE_HANDLE LockHandle)
{
	PKSPIN_LOCK_QUEUE me = &LockHandle->LockQueue, prev;

	__atomic_store_n(&me->Next, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&me->Lock, flags(SpinLock, WAITING),
			 __ATOMIC_RELAXED);
	prev = (PKSPIN_LOCK_QUEUE)__atomic_exchange_n(SpinLock,
						      (ULONG_PTR)me,
						      __ATOMIC_ACQ_REL);
	if (prev) {
		__atomic_store_n(&prev->Next, me, __ATOMIC_RELEASE);
		while ((ULONG_PTR)__atomic_load_n(&me->Lock,
						  __ATOMIC_ACQUIRE) & WAITING)
			_mm_pause();
	}
	__atomic_store_n(&me->Lock, flags(SpinLock, OWNER), __ATOMIC_RELAXED);
}

VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
	PKSPIN_LOCK_QUEUE me = &LockHandle->LockQueue, next;
	PKSPIN_LOCK l = untag(me->Lock);
	ULONG_PTR expect = (ULONG_PTR)me;

	me->Lock = l;
	if (!__atomic_load_n(&me->Next, __ATOMIC_ACQUIRE) &&
	    __atomic_compare_exchange_n(l, &expect, 0, 0, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED))
		return;
	while (!(next = __atomic_load_n(&me->Next, __ATOMIC_ACQUIRE)))
		_mm_pause();	/* the next one has swapped, not linked yet */
	__atomic_store_n(&next->Lock, untag(next->Lock), __ATOMIC_RELEASE);
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
				    PKLOCK_QUEUE_HANDLE LockHandle)
{
	LockHandle->OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
	KeAcquireInStackQueuedSpinLockAtDpcLevel(SpinLock, LockHandle);
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
	KeReleaseInStackQueuedSpinLockFromDpcLevel(LockHandle);
	KeLowerIrql(LockHandle->OldIrql);
}
