/*
 * ipi.c: the mailbox of KeIpiGenericCall, without interrupts. Once the
 * AP loops run, work for them cannot go through MP Services: EDK2's
 * StartupThisAP does not refuse a busy AP. With the HLT idle loop (OVMF)
 * the new dispatch's own INIT-SIPI-SIPI resets the AP, killing its loop,
 * and the new event replaces the loop's, which is never signalled; with
 * the MWAIT or run loop the BSP waits for a wake-up the busy AP never
 * acknowledges (MpInitLib MpLib.c: StartupThisAPWorker, WakeUpAP,
 * WaitApWakeup). So the caller posts here and every loop polls. The
 * rendezvous itself (all arrive, then all run, the caller waits for all)
 * is the core's (ke/ipi.c): a post only says "call entry(arg) once".
 */
#include "cpu.h"
#include "hal.h"

static struct {
	void (*entry)(uintptr_t);
	uintptr_t arg;
	uint32_t count;		/* processors 0..count-1 take part */
	uint32_t from;		/* but not the one that posted */
	uint64_t seq;		/* bumped, last, to post */
} box;

uint64_t
ipi_seq(void)
{
	return __atomic_load_n(&box.seq, __ATOMIC_ACQUIRE);
}

/* One post at a time: the core posts again only once every processor
 * that took the last one is done with it, or after it gave up. */
void
ipi_post(uint32_t count, uint32_t from, void (*entry)(uintptr_t),
	 uintptr_t arg)
{
	box.entry = entry;
	box.arg = arg;
	box.count = count;
	box.from = from;
	__atomic_store_n(&box.seq, box.seq + 1, __ATOMIC_RELEASE);
}

void
ipi_poll(struct cpu *c)
{
	uint64_t seq = ipi_seq();

	if (seq == c->seen)
		return;
	__atomic_store_n(&c->seen, seq, __ATOMIC_RELEASE);
	if (c->index < box.count && c->index != box.from)
		box.entry(box.arg);
}
