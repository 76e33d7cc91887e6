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
