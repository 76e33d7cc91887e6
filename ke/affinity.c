/*
 * affinity.c: the thread's system affinity (WDK:
 * KeSetSystemGroupAffinityThread, KeRevertToUserGroupAffinityThread,
 * KeSetSystemAffinityThreadEx, KeRevertToUserAffinityThreadEx).
 *
 * There is one thread: the execution that runs DriverEntry, Unload and
 * the processor-change callbacks, on the BSP (index 0) unless moved. A
 * new affinity is taken only when its group exists, its mask names only
 * processors of that group and at least one of them is active, as the
 * WDK pages say; otherwise nothing changes. Then the thread goes on on
 * an active processor of the set: the one it is on if it is in the set,
 * else the lowest-numbered one (backend migrate). Mask 0 is no affinity
 * to set, and in a revert means the user affinity: the BSP.
 *
 * WDK: IRQL <= APC_LEVEL. A call above it, or from code that is not the
 * thread (a DPC, a workload), is reported ("affinity-irql",
 * "affinity-not-thread") and changes nothing. A DriverEntry, Unload or
 * callback that returns with a system affinity still set is reported
 * ("affinity-not-reverted") and the thread goes back to the BSP
 * (ki_affinity_check).
 */
#include "ki.h"

static struct {
	GROUP_AFFINITY set;	/* Mask 0: none (the user affinity) */
	ULONG at;		/* atomic: the index it runs on */
} th;

VOID ki_affinity_init(VOID)
{
	__builtin_memset(&th, 0, sizeof(th));
}

/* Where the thread runs (tests and the console). */
ULONG ke_thread_processor(VOID)
{
	return KI_LOAD(&th.at);
}

static BOOLEAN callable(const char *what)
{
	ULONG me = ki.be->current();
	KIRQL irql = KeGetCurrentIrql();

	if (me != KI_LOAD(&th.at)) {
		ki_violation(ki_print_driver(), "affinity-not-thread", "%s "
			     "called on processor %u, where the thread does "
			     "not run (a DPC or workload?); ignored", what, me);
		return FALSE;
	}
	if (irql > APC_LEVEL) {
		ki_violation(ki_print_driver(), "affinity-irql", "%s at IRQL "
			     "%u (allowed up to APC_LEVEL); ignored", what,
			     (ULONG)irql);
		return FALSE;
	}
	return TRUE;
}

/* The index to run on for a valid affinity, or INVALID_PROCESSOR_INDEX
 * when the affinity is not one the thread may take. */
static ULONG pick(const GROUP_AFFINITY *a)
{
	PROCESSOR_NUMBER n = { .Group = a->Group };
	KAFFINITY placed, on;
	ULONG max;

	if (a->Group >= ki.groups || !a->Mask)
		return INVALID_PROCESSOR_INDEX;
	max = ki.group_max[a->Group];
	placed = max >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << max) - 1;
	on = a->Mask & KeQueryGroupAffinity(a->Group);
	if ((a->Mask & ~placed) || !on)
		return INVALID_PROCESSOR_INDEX;
	n = ki_number(KI_LOAD(&th.at));
	if (n.Group == a->Group && (on >> n.Number & 1))
		return KI_LOAD(&th.at);
	n.Group = a->Group;
	for (n.Number = 0; !(on >> n.Number & 1); n.Number++)
		;
	return KeGetProcessorIndexFromNumber(&n);
}

static VOID go(ULONG index)
{
	if (index != KI_LOAD(&th.at) && ki.be->migrate(index))
		KI_STORE(&th.at, index);
}

/* Takes a (Mask 0: the user affinity); FALSE if it is not valid. */
static BOOLEAN take(const GROUP_AFFINITY *a)
{
	ULONG index = a->Mask ? pick(a) : 0;

	if (index == INVALID_PROCESSOR_INDEX)
		return FALSE;
	th.set = *a;
	if (!a->Mask)
		__builtin_memset(&th.set, 0, sizeof(th.set));
	go(index);
	return TRUE;
}

VOID KeSetSystemGroupAffinityThread(PGROUP_AFFINITY Affinity,
				    PGROUP_AFFINITY PreviousAffinity)
{
	GROUP_AFFINITY was = th.set;

	if (!callable("KeSetSystemGroupAffinityThread"))
		return;
	if (Affinity->Mask && take(Affinity) && PreviousAffinity)
		*PreviousAffinity = was;
}

VOID KeRevertToUserGroupAffinityThread(PGROUP_AFFINITY PreviousAffinity)
{
	if (callable("KeRevertToUserGroupAffinityThread"))
		take(PreviousAffinity);
}

/* The non-group forms work in group 0 (WDK, since Windows 7). */
KAFFINITY KeSetSystemAffinityThreadEx(KAFFINITY Affinity)
{
	GROUP_AFFINITY a = { .Mask = Affinity }, was = th.set;

	if (!callable("KeSetSystemAffinityThreadEx") || !Affinity ||
	    !take(&a))
		return 0;
	return was.Group == 0 ? was.Mask : 0;
}

VOID KeRevertToUserAffinityThreadEx(KAFFINITY Affinity)
{
	GROUP_AFFINITY a = { .Mask = Affinity };

	if (callable("KeRevertToUserAffinityThreadEx"))
		take(&a);
}

/* After driver code the thread ran: an affinity left set is reported,
 * and the thread goes back to the BSP. */
VOID ki_affinity_check(struct ke_driver *d, const char *what)
{
	GROUP_AFFINITY was = th.set;
	ULONG at = KI_LOAD(&th.at);

	if (!was.Mask && !at)
		return;
	__builtin_memset(&th.set, 0, sizeof(th.set));
	go(0);		/* first: the report is printed from the BSP */
	ki_violation(d, "affinity-not-reverted", "%s returned with the "
		     "thread's affinity still group %u mask 0x%llx (on "
		     "processor %u); moved back to the BSP", what,
		     (ULONG)was.Group, (ULONG64)was.Mask, at);
}
