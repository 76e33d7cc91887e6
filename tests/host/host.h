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

/* Slots 0..max-1; slots 1..active-1 run at once as indices 1..active-1. */
VOID host_init(ULONG max, ULONG active);
/* Stops and joins every processor thread. */
VOID host_fini(VOID);
/* The next start of slot fails this way. */
VOID host_fault(ULONG slot, enum host_fault f);
/* The next n allocations fail. */
VOID host_fail_allocs(LONG n);
/* Blocks allocated through the backend and not freed. */
LONG host_allocs(VOID);
/* Starts made (attempts that reached the backend). */
ULONG host_starts(VOID);
/* The calling thread acts as running on processor `index` (a test thread
 * that calls into the core "from another processor"). */
VOID host_bind(ULONG index);

#endif
