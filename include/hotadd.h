/*
 * hotadd.h: simulator extensions for drivers.
 *
 * None of this exists in the Windows Driver Kit. It gives a driver that
 * runs in the simulator three things a real machine provides by other
 * means: the load-time options it was started with (Windows would use
 * the registry path handed to DriverEntry), code that keeps running on
 * every processor (Windows would use threads or DPCs), and a way to
 * answer the simulator's `stats` command. The names follow the WDK's
 * style so a driver reads the same throughout.
 *
 * A driver that should also build for Windows keeps these calls behind
 * its own #ifdef.
 */
#ifndef _HOTADD_H_
#define _HOTADD_H_

#include <wdm.h>

/*
 * Load-time options.
 *
 * A driver is loaded with a line of "key=value" words separated by
 * blanks, e.g. "status=0xC0000001 nt=2". HotaddGetOption copies the
 * value of Key into Buffer, NUL-terminated, and returns TRUE. It returns
 * FALSE, leaving Buffer an empty string when BufferSize > 0, if:
 *   - Key is not among the words (keys are case-sensitive and match the
 *     whole part before '=': "nt" does not match "ntx=1"),
 *   - the value with its terminator does not fit in BufferSize bytes,
 *   - an argument is NULL, Key is empty, or BufferSize is 0.
 * A word without '=' is a key with an empty value ("verbose" gives "").
 * When a key appears more than once, the last one counts (later words
 * override earlier ones, as on the simulator's command line).
 *
 * Callable at any time while the driver is loaded, on the BSP.
 */
BOOLEAN HotaddGetOption(PDRIVER_OBJECT DriverObject, PCSTR Key,
			PCHAR Buffer, ULONG BufferSize);

/*
 * Per-processor workloads.
 *
 * While a driver's workload is started, every active processor (the BSP
 * included) calls it again and again from its idle loop, each on its
 * own processor: KeGetCurrentProcessorNumberEx tells the workload where
 * it runs. Calls on different processors overlap; calls on one
 * processor never do. A processor joins in once it is in the active set,
 * which happens before the Complete notification of its add (see the
 * WDK page of KeRegisterProcessorChangeCallback): a workload must not
 * assume that the driver has seen Complete for the processor it runs on.
 *
 * A workload runs on application processors, where the firmware may not
 * be called: it must not allocate or free pool, print (DbgPrint), or
 * (de)register callbacks. It should return quickly (the processor polls
 * its mailbox between calls) and must not wait for anything the caller
 * of HotaddStopWorkload may hold.
 *
 * One workload per driver. HotaddStartWorkload returns
 * STATUS_INVALID_PARAMETER for a NULL function, a driver that is not
 * loaded, or a driver whose workload already runs, and
 * STATUS_INSUFFICIENT_RESOURCES when every one of the simulator's
 * workload slots is taken.
 *
 * HotaddStopWorkload returns only when no processor is inside the
 * workload any more, so the driver may then free what the workload uses.
 * Called from inside the workload itself, it stops further calls and
 * returns at once (waiting there could never end): other processors may
 * still be inside, and the driver cannot start a workload again until it
 * calls HotaddStopWorkload once more from outside (or unloads). Stopping
 * a driver with no workload does nothing. A driver that unloads with its
 * workload still running is reported by the verifier (rule
 * "workload-at-unload") and the workload is stopped for it, after its
 * Unload routine has returned.
 */
typedef VOID HOTADD_WORKLOAD(PVOID Context);
typedef HOTADD_WORKLOAD *PHOTADD_WORKLOAD;

NTSTATUS HotaddStartWorkload(PDRIVER_OBJECT DriverObject,
			     PHOTADD_WORKLOAD Workload, PVOID Context);
VOID HotaddStopWorkload(PDRIVER_OBJECT DriverObject);

/*
 * Statistics: the simulator's `stats` command calls the routine on the
 * BSP, with the driver as the current driver, for every loaded driver
 * that set one; the routine prints with DbgPrint. A NULL Stats removes
 * it. The routine is forgotten when the driver unloads.
 */
typedef VOID HOTADD_STATS(PVOID Context);
typedef HOTADD_STATS *PHOTADD_STATS;

VOID HotaddSetStats(PDRIVER_OBJECT DriverObject, PHOTADD_STATS Stats,
		    PVOID Context);

#endif
