/*
 * drvopt.h: reading numeric load options, for the drivers in this folder.
 *
 * Header-only on purpose: every driver is compiled on its own and the
 * build keeps only DriverEntry global, so static inline helpers here become
 * private copies in each driver that includes them.
 */
#ifndef DRIVERS_DRVOPT_H
#define DRIVERS_DRVOPT_H

#include <wdm.h>
#include <hotadd.h>

/* Longer values cannot be numbers anyway; HotaddGetOption treats a value
 * that does not fit like a missing one. */
#define OPTION_CHARS 64

/* Decimal, or hexadecimal after 0x; the whole string, at most 32 bits. */
static inline BOOLEAN OptParseUlong(PCSTR Text, PULONG Value)
{
	ULONG64 v = 0;
	ULONG base = 10, digit;
	PCSTR p = Text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (*p == 0)
		return FALSE;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = (ULONG)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (ULONG)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = (ULONG)(*p - 'A' + 10);
		else
			return FALSE;
		v = v * base + digit;
		if (v > 0xffffffffULL)
			return FALSE;
	}
	*Value = (ULONG)v;
	return TRUE;
}

/* The one line every rejected option produces before DriverEntry fails
 * with STATUS_INVALID_PARAMETER. */
static inline NTSTATUS OptBad(PCSTR Key, PCSTR Value, PCSTR Want)
{
	DbgPrint("bad option %s=%s: want %s\n", Key, Value, Want);
	return STATUS_INVALID_PARAMETER;
}

/* Key as a number no larger than Max; Default when the option is absent. */
static inline NTSTATUS OptUlong(PDRIVER_OBJECT DriverObject, PCSTR Key,
			 ULONG Default, ULONG Max, PCSTR Want, PULONG Value)
{
	CHAR text[OPTION_CHARS];

	*Value = Default;
	if (!HotaddGetOption(DriverObject, Key, text, sizeof(text)))
		return STATUS_SUCCESS;
	if (!OptParseUlong(text, Value) || *Value > Max)
		return OptBad(Key, text, Want);
	return STATUS_SUCCESS;
}

#endif
