/* trace.h: what the simulator prints of the core's events (trace.c). */
#ifndef EFI_TRACE_H
#define EFI_TRACE_H

/* No <ke.h> here: firmware-side files include this too. */
struct ke_sink;
extern const struct ke_sink trace_sink;

struct cpu;
/* @online for a processor that said online (boot or add). */
void trace_online(const struct cpu *c);

#endif
