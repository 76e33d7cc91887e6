/* trace.h: what the simulator prints of the core's events (trace.c). */
#ifndef EFI_TRACE_H
#define EFI_TRACE_H

#include <ke.h>

extern const struct ke_sink trace_sink;

#endif
