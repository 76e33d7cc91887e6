/*
 * con.h: console output on the BSP. Text goes to the firmware's ConOut,
 * which OVMF (and most boards with a serial console) mirror to the serial
 * port. Only the BSP may call these: UEFI services are not reentrant and
 * not callable from APs.
 */
#ifndef EFI_CON_H
#define EFI_CON_H

#include <efi.h>

extern int con_tracing;		/* print the @ lines */

void con_init(EFI_SYSTEM_TABLE *st);
void con_write(const char *s);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One machine-readable line ("@" is prepended), only when tracing. */
void con_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One error line, and "@error ..." when tracing. */
void con_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
