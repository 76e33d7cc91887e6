/*
 * affinity.c: the thread that changes processors (the core's backend
 * `migrate`, for KeSetSystemGroupAffinityThread and friends, ke/affinity.c).
 *
 * The simulator has one thread: the BSP's execution, which runs the
 * shell, DriverEntry, Unload and every processor-change callback. To
 * run it on another processor, the code it is running saves its
 * callee-saved registers and stack pointer (cpu_switch, switch.asm) and
 * jumps to the processor's own "host" context; that host hands the
 * saved context to the target, whose loop (ap.c) switches to it: the
 * thread goes on, on the same stack, on the new processor. Going back
 * is the same move.
 *
 * Each processor's host context is its loop, suspended inside
 * affinity_poll while the thread runs there. The BSP's loop is made at
 * the first move away from it, on a stack of its own (the thread keeps
 * the firmware's): it serves what the BSP must while the thread is away
 * (the APs' console lines, in order; the thread's pool allocations; its
 * DPCs, workloads and KeIpiGenericCall; a stop) and takes the thread back
 * when it returns. Firmware calls stay with the BSP: the pool serves the
 * moved thread through it (affinity_alloc) and refuses any other AP
 * (uefi.c), and the console queues an AP's lines for the BSP (con.c).
 */
#include <ke.h>
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "offsets.h"
#include "x86.h"

#define HOST_STACK (64 * 1024)	/* firmware console output runs on it */

void cpu_switch(uint64_t *save, uint64_t load);

void cpu_park_on(uint64_t rsp) __attribute__((noreturn));

static struct {
	uint64_t rsp;		/* saved while it moves */
	struct cpu *to;		/* where it goes */
	struct cpu *on;		/* where it runs; NULL: the BSP */
} thread;

static struct cpu *
bsp(void)
{
	return &machine.cpu[machine.bsp];
}

/* The thread to c, now: an AP asleep until its next tick is woken (the
 * BSP's loop never sleeps). */
static void
hand(struct cpu *c, uint64_t rsp)
{
	__atomic_store_n(&c->inbox, rsp, __ATOMIC_RELEASE);
	if (c != bsp())
		hal_wake(c);
}

/*
 * Each turn of a processor's loop: if the thread was handed to it, run
 * it; once it moves on, hand it to its next processor. Returns 1 if the
 * thread ran here.
 */
int
affinity_poll(struct cpu *c)
{
	uint64_t rsp = __atomic_load_n(&c->inbox, __ATOMIC_ACQUIRE);

	if (!rsp)
		return 0;
	c->inbox = 0;
	cpu_switch(&c->host_rsp, rsp);
	hand(thread.to, thread.rsp);
	return 1;
}

/*
 * Pool for the thread while it is on an AP: asked of the BSP's loop,
 * which allocates from the firmware and answers. Only the thread asks,
 * one request at a time.
 */
static struct {
	size_t bytes;
	void *p;
	int state;		/* atomic: ASKED, then ANSWERED */
} ask;

enum { IDLE, ASKED, ANSWERED };

void *
affinity_alloc(size_t bytes)
{
	void *p;

	if (!thread.on || thread.on != cpu_by_apic(&machine, cpu_apic_id()))
		return NULL;
	ask.bytes = bytes;
	__atomic_store_n(&ask.state, ASKED, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ask.state, __ATOMIC_ACQUIRE) != ANSWERED)
		cpu_pause();
	p = ask.p;
	__atomic_store_n(&ask.state, IDLE, __ATOMIC_RELAXED);
	return p;
}

static void
answer(void)
{
	if (__atomic_load_n(&ask.state, __ATOMIC_ACQUIRE) != ASKED)
		return;
	ask.p = pool_alloc(ask.bytes);
	__atomic_store_n(&ask.state, ANSWERED, __ATOMIC_RELEASE);
}

/* The BSP's loop while the thread is elsewhere; it never returns. */
static void
bsp_host(void)
{
	struct cpu *b = bsp();

	hand(thread.to, thread.rsp);
	for (;;) {
		affinity_poll(b);
		answer();
		ipi_poll(b);
		hal_ap_idle();
		con_drain();
		cpu_pause();
	}
}

/* The BSP's host context, made once, ready to enter bsp_host. */
static int
bsp_host_init(void)
{
	uint64_t *top;
	uint8_t *stack;

	_Static_assert(SWITCH_RET == (SWITCH_FRAME - 1) * 8, "offsets.h");
	if (bsp()->host_rsp)
		return 1;
	stack = pool_alloc(HOST_STACK);
	if (!stack)
		return 0;
	/* 16-byte aligned top, one pad word: bsp_host starts as if called
	 * (rsp = 8 mod 16). */
	top = (uint64_t *)(((uintptr_t)stack + HOST_STACK) & ~(uintptr_t)15);
	top -= SWITCH_FRAME + 1;
	__builtin_memset(top, 0, (SWITCH_FRAME + 1) * 8);
	top[SWITCH_RET / 8] = (uintptr_t)bsp_host;
	bsp()->host_rsp = (uintptr_t)top;
	return 1;
}

/*
 * The backend's migrate: the calling code (the thread) goes on on the
 * processor with NT index `index`. 0 if it cannot (no such processor,
 * or no memory for the BSP's host stack): it stays where it is.
 */
int
affinity_move(uint32_t index)
{
	struct cpu *from = cpu_by_apic(&machine, cpu_apic_id());
	struct cpu *to = cpu_by_index(&machine, index);

	if (!from || !to)
		return 0;
	if (from == to)
		return 1;
	if (from == bsp() && !bsp_host_init())
		return 0;
	thread.to = to;
	cpu_switch(&thread.rsp, from->host_rsp);
	thread.on = to == bsp() ? NULL : to;
	return 1;
}

/*
 * An AP that stops the machine (stop.c) parks. If it runs the thread,
 * it parks on its own stack, below its suspended loop: the BSP, which
 * reports the stop, goes back to the thread's stack (stop_jump), and the
 * parked processor's interrupts must not write there.
 */
void
affinity_park(struct cpu *c)
{
	if (c && c == thread.on)
		cpu_park_on(c->host_rsp - 256);
}
