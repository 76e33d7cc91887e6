/*
 * dpc.c: deferred procedure calls (WDK: KeInitializeDpc,
 * KeInitializeThreadedDpc, KeSetTargetProcessorDpc[Ex],
 * KeSetImportanceDpc, KeInsertQueueDpc, KeRemoveQueueDpc,
 * KeFlushQueuedDpcs).
 *
 * Windows keeps one DPC queue per processor: a high-importance DPC goes
 * to the head, the others to the tail, and the processor runs its queue
 * in order at DISPATCH_LEVEL as soon as its IRQL drops below that level
 * ("Organization of DPC Queues", "Introduction to DPC Objects"). Here
 * the queues are one list, in that order, whose entries carry their
 * target's seat (group * group size + number): a processor takes the
 * first entry for its own seat. One list, because a DPC may target a
 * processor that is held: it has a seat but no index (no queue) until
 * it is added, and its DPCs wait for it in the list.
 *
 * A processor runs its DPCs from its loop (ke_run_dpcs), and, as the
 * DPC interrupt would, when its IRQL drops below DISPATCH_LEVEL
 * (KeLowerIrql), while it waits (wait.c) and when it queues one to
 * itself. A processor is told (backend kick) when a DPC is queued to it
 * and when it becomes active with DPCs waiting for it.
 *
 * The fields, as the core uses them: Number is the target (0: the
 * processor that queues it, else 1 + seat); ProcessorHistory is the
 * seat it was queued for; DpcData is non-NULL while queued, the driver
 * that queued it (or the list itself for the core's own); DpcListEntry
 * links the list.
 *
 * Threaded DPCs run as ordinary ones, at DISPATCH_LEVEL, as Windows runs
 * them when threaded DPCs are turned off ("Threaded DPCs").
 */
#include "ki.h"

static struct {
	KSPIN_LOCK lock;
	PKDPC head, tail;
	ULONG queued;		/* atomic: entries in the list */
} q;

/* KeFlushQueuedDpcs: one at a time, one DPC per active processor. */
static KSPIN_LOCK flush_lock;
static LONG flush_left;

#define NO_SEAT 0xffffffffu

VOID ki_dpc_init(VOID)
{
	__builtin_memset(&q, 0, sizeof(q));
	KeInitializeSpinLock(&flush_lock);
}

static VOID init(PKDPC Dpc, UCHAR type, PKDEFERRED_ROUTINE routine,
		 PVOID context)
{
	__builtin_memset(Dpc, 0, sizeof(*Dpc));
	Dpc->Type = type;
	Dpc->Importance = MediumImportance;
	Dpc->DeferredRoutine = routine;
	Dpc->DeferredContext = context;
}

VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
		     PVOID DeferredContext)
{
	init(Dpc, DpcObject, DeferredRoutine, DeferredContext);
}

VOID KeInitializeThreadedDpc(PKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
			     PVOID DeferredContext)
{
	init(Dpc, ThreadedDpcObject, DeferredRoutine, DeferredContext);
}

VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
	Dpc->Importance = (UCHAR)Importance;
}

static ULONG seat_of(PROCESSOR_NUMBER n)
{
	return (ULONG)n.Group * ki.cfg.group_size + n.Number;
}

/* WDK: STATUS_INVALID_PARAMETER for a number that names no processor.
 * A held processor's number is valid: its seat exists. */
NTSTATUS KeSetTargetProcessorDpcEx(PKDPC Dpc, PPROCESSOR_NUMBER ProcNumber)
{
	ULONG seat;

	if (!ProcNumber || ProcNumber->Reserved ||
	    ProcNumber->Group >= ki.groups ||
	    ProcNumber->Number >= ki.cfg.group_size)
		return STATUS_INVALID_PARAMETER;
	seat = seat_of(*ProcNumber);
	if (!ki.topo[seat].placed || seat >= 0xffff)
		return STATUS_INVALID_PARAMETER;
	Dpc->Number = (USHORT)(seat + 1);
	return STATUS_SUCCESS;
}

/* WDK: group 0's processor Number, if Number is below group 0's active
 * count; otherwise the target does not change. */
VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
	PROCESSOR_NUMBER n = { .Group = 0, .Number = (UCHAR)Number };

	if ((UCHAR)Number < KeQueryActiveProcessorCountEx(0))
		KeSetTargetProcessorDpcEx(Dpc, &n);
}

/* The calling processor's seat, or NO_SEAT for a caller that is not an
 * active processor. */
static ULONG my_seat(ULONG me)
{
	return me < KI_LOAD(&ki.active) ? seat_of(ki_number(me)) : NO_SEAT;
}

/* Index of the processor at seat, or INVALID_PROCESSOR_INDEX. */
static ULONG index_at(ULONG seat)
{
	return KI_LOAD(&ki.index_at[seat]);
}

static VOID link(PKDPC d)
{
	d->DpcListEntry.Next = NULL;
	if (!q.head) {
		q.head = q.tail = d;
	} else if (d->Importance == HighImportance) {
		d->DpcListEntry.Next = &q.head->DpcListEntry;
		q.head = d;
	} else {
		q.tail->DpcListEntry.Next = &d->DpcListEntry;
		q.tail = d;
	}
	KI_STORE(&q.queued, q.queued + 1);
}

static PKDPC next_of(PKDPC d)
{
	PSINGLE_LIST_ENTRY e = d->DpcListEntry.Next;

	return e ? CONTAINING_RECORD(e, KDPC, DpcListEntry) : NULL;
}

/* Takes d out of the list; prev is the entry before it, or NULL. */
static VOID unlink(PKDPC prev, PKDPC d)
{
	PKDPC next = next_of(d);

	if (prev)
		prev->DpcListEntry.Next = d->DpcListEntry.Next;
	else
		q.head = next;
	if (q.tail == d)
		q.tail = prev;
	d->DpcListEntry.Next = NULL;
	__atomic_store_n(&d->DpcData, NULL, __ATOMIC_RELEASE);
	KI_STORE(&q.queued, q.queued - 1);
}

/* The entry before d, or NULL when d is the head (d is in the list). */
static PKDPC before(PKDPC d)
{
	PKDPC p;

	for (p = q.head; p && next_of(p) != d; p = next_of(p))
		;
	return p;
}

/* The processor at seat, if active, should look at its DPCs. */
static VOID kick(ULONG seat)
{
	ULONG index = index_at(seat);

	if (index < KI_LOAD(&ki.active))
		ki.be->kick(index);
}

/* WDK: FALSE when the DPC is queued already (nothing changes). */
BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
			 PVOID SystemArgument2)
{
	ULONG me = ki.be->current(), seat;
	struct ke_driver *owner = ki_print_driver();

	ki_spin_lock(&q.lock);
	if (Dpc->DpcData) {
		ki_spin_unlock(&q.lock);
		return FALSE;
	}
	seat = Dpc->Number ? Dpc->Number - 1u : my_seat(me);
	if (seat == NO_SEAT)
		seat = seat_of(ki_number(0));
	Dpc->ProcessorHistory = seat;
	Dpc->SystemArgument1 = SystemArgument1;
	Dpc->SystemArgument2 = SystemArgument2;
	__atomic_store_n(&Dpc->DpcData, owner ? (PVOID)owner : (PVOID)&q,
			 __ATOMIC_RELEASE);
	link(Dpc);
	ki_spin_unlock(&q.lock);
	if (seat == my_seat(me))
		ki_dpc_drain();
	else
		kick(seat);
	return TRUE;
}

/* WDK: TRUE if the DPC was queued (and now is not). */
BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
	BOOLEAN was;

	ki_spin_lock(&q.lock);
	was = Dpc->DpcData != NULL;
	if (was)
		unlink(before(Dpc), Dpc);
	ki_spin_unlock(&q.lock);
	return was;
}

/* The first DPC queued for seat, out of the list, with what it is to be
 * called with; NULL if none. */
static PKDPC take(ULONG seat, PVOID args[4], struct ke_driver **owner)
{
	PKDPC d, prev = NULL;

	ki_spin_lock(&q.lock);
	for (d = q.head; d && d->ProcessorHistory != seat; d = next_of(d))
		prev = d;
	if (d) {
		*owner = d->DpcData == (PVOID)&q ? NULL : d->DpcData;
		args[0] = (PVOID)d->DeferredRoutine;
		args[1] = d->DeferredContext;
		args[2] = d->SystemArgument1;
		args[3] = d->SystemArgument2;
		unlink(prev, d);
	}
	ki_spin_unlock(&q.lock);
	return d;
}

/* At DISPATCH_LEVEL, charged to the driver that queued it. A routine
 * that returns at another IRQL is reported, and the level put back. */
static VOID run(ULONG me, PKDPC d, PVOID args[4], struct ke_driver *owner)
{
	PKDEFERRED_ROUTINE fn = (PKDEFERRED_ROUTINE)args[0];
	KIRQL left;

	__atomic_store_n(&ki.dpc_driver[me], owner, __ATOMIC_RELEASE);
	__atomic_store_n(&ki.irql[me], DISPATCH_LEVEL, __ATOMIC_RELAXED);
	fn(d, args[1], args[2], args[3]);
	left = __atomic_load_n(&ki.irql[me], __ATOMIC_RELAXED);
	if (left != DISPATCH_LEVEL) {
		ki_violation(owner, "dpc-irql", "DPC routine %p returned at "
			     "IRQL %u (entered at DISPATCH_LEVEL)",
			     (PVOID)fn, (ULONG)left);
		__atomic_store_n(&ki.irql[me], DISPATCH_LEVEL,
				 __ATOMIC_RELAXED);
	}
	__atomic_store_n(&ki.dpc_driver[me], NULL, __ATOMIC_RELEASE);
}

/*
 * Runs the calling processor's DPCs, in order, if it is active and below
 * DISPATCH_LEVEL; the IRQL is set directly (not through KeLowerIrql,
 * which would come back here).
 */
VOID ki_dpc_drain(VOID)
{
	ULONG me, seat;
	struct ke_driver *owner;
	PVOID args[4];
	KIRQL old;
	PKDPC d;

	if (!KI_LOAD(&q.queued) || !ki.be)
		return;
	me = ki.be->current();
	seat = my_seat(me);
	if (seat == NO_SEAT)
		return;
	old = __atomic_load_n(&ki.irql[me], __ATOMIC_RELAXED);
	if (old >= DISPATCH_LEVEL)
		return;
	while ((d = take(seat, args, &owner)))
		run(me, d, args, owner);
	__atomic_store_n(&ki.irql[me], old, __ATOMIC_RELAXED);
}

VOID ke_run_dpcs(VOID)
{
	ki_dpc_drain();
}

/* An add: the new processor finds the DPCs that waited for it. */
VOID ki_dpc_activated(ULONG index)
{
	if (KI_LOAD(&q.queued))
		ki.be->kick(index);
}

/*
 * The unload path: DPCs d left queued would call into code that is gone.
 * Each is reported (with its target, a held processor's typically) and
 * taken out; then d's DPCs that run elsewhere are waited for.
 */
VOID ki_dpc_purge(struct ke_driver *d)
{
	PKDPC p, prev = NULL, next;
	PROCESSOR_NUMBER n;
	ULONG i, seat;

	ki_spin_lock(&q.lock);
	for (p = q.head; p; p = next) {
		next = next_of(p);
		if (p->DpcData != (PVOID)d) {
			prev = p;
			continue;
		}
		seat = (ULONG)p->ProcessorHistory;
		n.Group = (USHORT)(seat / ki.cfg.group_size);
		n.Number = (UCHAR)(seat % ki.cfg.group_size);
		ki_violation(d, "dpc-at-unload", "DPC %p (routine %p) still "
			     "queued for processor %u:%u, which never ran "
			     "it; removed", (PVOID)p,
			     (PVOID)p->DeferredRoutine, (ULONG)n.Group,
			     (ULONG)n.Number);
		unlink(prev, p);
	}
	ki_spin_unlock(&q.lock);
	for (i = 0; i < KI_LOAD(&ki.active); i++)
		while (__atomic_load_n(&ki.dpc_driver[i], __ATOMIC_ACQUIRE) ==
		       d)
			ki.be->relax();
}

static VOID flushed(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	(VOID)Dpc;
	(VOID)Context;
	(VOID)Arg1;
	(VOID)Arg2;
	__atomic_sub_fetch(&flush_left, 1, __ATOMIC_RELEASE);
}

/* Whether the flush is done; the caller's own DPCs run meanwhile. */
static BOOLEAN flush_wait(ULONG64 end)
{
	while (__atomic_load_n(&flush_left, __ATOMIC_ACQUIRE)) {
		if (KeQueryInterruptTime() >= end)
			return FALSE;
		ki_dpc_drain();
		ki.be->relax();
	}
	return TRUE;
}

/*
 * WDK: returns once every DPC queued on any processor when it was called
 * has run; PASSIVE_LEVEL only. As Windows does, it queues a
 * medium-importance DPC of its own behind them on each active processor
 * and waits for those. DPCs for held processors are not waited for (no
 * processor can run them yet). A processor that does not run its queue
 * within ke_config.hang_ms is reported ("dpc-flush-hang").
 */
VOID KeFlushQueuedDpcs(VOID)
{
	ULONG i, n;
	PKDPC f;

	if (KeGetCurrentIrql() > PASSIVE_LEVEL)
		ki_violation(ki_print_driver(), "dpc-flush-irql",
			     "KeFlushQueuedDpcs at IRQL %u (PASSIVE_LEVEL "
			     "only)", (ULONG)KeGetCurrentIrql());
	while (__atomic_exchange_n(&flush_lock, 1, __ATOMIC_ACQUIRE)) {
		ki_dpc_drain();
		ki.be->relax();
	}
	n = KI_LOAD(&ki.active);
	__atomic_store_n(&flush_left, (LONG)n, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++) {
		f = &ki.flush_dpc[i];
		KeInitializeDpc(f, flushed, NULL);
		f->Number = (USHORT)(seat_of(ki_number(i)) + 1);
		__atomic_store_n(&f->DpcData, (PVOID)&q, __ATOMIC_RELAXED);
		ki_spin_lock(&q.lock);
		f->ProcessorHistory = f->Number - 1u;
		link(f);
		ki_spin_unlock(&q.lock);
		ki.be->kick(i);
	}
	if (!flush_wait(KeQueryInterruptTime() +
			(ULONG64)ki.cfg.hang_ms * 10000)) {
		for (i = 0; i < n; i++)
			KeRemoveQueueDpc(&ki.flush_dpc[i]);
		ki_violation(ki_print_driver(), "dpc-flush-hang",
			     "KeFlushQueuedDpcs: %d processor(s) did not run "
			     "their DPCs within %u ms; gave up",
			     (int)flush_left, ki.cfg.hang_ms);
	}
	ki_spin_unlock(&flush_lock);
}
