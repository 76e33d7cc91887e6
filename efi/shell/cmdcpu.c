/*
 * cmdcpu.c: the processor commands: cpus, add, fault, ipi, stats.
 */
#include <ke.h>
#include "cmd.h"
#include "con.h"
#include "cpu.h"
#include "hal.h"
#include "str.h"
#include "trace.h"

/* "next" (the first held processor) or an MP number that is held. */
static struct cpu *
held_cpu(const char *cmd, const char *arg)
{
	uint64_t n;
	uint32_t i;

	if (str_eq(arg, "next")) {
		for (i = 0; i < machine.nslot; i++)
			if (machine.cpu[i].state == CPU_HELD)
				return &machine.cpu[i];
		con_error("%s: no processor is held", cmd);
		return NULL;
	}
	if (!str_to_u64(arg, MAX_CPUS, &n) || n >= machine.nslot) {
		con_error("%s: '%s' is not next, all or an MP number from 0 "
			  "to %u", cmd, arg, machine.nslot - 1);
		return NULL;
	}
	if (machine.cpu[n].state != CPU_HELD) {
		con_error("%s: mp %u is %s, not held", cmd, (unsigned)n,
			  cpu_state_name(machine.cpu[n].state));
		return NULL;
	}
	return &machine.cpu[n];
}

int
cmd_cpus(int argc, char **argv)
{
	ULONG active = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
	ULONG max = KeQueryMaximumProcessorCountEx(ALL_PROCESSOR_GROUPS);

	(void)argc, (void)argv;
	cpus_print(&machine);
	con_printf("%u of %u processors active, in %u of %u groups\n", active,
		   max, KeQueryActiveGroupCount(), KeQueryMaximumGroupCount());
	con_trace("count active=%u max=%u groups=%u", active, max,
		  KeQueryActiveGroupCount());
	return CMD_OK;
}

int
cmd_add(int argc, char **argv)
{
	struct cpu *c;
	uint32_t i, held = 0, done = 0;
	int r = CMD_OK;

	(void)argc;
	if (!str_eq(argv[1], "all")) {
		c = held_cpu("add", argv[1]);
		return c && hal_add(c) ? CMD_OK : CMD_ERROR;
	}
	for (i = 0; i < machine.nslot; i++)
		held += machine.cpu[i].state == CPU_HELD;
	if (!held) {
		con_error("add: no processor is held");
		return CMD_ERROR;
	}
	/* Those held now; one that fails is not retried here. */
	for (i = 0; i < machine.nslot && done < held; i++)
		if (machine.cpu[i].state == CPU_HELD) {
			if (!hal_add(&machine.cpu[i]))
				r = CMD_ERROR;
			con_progress("add", ++done, held);
		}
	return r;
}

int
cmd_fault(int argc, char **argv)
{
	uint32_t kind;
	struct cpu *c;
	static const char *const what[] = {
		[FAULT_TIMEOUT] = "time out",
		[FAULT_ERROR] = "fail",
		[FAULT_APIC] = "read a wrong APIC id",
	};

	(void)argc;
	if (str_eq(argv[1], "timeout")) {
		kind = FAULT_TIMEOUT;
	} else if (str_eq(argv[1], "error")) {
		kind = FAULT_ERROR;
	} else if (str_eq(argv[1], "apic")) {
		kind = FAULT_APIC;
	} else {
		con_error("fault: expected timeout, error or apic, not '%s'",
			  argv[1]);
		return CMD_ERROR;
	}
	c = held_cpu("fault", argv[2]);
	if (c == NULL)
		return CMD_ERROR;
	c->fault_next = kind;
	con_printf("the next start of mp %u will %s\n", c->mp, what[kind]);
	return CMD_OK;
}

/* Each processor that runs the call sets its bit. */
static ULONG_PTR
ipi_worker(ULONG_PTR arg)
{
	volatile ULONG64 *ran = (volatile ULONG64 *)arg;
	PROCESSOR_NUMBER pn;
	ULONG i;

	KeGetCurrentProcessorNumberEx(&pn);
	i = KeGetProcessorIndexFromNumber(&pn);
	if (i < MAX_CPUS)
		__atomic_fetch_or(&ran[i / 64], 1ull << (i % 64),
				  __ATOMIC_RELAXED);
	return 0;
}

int
cmd_ipi(int argc, char **argv)
{
	static ULONG64 ran[MAX_CPUS / 64];
	char list[512];
	size_t len = 0;
	ULONG i, count = 0;

	(void)argc, (void)argv;
	__builtin_memset(ran, 0, sizeof ran);
	KeIpiGenericCall(ipi_worker, (ULONG_PTR)ran);
	list[0] = 0;
	for (i = 0; i < MAX_CPUS; i++)
		if (ran[i / 64] >> (i % 64) & 1) {
			count++;
			if (len < sizeof list - 8)
				len += ke_snprintf(list + len, sizeof list - len,
						   "%s%u", len ? "," : "", i);
		}
	con_printf("KeIpiGenericCall ran on %u of %u active processors: %s\n",
		   count, KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS),
		   list);
	con_trace("ipi count=%u ran=%s", count, list);
	return CMD_OK;
}

int
cmd_stats(int argc, char **argv)
{
	struct cpu *c;
	uint64_t loops, wakes;
	uint32_t n;

	(void)argc, (void)argv;
	con_printf("  nt   mp  loop turns  wakes\n");
	for (n = 0; n < machine.nslot; n++) {
		c = &machine.cpu[n];
		if (c->state != CPU_ONLINE)
			continue;
		loops = c->loops;	/* the AP keeps counting */
		wakes = c->wakes;
		con_printf("%4u %4u  %10lu  %5lu\n", c->index, c->mp, loops,
			   wakes);
		con_trace("stats nt=%u mp=%u loops=%lu wakes=%lu", c->index,
			  c->mp, loops, wakes);
	}
	cmd_driver_stats();
	con_printf("core pool: %d blocks outstanding\n", ke_pool_blocks());
	con_trace("pool blocks=%d", ke_pool_blocks());
	return CMD_OK;
}
