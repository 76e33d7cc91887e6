/*
 * rtl.c: counted strings (WDK: RtlInitUnicodeString, RtlInitAnsiString,
 * RtlEqualUnicodeString). Lengths are in bytes, as in Windows.
 */
#include "ki.h"

VOID RtlInitUnicodeString(PUNICODE_STRING Destination, PCWSTR Source)
{
	USHORT n = 0;

	if (Source)
		while (Source[n / sizeof(WCHAR)])
			n += sizeof(WCHAR);
	Destination->Buffer = (PWSTR)Source;
	Destination->Length = n;
	Destination->MaximumLength = Source ? n + sizeof(WCHAR) : 0;
}

/* ASCII folding only: the simulator's object names are ASCII. */
static WCHAR upcase(WCHAR c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1,
			      PCUNICODE_STRING String2,
			      BOOLEAN CaseInSensitive)
{
	USHORT i, n = String1->Length / sizeof(WCHAR);
	WCHAR a, b;

	if (String1->Length != String2->Length)
		return FALSE;
	for (i = 0; i < n; i++) {
		a = String1->Buffer[i];
		b = String2->Buffer[i];
		if (CaseInSensitive) {
			a = upcase(a);
			b = upcase(b);
		}
		if (a != b)
			return FALSE;
	}
	return TRUE;
}

/* WDK: Length without the terminator, MaximumLength with it. */
VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
	USHORT n = 0;

	if (SourceString)
		while (SourceString[n])
			n++;
	DestinationString->Buffer = (PCHAR)SourceString;
	DestinationString->Length = n;
	DestinationString->MaximumLength = SourceString ? n + 1 : 0;
}
