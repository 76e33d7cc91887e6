/*
 * dbg.c: DbgPrint, DbgPrintEx, vDbgPrintEx. The text is formatted here,
 * with the Windows kernel's formats (ke_vsnprintf_nt: %lu is a ULONG,
 * %wZ a UNICODE_STRING), and handed to the simulator (sink->dbg), which
 * prints it and traces it as "@dbg drv=<name> <text>". Unlike Windows
 * there is no per-component filter: every level is shown, so a driver's
 * output is never lost.
 */
#include "ki.h"

#define DBG_MAX 256

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format,
		  va_list arglist)
{
	char text[DBG_MAX];
	int n;

	(VOID)ComponentId;
	(VOID)Level;
	n = ke_vsnprintf_nt(text, sizeof(text), Format, arglist);
	if (n >= DBG_MAX)
		n = DBG_MAX - 1;
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = 0;
	if (ki.sink && ki.sink->dbg)
		ki.sink->dbg(ki_print_driver(), text);
	return STATUS_SUCCESS;
}

ULONG DbgPrint(PCSTR Format, ...)
{
	va_list ap;
	ULONG st;

	va_start(ap, Format);
	st = vDbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_ERROR_LEVEL, Format, ap);
	va_end(ap);
	return st;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
	va_list ap;
	ULONG st;

	va_start(ap, Format);
	st = vDbgPrintEx(ComponentId, Level, Format, ap);
	va_end(ap);
	return st;
}
