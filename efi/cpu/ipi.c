/*
 * ipi.c: KeIpiGenericCall without interrupts. Once the AP loops run, work
 * for them cannot go through MP Services (a StartupThisAP aimed at a busy
 * AP times out and EDK2 then resets that AP), so the BSP posts the call in
 * a mailbox every loop polls, runs it itself, and waits for the others.
 */
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "x86.h"

#define IPI_TIMEOUT_MS 2000

static struct {
	uintptr_t (*fn)(uintptr_t);
	uintptr_t ctx;
	uint32_t count;		/* processors 0..count-1 take part */
	uint64_t seq;		/* bumped, last, to post a call */
} box;

uint64_t
ipi_seq(void)
{
	return __atomic_load_n(&box.seq, __ATOMIC_ACQUIRE);
}

void
ipi_poll(struct cpu *c)
{
	uint64_t seq = ipi_seq();

	if (seq == c->seen)
		return;
	if (c->index < box.count)
		box.fn(box.ctx);
	__atomic_store_n(&c->seen, seq, __ATOMIC_RELEASE);
}

/* Has every taking part AP finished call seq? */
static int
all_seen(uint32_t count, uint64_t seq)
{
	struct cpu *c;
	uint32_t n;

	for (n = 0; n < machine.nslot; n++) {
		c = &machine.cpu[n];
		if (c->state == CPU_ONLINE && c->index < count &&
		    __atomic_load_n(&c->seen, __ATOMIC_ACQUIRE) != seq)
			return 0;
	}
	return 1;
}

uintptr_t
ipi_broadcast(uint32_t count, uintptr_t (*fn)(uintptr_t), uintptr_t ctx)
{
	uint64_t deadline = cpu_rdtsc() + clock_cycles(IPI_TIMEOUT_MS);
	uintptr_t r;

	box.fn = fn;
	box.ctx = ctx;
	box.count = count;
	__atomic_store_n(&box.seq, box.seq + 1, __ATOMIC_RELEASE);
	r = fn(ctx);
	while (!all_seen(count, box.seq)) {
		if (cpu_rdtsc() > deadline) {
			con_error("a broadcast did not finish on every "
				  "processor within %u ms", IPI_TIMEOUT_MS);
			break;
		}
		cpu_pause();
	}
	return r;
}
