/*
 * event.c: KEVENT (WDK: KeInitializeEvent, KeSetEvent, KeResetEvent,
 * KeClearEvent, KeReadStateEvent).
 *
 * The state is the header's SignalState, 0 or 1, changed with atomic
 * operations so any processor may set an event another one waits on. A
 * notification event stays signalled until reset and releases every
 * waiter; a synchronization event releases one waiter and is reset by
 * that release (ki_event_take). There are no wait lists: waiters poll
 * (wait.c), so KeSetEvent's Increment and Wait have nothing to do.
 */
#include "ki.h"

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
	Event->Header.Type = (UCHAR)Type;
	Event->Header.Signalling = 0;
	Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
	Event->Header.Reserved1 = 0;
	InitializeListHead(&Event->Header.WaitListHead);
	__atomic_store_n(&Event->Header.SignalState, State ? 1 : 0,
			 __ATOMIC_RELEASE);
}

/* These return the state before. */
LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
	(VOID)Increment;
	(VOID)Wait;
	return __atomic_exchange_n(&Event->Header.SignalState, 1,
				   __ATOMIC_SEQ_CST);
}

LONG KeResetEvent(PRKEVENT Event)
{
	return __atomic_exchange_n(&Event->Header.SignalState, 0,
				   __ATOMIC_SEQ_CST);
}

VOID KeClearEvent(PRKEVENT Event)
{
	__atomic_store_n(&Event->Header.SignalState, 0, __ATOMIC_SEQ_CST);
}

LONG KeReadStateEvent(PRKEVENT Event)
{
	return __atomic_load_n(&Event->Header.SignalState, __ATOMIC_ACQUIRE);
}

/* Whether a wait on the event is satisfied now; a synchronization
 * event's signal is taken by the one waiter it satisfies. */
BOOLEAN ki_event_take(PRKEVENT Event)
{
	LONG one = 1;

	if (Event->Header.Type != SynchronizationEvent)
		return KeReadStateEvent(Event) != 0;
	return __atomic_compare_exchange_n(&Event->Header.SignalState, &one, 0,
					   0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}
