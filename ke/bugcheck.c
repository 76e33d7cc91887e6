/*
 * bugcheck.c: KeBugCheckEx. Windows stops every processor and writes a
 * dump; the simulator hands the stop code, its four parameters and the
 * driver that was running to the sink, which reports it and takes the
 * machine out of use (the firmware side), or unwinds a test (the host).
 */
#include "ki.h"

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
		  ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
		  ULONG_PTR BugCheckParameter4)
{
	if (ki.sink && ki.sink->bugcheck)
		ki.sink->bugcheck(ki_print_driver(), BugCheckCode,
				  BugCheckParameter1, BugCheckParameter2,
				  BugCheckParameter3, BugCheckParameter4);
	for (;;)		/* a sink must not return: if it does, stay */
		ki.be->relax();
}

/*
 * ASSERT and NT_ASSERT (wdm.h) land here when the expression is false.
 * Windows raises STATUS_ASSERTION_FAILURE, which with no debugger
 * attached no one handles: KMODE_EXCEPTION_NOT_HANDLED with that code
 * and the address it was raised at ("Bug Check 0x1E").
 */
#define KMODE_EXCEPTION_NOT_HANDLED 0x1E

VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
	       ULONG LineNumber, PSTR MutableMessage)
{
	DbgPrint("Assertion failure: %s%s%s, %s:%u",
		 MutableMessage ? MutableMessage : "",
		 MutableMessage ? ": " : "", (PCSTR)VoidFailedAssertion,
		 (PCSTR)VoidFileName, LineNumber);
	KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED,
		     (ULONG_PTR)STATUS_ASSERTION_FAILURE,
		     (ULONG_PTR)__builtin_return_address(0), 0, 0);
}
