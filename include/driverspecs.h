/*
 * driverspecs.h: the annotations of driver code, on top of SAL (sal.h),
 * as the WDK's driverspecs.h spells them. Like SAL they only guide the
 * Microsoft code analyzer: every one is empty here. Names from the
 * driver pages "IRQL annotations for drivers", "Annotating function
 * behavior", "Annotating function types", "Annotating locks" and
 * "Declaring functions by using function role types" (_Dispatch_type_),
 * and the older __drv_ forms drivers written for earlier WDKs still use.
 */
#ifndef _DRIVERSPECS_H_
#define _DRIVERSPECS_H_

#include <sal.h>

/* IRQL. */
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_requires_(irql)
#define _IRQL_requires_same_
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_min_(value)
#define _IRQL_always_function_max_(value)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_

/* Function roles, kinds and behaviour. */
#define _Function_class_(name)
#define _Dispatch_type_(type)
#define _Kernel_clear_do_init_(yes_no)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Kernel_IoGetDmaAdapter_

/* The WDK 7 forms. */
#define __drv_dispatchType(type)
#define __drv_dispatchType_other
#define __drv_functionClass(name)
#define __drv_maxIRQL(irql)
#define __drv_minIRQL(irql)
#define __drv_requiresIRQL(irql)
#define __drv_raisesIRQL(irql)
#define __drv_setsIRQL(irql)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(kind, param)
#define __drv_restoresIRQLGlobal(kind, param)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_isCancelIRQL
#define __drv_aliasesMem
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_acquiresResource(kind)
#define __drv_releasesResource(kind)
#define __drv_mustHold(kind)
#define __drv_neverHold(kind)
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_floatUsed
#define __drv_when(cond, anno)
#define __drv_at(expr, anno)
#define __drv_arg(expr, anno)
#define __drv_in(anno)
#define __drv_out(anno)
#define __drv_valueIs(values)
#define __drv_strictType(type, mode)
#define __drv_strictTypeMatch(mode)
#define __drv_preferredFunction(func, why)
#define __drv_reportError(why)

#endif
