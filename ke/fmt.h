/*
 * fmt.h: the core's bounded printf (fmt.c). Standalone, with no WDK or
 * UEFI types, so the firmware side can use it next to <efi.h>.
 */
#ifndef KE_FMT_H
#define KE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* The C library's dialect, for the simulator's own text (LP64: 'l' is
 * 64-bit). Conversions d i u o x X p c s %, flags '-' '0' '+' ' ' '#', a
 * width and a precision ('*' too), sizes hh h l ll z j t (fmt.c has the
 * whole list). Always terminated when size > 0; returns the length the
 * whole output would have had (like snprintf). */
int ke_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ke_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The Windows kernel's dialect, for DbgPrint (LLP64): 'l' is 32-bit like
 * ULONG; I64 and ll 64-bit, I pointer-sized; %wZ, %Z, %ws, %S, %wc, %C;
 * %p in upper case. Formats are not checked by GCC: it knows only the
 * C library's. */
int ke_vsnprintf_nt(char *buf, size_t size, const char *fmt, va_list ap);

#endif
