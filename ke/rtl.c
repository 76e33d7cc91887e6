/*
 * rtl.c: counted strings (WDK: RtlInitUnicodeString, RtlInitAnsiString,
 * RtlEqualUnicodeString). Lengths are in bytes, as in Windows.
 */
#include "ki.h"

/*
 * The length is counted in a SIZE_T: a string too long for a USHORT is
 * cut, never counted round for ever. WDK (RtlInitAnsiString,
 * WdmlibRtlInitUnicodeStringEx): beyond the limit, Length is the limit
 * less one character, MaximumLength the limit (0xFFFF bytes for 8-bit
 * strings, 0xFFFE for 16-bit ones, UNICODE_STRING_MAX_BYTES).
 */
static USHORT cut_length(SIZE_T bytes, SIZE_T limit, SIZE_T unit)
{
	return (USHORT)(bytes < limit ? bytes : limit - unit);
}

VOID RtlInitUnicodeString(PUNICODE_STRING Destination, PCWSTR Source)
{
	SIZE_T n = 0;

	if (Source)
		while (Source[n] && n < 0x7fff)
			n++;
	Destination->Buffer = (PWSTR)Source;
	Destination->Length = cut_length(n * sizeof(WCHAR), 0xfffe,
				      sizeof(WCHAR));
	Destination->MaximumLength = Source ? Destination->Length +
					      sizeof(WCHAR) : 0;
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
	SIZE_T n = 0;

	if (SourceString)
		while (SourceString[n] && n < 0xffff)
			n++;
	DestinationString->Buffer = (PCHAR)SourceString;
	DestinationString->Length = cut_length(n, 0xffff, 1);
	DestinationString->MaximumLength = SourceString ?
		DestinationString->Length + 1 : 0;
}
