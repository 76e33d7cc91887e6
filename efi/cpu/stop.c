/*
 * stop.c: the machine stops at a bugcheck (KeBugCheckEx, or an exception
 * nothing handles). Windows freezes every processor and writes a dump;
 * the simulator prints the stop code, its four parameters, the driver
 * that was running and the processor, then takes the machine out of use:
 * no driver code runs any more, and commands that would change the
 * machine are refused (cmd.c), while the state can still be looked at
 * and saved. With --batch main.c powers off after saving the transcript.
 *
 * An AP cannot print: it records the stop and parks; the BSP reports it
 * at its next wait (stop_poll: the core's waits, the prompt, sleep).
 */
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "str.h"
#include "x86.h"

enum { RUNNING, RECORDING, RECORDED, REPORTED };

static struct {
	uint32_t code;
	uintptr_t param[4];
	char driver[32];
	uint32_t nt, mp;
} stop;
static uint32_t phase;		/* atomic */
void *stop_jump[5];

uint32_t
stop_code(void)
{
	return __atomic_load_n(&phase, __ATOMIC_ACQUIRE) >= RECORDED ?
	       stop.code : 0;
}

static const char *
code_name(uint32_t code)
{
	switch (code) {
	case 0x7e:
		return "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED";
	case 0xe2:
		return "MANUALLY_INITIATED_CRASH";
	default:
		return "";
	}
}

static void
report(void)
{
	__atomic_store_n(&phase, REPORTED, __ATOMIC_RELEASE);
	con_drain();
	con_printf("\n*** STOP: 0x%08X (0x%016lx,0x%016lx,0x%016lx,0x%016lx)"
		   "\n*** %s\n", stop.code, (unsigned long)stop.param[0],
		   (unsigned long)stop.param[1], (unsigned long)stop.param[2],
		   (unsigned long)stop.param[3], code_name(stop.code));
	con_printf("*** driver %s, on processor nt %u (mp %u); the machine is "
		   "stopped\n", stop.driver, stop.nt, stop.mp);
	con_trace("bugcheck code=0x%08x p1=0x%lx p2=0x%lx p3=0x%lx p4=0x%lx "
		  "drv=%s nt=%u mp=%u", stop.code, (unsigned long)stop.param[0],
		  (unsigned long)stop.param[1], (unsigned long)stop.param[2],
		  (unsigned long)stop.param[3], stop.driver, stop.nt, stop.mp);
	__builtin_longjmp(stop_jump, 1);
}

static int
on_bsp(const struct cpu *c)
{
	return c && c->state == CPU_BSP;
}

void
stop_poll(void)
{
	uint32_t expected = RECORDED;

	if (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != RECORDED ||
	    !on_bsp(cpu_by_apic(&machine, cpu_apic_id())))
		return;
	if (__atomic_compare_exchange_n(&phase, &expected, REPORTED, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		report();
}

static void __attribute__((noreturn))
park(void)
{
	affinity_park(cpu_by_apic(&machine, cpu_apic_id()));
	for (;;)
		cpu_wait_interrupt();
}

void
stop_machine(const char *driver, uint32_t code, const uintptr_t p[4])
{
	struct cpu *c = cpu_by_apic(&machine, cpu_apic_id());
	uint32_t expected = RUNNING;
	int i;

	if (!__atomic_compare_exchange_n(&phase, &expected, RECORDING, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* stopped already: the BSP goes back to where it waits */
		if (on_bsp(c))
			__builtin_longjmp(stop_jump, 1);
		park();
	}
	stop.code = code;
	for (i = 0; i < 4; i++)
		stop.param[i] = p[i];
	str_copy(stop.driver, driver, sizeof stop.driver);
	stop.nt = c ? c->index : NO_INDEX;
	stop.mp = c ? c->mp : NO_INDEX;
	__atomic_store_n(&phase, RECORDED, __ATOMIC_RELEASE);
	if (!on_bsp(c))
		park();
	stop_poll();
	park();		/* not reached: stop_poll reports on the BSP */
}
