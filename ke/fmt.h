/*
 * fmt.h: the core's bounded printf (fmt.c). Standalone, with no WDK or
 * UEFI types, so the firmware side can use it next to <efi.h>.
 */
#ifndef KE_FMT_H
#define KE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Conversions d i u x X p c s %, flags '-' and '0', a width, and the
 * length modifiers l, ll and z. Always terminated when size > 0; returns
 * the length the whole output would have had (like snprintf). */
int ke_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ke_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
