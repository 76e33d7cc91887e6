/*
 * ipi.c: KeIpiGenericCall, a rendezvous of every active processor.
 *
 * WDK: the worker runs on every active processor at once, at IPI_LEVEL,
 * and the call returns the calling processor's result once every worker
 * has returned. Here the caller posts the call (backend->post) and every
 * processor, the caller too, arrives; the worker starts nowhere before
 * all have arrived, and the caller waits for every worker to return,
 * however long it takes, since they may use data on its stack.
 *
 * A processor that does not arrive in time (ki.cfg.ipi_timeout_ms) makes
 * the caller give up before anyone runs the worker: it closes the call,
 * so a late arrival finds it closed and leaves, names each missing
 * processor (sink->ipi_missing) and returns 0. Windows would wait for
 * ever (or stop the machine with CLOCK_WATCHDOG_TIMEOUT); the simulator
 * stays usable.
 *
 * One call at a time (ipi_lock). Its record is static, not on the
 * caller's stack, and numbered (gen): whoever holds a stale number
 * touches nothing but the ticket it fails to take.
 */
#include "ki.h"

#define CLOSED 0x80000000u		/* in the ticket: no more arrivals */
#define ARRIVALS 0x7fffffffu

static struct {
	ULONG64 ticket;		/* atomic: gen << 32 | arrivals */
	ULONG go;			/* atomic: the gen that may run */
	ULONG finished;			/* atomic: workers returned */
	PKIPI_BROADCAST_WORKER fn;
	ULONG_PTR ctx;
	ULONG gen;			/* the last call's, under ipi_lock */
} rv;
static KSPIN_LOCK ipi_lock;

VOID ki_ipi_init(VOID)
{
	__builtin_memset(&rv, 0, sizeof(rv));
	KeInitializeSpinLock(&ipi_lock);
}

static BOOLEAN open_for(ULONG64 t, ULONG gen)
{
	return (ULONG)(t >> 32) == gen && !(t & CLOSED);
}

/* Takes one place in call gen, once per processor. */
static BOOLEAN arrive(ULONG gen, ULONG me)
{
	ULONG64 t = __atomic_load_n(&rv.ticket, __ATOMIC_ACQUIRE);

	if (me >= ki.cfg.count || KI_LOAD(&ki.arrived[me]) == gen)
		return FALSE;
	do {
		if (!open_for(t, gen))
			return FALSE;
	} while (!__atomic_compare_exchange_n(&rv.ticket, &t, t + 1, 0,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	KI_STORE(&ki.arrived[me], gen);
	return TRUE;
}

/* After arriving: run the worker at IPI_LEVEL once the caller says go,
 * or leave if it gave up. */
static BOOLEAN run(ULONG gen, ULONG_PTR *result)
{
	KIRQL old = KfRaiseIrql(IPI_LEVEL);
	BOOLEAN go;

	while (!(go = KI_LOAD(&rv.go) == gen) &&
	       open_for(KI_LOAD(&rv.ticket), gen))
		ki.be->relax();
	if (go)
		*result = rv.fn(rv.ctx);
	KeLowerIrql(old);
	return go;
}

/* What every other processor runs, from its loop (backend->post). */
static VOID join(ULONG_PTR arg)
{
	ULONG gen = (ULONG)arg, me = ki.be->current();
	ULONG_PTR ignored;

	if (arrive(gen, me) && run(gen, &ignored))
		__atomic_add_fetch(&rv.finished, 1, __ATOMIC_RELEASE);
}

static ULONG arrivals(VOID)
{
	return (ULONG)KI_LOAD(&rv.ticket) & ARRIVALS;
}

/* Waits for count arrivals; on time out, closes the call, unless the
 * last one arrives at that very moment. */
static BOOLEAN all_arrived(ULONG count)
{
	ULONG64 deadline = ki.be->clock_us() +
			   (ULONG64)ki.cfg.ipi_timeout_ms * 1000, t;

	while (arrivals() < count) {
		t = KI_LOAD(&rv.ticket);
		if (ki.be->clock_us() > deadline &&
		    (ULONG)t < count &&
		    __atomic_compare_exchange_n(&rv.ticket, &t, t | CLOSED, 0,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return FALSE;
		ki.be->relax();
	}
	return TRUE;
}

/* Each processor that took a place has marked itself right after; the
 * others are named. */
static VOID name_missing(ULONG gen, ULONG count)
{
	ULONG i, marked, k = arrivals();

	for (;;) {
		for (i = marked = 0; i < count; i++)
			marked += KI_LOAD(&ki.arrived[i]) == gen;
		if (marked >= k)
			break;
		ki.be->relax();
	}
	for (i = 0; i < count; i++)
		if (KI_LOAD(&ki.arrived[i]) != gen && ki.sink &&
		    ki.sink->ipi_missing)
			ki.sink->ipi_missing(i, ki.cfg.ipi_timeout_ms);
}

/* WDK: callable at IRQL <= DISPATCH_LEVEL, on an active processor. */
ULONG_PTR KeIpiGenericCall(PKIPI_BROADCAST_WORKER BroadcastFunction,
			   ULONG_PTR Context)
{
	ULONG me = ki.be->current(), count, gen;
	KIRQL irql = KeGetCurrentIrql();
	ULONG_PTR r = 0;

	if (irql > DISPATCH_LEVEL) {
		ki_violation(ke_current_driver(), "ipi-irql",
			     "KeIpiGenericCall at IRQL %u refused (Windows: "
			     "deadlock)", (ULONG)irql);
		return 0;
	}
	ki_spin_lock(&ipi_lock);
	count = KI_LOAD(&ki.active);
	gen = ++rv.gen;
	rv.fn = BroadcastFunction;
	rv.ctx = Context;
	KI_STORE(&rv.finished, 0);
	KI_STORE(&rv.ticket, (ULONG64)gen << 32);
	ki.be->post(count, join, gen);
	arrive(gen, me);
	if (!all_arrived(count)) {
		name_missing(gen, count);
	} else {
		KI_STORE(&rv.go, gen);
		run(gen, &r);
		__atomic_add_fetch(&rv.finished, 1, __ATOMIC_RELEASE);
		while (KI_LOAD(&rv.finished) < count)
			ki.be->relax();
	}
	ki_spin_unlock(&ipi_lock);
	return r;
}
