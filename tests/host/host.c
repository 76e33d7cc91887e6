/*
 * host.c: the host backend. Each processor thread runs
 * KiInitializeDynamicProcessor, reports online and then loops on a
 * shared mailbox for the core's posts (KeIpiGenericCall), as the EFI
 * side's APs do. A hung processor (HOST_TIMEOUT) never reports: the
 * BSP's timed wait expires and the thread is reset (told to exit and
 * joined). Only for that injected hang is the wait short, so tests stay
 * fast; every real start may take up to START_WAIT_MS.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"

#define START_WAIT_MS 30000
#define HANG_WAIT_MS 5
#define STACK_BYTES (512 * 1024)
#define POISON 0xa5		/* fresh memory is never zero */

enum cpu_state { CPU_OFF, CPU_STARTING, CPU_ONLINE, CPU_FAILED };

struct cpu {
	pthread_t thread;
	ULONG index;
	enum host_fault fault;
	enum cpu_state state;
	BOOLEAN stop;
	BOOLEAN deaf;		/* ignores the mailbox */
	BOOLEAN busy;		/* inside a posted call */
	BOOLEAN kicked;		/* has DPCs to run */
	BOOLEAN hosting;	/* the migrated thread runs as it: park */
	ULONG seen;		/* last post looked at */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct cpu cpus[HOST_MAX];
static enum host_fault faults[HOST_MAX];
static ULONG nslots, bsp_slot;
static __thread ULONG self, self_slot;

/* The mailbox: generation, what to call, who takes part. */
static ULONG bc_gen, bc_count, bc_from;
static VOID (*bc_entry)(ULONG_PTR);
static ULONG_PTR bc_arg;

static LONG allocs, fail_allocs;
static ULONG starts;

static VOID set_state(struct cpu *c, enum cpu_state s)
{
	pthread_mutex_lock(&mu);
	c->state = s;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static enum cpu_state state_of(struct cpu *c)
{
	enum cpu_state s;

	pthread_mutex_lock(&mu);
	s = c->state;
	pthread_mutex_unlock(&mu);
	return s;
}

static VOID run_loop(struct cpu *c)
{
	VOID (*entry)(ULONG_PTR);
	ULONG_PTR arg;

	pthread_mutex_lock(&mu);
	for (;;) {
		while (!c->stop && (c->hosting || (!c->kicked &&
		       (c->deaf || c->seen == bc_gen))))
			pthread_cond_wait(&cv, &mu);
		if (c->stop)
			break;
		if (c->kicked) {
			c->kicked = FALSE;
			c->busy = TRUE;
			pthread_mutex_unlock(&mu);
			ke_run_dpcs();
			pthread_mutex_lock(&mu);
			c->busy = FALSE;
			pthread_cond_broadcast(&cv);
			continue;
		}
		c->seen = bc_gen;
		pthread_cond_broadcast(&cv);	/* host_deaf waits for it */
		if (c->index >= bc_count || c->index == bc_from)
			continue;
		entry = bc_entry;
		arg = bc_arg;
		c->busy = TRUE;
		pthread_mutex_unlock(&mu);
		entry(arg);
		pthread_mutex_lock(&mu);
		c->busy = FALSE;
		pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&mu);
}

static VOID hang(struct cpu *c)
{
	pthread_mutex_lock(&mu);
	while (!c->stop)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void *cpu_main(void *arg)
{
	struct cpu *c = arg;

	self = c->index;
	self_slot = (ULONG)(c - cpus);
	switch (c->fault) {
	case HOST_TIMEOUT:
		hang(c);
		break;
	case HOST_FAIL:
		set_state(c, CPU_FAILED);
		break;
	case HOST_NO_INIT:
		set_state(c, CPU_ONLINE);
		break;
	case HOST_OK:
		KiInitializeDynamicProcessor(c->index);
		set_state(c, CPU_ONLINE);
		run_loop(c);
		break;
	}
	return NULL;
}

static VOID spawn(struct cpu *c, ULONG index, enum host_fault f)
{
	pthread_attr_t attr;

	pthread_mutex_lock(&mu);	/* host_kick reads them */
	c->index = index;
	c->fault = f;
	c->stop = FALSE;
	c->deaf = FALSE;
	c->kicked = FALSE;
	c->hosting = FALSE;
	c->state = CPU_STARTING;
	c->seen = bc_gen;
	pthread_mutex_unlock(&mu);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	if (pthread_create(&c->thread, &attr, cpu_main, c)) {
		perror("pthread_create");
		abort();
	}
	pthread_attr_destroy(&attr);
}

static VOID reap(struct cpu *c)
{
	pthread_mutex_lock(&mu);
	c->stop = TRUE;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(c->thread, NULL);
	set_state(c, CPU_OFF);
}

static enum cpu_state wait_started(struct cpu *c, int ms)
{
	struct timespec t;
	enum cpu_state s;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mu);
	while (c->state == CPU_STARTING &&
	       pthread_cond_timedwait(&cv, &mu, &t) != ETIMEDOUT)
		;
	s = c->state;
	pthread_mutex_unlock(&mu);
	return s;
}

static NTSTATUS host_start(ULONG slot, ULONG index)
{
	struct cpu *c = &cpus[slot];
	enum host_fault f;
	enum cpu_state s;

	__atomic_add_fetch(&starts, 1, __ATOMIC_RELAXED);
	if (slot == bsp_slot || slot >= nslots || state_of(c) != CPU_OFF)
		return STATUS_UNSUCCESSFUL;
	f = faults[slot];
	faults[slot] = HOST_OK;
	spawn(c, index, f);
	s = wait_started(c, f == HOST_TIMEOUT ? HANG_WAIT_MS : START_WAIT_MS);
	if (s == CPU_ONLINE && f == HOST_OK)
		return STATUS_SUCCESS;
	reap(c);
	if (s == CPU_ONLINE)
		return STATUS_SUCCESS;	/* HOST_NO_INIT: the lie */
	return s == CPU_FAILED ? STATUS_UNSUCCESSFUL : STATUS_IO_TIMEOUT;
}

/* Every processor thread below count but the caller takes it, once. */
static VOID host_post(ULONG count, VOID (*entry)(ULONG_PTR), ULONG_PTR arg)
{
	pthread_mutex_lock(&mu);
	bc_entry = entry;
	bc_arg = arg;
	bc_count = count;
	bc_from = self;
	bc_gen++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static ULONG host_current(VOID)
{
	return self;
}

static PVOID host_alloc(SIZE_T bytes)
{
	PVOID p;

	if (__atomic_load_n(&fail_allocs, __ATOMIC_RELAXED) > 0 &&
	    __atomic_sub_fetch(&fail_allocs, 1, __ATOMIC_RELAXED) >= 0)
		return NULL;
	p = malloc(bytes);
	if (!p)
		return NULL;
	memset(p, POISON, bytes);
	__atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
	return p;
}

static VOID host_free(PVOID p)
{
	__atomic_sub_fetch(&allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

static ULONG64 host_clock_us(VOID)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (ULONG64)t.tv_sec * 1000000 + (ULONG64)t.tv_nsec / 1000;
}

/* Many more threads than cores: a waiter gives its core away. */
static VOID host_relax(VOID)
{
	sched_yield();
}

/* The processor thread running as index, if any, wakes and runs its
 * DPCs (a deaf one too: DPCs are not posts). */
static VOID host_kick(ULONG index)
{
	ULONG i;

	pthread_mutex_lock(&mu);
	for (i = 0; i < nslots; i++)
		if (i != bsp_slot && cpus[i].index == index &&
		    cpus[i].state == CPU_ONLINE)
			cpus[i].kicked = TRUE;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* The processor thread running as index (not the BSP, which has none),
 * or NULL. Under mu. */
static struct cpu *running_as(ULONG index)
{
	ULONG i;

	for (i = 0; i < nslots; i++)
		if (i != bsp_slot && cpus[i].index == index &&
		    cpus[i].state == CPU_ONLINE)
			return &cpus[i];
	return NULL;
}

/*
 * The calling thread goes on as processor index: that processor's own
 * thread parks (once out of what it is running) until the caller moves
 * on, and the one it leaves resumes. The BSP has no thread of its own:
 * while the caller is elsewhere, nothing runs as the BSP.
 */
static BOOLEAN host_migrate(ULONG index)
{
	struct cpu *to, *from;

	pthread_mutex_lock(&mu);
	to = running_as(index);
	from = running_as(self);
	if (index != 0 && !to) {
		pthread_mutex_unlock(&mu);
		return FALSE;
	}
	if (from)
		from->hosting = FALSE;
	if (to) {
		to->hosting = TRUE;
		pthread_cond_broadcast(&cv);
		while (to->busy)
			pthread_cond_wait(&cv, &mu);
	}
	self = index;
	self_slot = to ? (ULONG)(to - cpus) : bsp_slot;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return TRUE;
}

const struct ke_backend host_backend = {
	.start = host_start,
	.post = host_post,
	.current = host_current,
	.alloc = host_alloc,
	.free = host_free,
	.clock_us = host_clock_us,
	.relax = host_relax,
	.kick = host_kick,
	.migrate = host_migrate,
};

VOID host_init(const struct ke_processor *p, ULONG count)
{
	ULONG i, index = 0;

	nslots = 0;
	for (i = 0; i < count; i++)
		if (p[i].slot >= nslots)
			nslots = p[i].slot + 1;
	if (nslots > HOST_MAX) {
		fprintf(stderr, "host: slot %u past %u\n", nslots - 1,
			HOST_MAX);
		abort();
	}
	allocs = fail_allocs = 0;
	starts = 0;
	for (i = 0; i < nslots; i++)
		faults[i] = HOST_OK;
	for (i = 0; i < count; i++) {
		if (!p[i].active)
			continue;
		if (index == 0) {	/* the calling thread */
			bsp_slot = self_slot = p[i].slot;
			self = index++;
			continue;
		}
		spawn(&cpus[p[i].slot], index++, HOST_OK);
		if (wait_started(&cpus[p[i].slot], START_WAIT_MS) != CPU_ONLINE)
			abort();
	}
}

VOID host_fini(VOID)
{
	ULONG i;

	for (i = 0; i < nslots; i++)
		if (i != bsp_slot && state_of(&cpus[i]) != CPU_OFF)
			reap(&cpus[i]);
}

VOID host_fault(ULONG slot, enum host_fault f)
{
	faults[slot] = f;
}

/* Deaf: the processor's loop leaves the mailbox alone. Hearing again,
 * it has taken the last post, and returned from it, before this
 * returns. */
VOID host_deaf(ULONG slot, BOOLEAN deaf)
{
	struct cpu *c = &cpus[slot];

	pthread_mutex_lock(&mu);
	c->deaf = deaf;
	pthread_cond_broadcast(&cv);
	while (!deaf && c->state == CPU_ONLINE &&
	       (c->seen != bc_gen || c->busy))
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

VOID host_fail_allocs(LONG n)
{
	__atomic_store_n(&fail_allocs, n, __ATOMIC_RELAXED);
}

LONG host_allocs(VOID)
{
	return __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

ULONG host_starts(VOID)
{
	return __atomic_load_n(&starts, __ATOMIC_RELAXED);
}

VOID host_bind(ULONG index)
{
	self = index;
}

ULONG host_slot(VOID)
{
	return self_slot;
}
