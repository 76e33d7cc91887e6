/* ntddk.h: as in the WDK, a superset of wdm.h; here nothing more. */
#ifndef _NTDDK_
#define _NTDDK_
#include <wdm.h>
#endif
