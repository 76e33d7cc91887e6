/* ntddk.h: as in the WDK, a superset of wdm.h. */
#ifndef _NTDDK_
#define _NTDDK_
#include <wdm.h>

/* WDK: in group 0 the number in the group; elsewhere a number below
 * group 0's active count, for drivers that know no groups. */
NTKERNELAPI ULONG KeGetCurrentProcessorNumber(VOID);
#endif
