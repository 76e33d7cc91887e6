/*
 * host.h: a threaded host backend for the core. Every simulated
 * processor but the BSP is a thread; the calling (test) thread is the
 * BSP, index 0. Faults can be injected per slot and per allocation.
 */
#ifndef TESTS_HOST_HOST_H
#define TESTS_HOST_HOST_H

#include "ke.h"

#define HOST_MAX 512

enum host_fault {
	HOST_OK,
	HOST_TIMEOUT,	/* the processor hangs: start returns STATUS_IO_TIMEOUT */
	HOST_FAIL,	/* the processor reports failure: STATUS_UNSUCCESSFUL */
	HOST_NO_INIT,	/* reports online without KiInitializeDynamicProcessor */
};

extern const struct ke_backend host_backend;

/* The processors of the table; the active ones run at once, with the NT
 * indices the core gives them (table order), the calling thread being
 * the first, index 0. */
VOID host_init(const struct ke_processor *p, ULONG count);
/* Stops and joins every processor thread. */
VOID host_fini(VOID);
/* The next start of slot fails this way. */
VOID host_fault(ULONG slot, enum host_fault f);
/* Slot's processor ignores posts (KeIpiGenericCall) while deaf. */
VOID host_deaf(ULONG slot, BOOLEAN deaf);
/* The next n allocations fail. */
VOID host_fail_allocs(LONG n);
/* Blocks allocated through the backend and not freed. */
LONG host_allocs(VOID);
/* Starts made (attempts that reached the backend). */
ULONG host_starts(VOID);
/* The calling thread acts as running on processor `index` (a test thread
 * that calls into the core "from another processor"). */
VOID host_bind(ULONG index);
/* The slot of the thread that calls: the backend's own idea of which
 * processor runs, kept apart from the NT index the core gave it. */
ULONG host_slot(VOID);

#endif
