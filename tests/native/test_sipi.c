/*
 * test_sipi.c: host tests of the native start's IPI sequence and its
 * waits (efi/cpu/sipi.c), run against a simulated clock: the TSC ticks
 * 1000 times a microsecond, moves a little at each pause, and the
 * firmware's Stall (mp_stall) moves it by what was asked less a few
 * microseconds, as OVMF's Stall, on another timebase, came short under
 * QEMU. Each IPI is recorded with the clock when it was sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cpu.h"
#include "x86.h"

#define PER_US 1000ull		/* TSC cycles a microsecond */
#define STALL_SHORT 9		/* us the Stall comes short */
#define MAX_SENT 32

struct machine machine;
uint8_t apic_x2;

static uint64_t now;		/* the simulated TSC */
static unsigned stalls;
static struct sent {
	uint32_t apic;
	uint8_t vector;		/* 0: INIT */
	uint64_t tsc;
} sent[MAX_SENT];
static int nsent;
#define NOBODY 0xfffffffeu
static uint32_t refuse = NOBODY;	/* an APIC id whose IPIs fail */
static uint64_t work_us;	/* what work() costs */

uint64_t cpu_rdtsc(void) { return now; }
void cpu_pause(void) { now += 50; }
uint64_t clock_us(uint64_t cycles) { return cycles / PER_US; }

void
mp_stall(unsigned us)
{
	stalls++;
	now += (us > STALL_SHORT ? us - STALL_SHORT : 0) * PER_US;
}

static int
record(uint32_t apic, uint8_t vector)
{
	if (apic == refuse)
		return 0;
	assert_true(nsent < MAX_SENT);
	sent[nsent++] = (struct sent){ apic, vector, now };
	now += 2 * PER_US;	/* an ICR write under emulation */
	return 1;
}

int icr_init(uint32_t apic) { return record(apic, 0); }
int icr_startup(uint32_t apic, uint8_t vector) { return record(apic, vector); }

int con_explaining;
void con_trace(const char *fmt, ...) { (void)fmt; }
void con_trace_at(uint64_t tsc, const char *fmt, ...) { (void)tsc, (void)fmt; }
void con_explain(const char *fmt, ...) { (void)fmt; }
void con_error(const char *fmt, ...) { (void)fmt; }

static struct cpu cpus[3];
static struct cpu *b[3] = { &cpus[0], &cpus[1], &cpus[2] };
static uint64_t at[3][3];

static int
setup(void **state)
{
	(void)state;
	memset(cpus, 0, sizeof cpus);
	memset(at, 0, sizeof at);
	memset(sent, 0, sizeof sent);
	nsent = 0;
	stalls = 0;
	refuse = NOBODY;
	work_us = 0;
	now = 1000000 * PER_US;
	machine.init_us = 10000;
	machine.sipi_us = 200;
	for (int k = 0; k < 3; k++) {
		cpus[k].mp_apic = (uint32_t)k + 1;
		cpus[k].state = CPU_STARTING;
	}
	return 0;
}

static uint64_t
gap_us(int i, int j)
{
	return (sent[j].tsc - sent[i].tsc) / PER_US;
}

static void
work(struct cpu **bb, uint32_t n)
{
	(void)bb, (void)n;
	now += work_us * PER_US;
}

/* One processor, the SDM's waits: INIT, >= 10 ms, SIPI, >= 200 us,
 * SIPI, and the call returns >= 200 us after it. The Stall comes short,
 * the TSC makes up the rest: never short, and not long either. */
static void
sdm_waits_exact_despite_short_stall(void **state)
{
	uint64_t end;

	(void)state;
	assert_int_equal(sipi_send(b, 1, at, NULL, 0x9e, 0), 1);
	end = now;
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[0].vector, 0);
	assert_int_equal(sent[1].vector, 0x9e);
	assert_int_equal(sent[2].vector, 0x9e);
	assert_true(gap_us(0, 1) >= 10000 && gap_us(0, 1) <= 10001);
	assert_true(gap_us(1, 2) >= 200 && gap_us(1, 2) <= 201);
	assert_true((end - sent[2].tsc) / PER_US >= 200);
	assert_true((end - sent[2].tsc) / PER_US <= 201);
	assert_int_equal(stalls, 3);
	/* at[] holds the TSC each IPI was sent at, for the @icr lines */
	assert_int_equal(at[0][0], sent[0].tsc);
	assert_int_equal(at[0][2], sent[2].tsc);
	assert_int_equal(cpus[0].tsc_start, sent[0].tsc);
}

/* Work done in the INIT wait counts toward it: the SIPI still comes 10
 * ms after INIT, not 10 ms after the work. */
static void
work_in_init_wait_shortens_it(void **state)
{
	(void)state;
	work_us = 3000;
	assert_int_equal(sipi_send(b, 1, at, work, 0x9e, 0), 1);
	assert_true(gap_us(0, 1) >= 10000 && gap_us(0, 1) <= 10001);
	/* work longer than the wait: no stall at all before the SIPI */
	setup(NULL);
	work_us = 12000;
	assert_int_equal(sipi_send(b, 1, at, work, 0x9e, 0), 1);
	assert_true(gap_us(0, 1) >= 12000 && gap_us(0, 1) <= 12003);
	assert_int_equal(stalls, 2);
}

/* Zero waits, as Linux on modern processors: no Stall, the SIPIs right
 * after INIT. */
static void
zero_waits_never_stall(void **state)
{
	(void)state;
	machine.init_us = 0;
	machine.sipi_us = 0;
	assert_int_equal(sipi_send(b, 1, at, NULL, 0x9e, 0), 1);
	assert_int_equal(nsent, 3);
	assert_int_equal(stalls, 0);
	assert_true(gap_us(0, 2) <= 5);
}

/* Several processors: each round goes to all of them, and each wait
 * runs from the last IPI of the round before. */
static void
rounds_to_each_processor(void **state)
{
	int i;

	(void)state;
	assert_int_equal(sipi_send(b, 3, at, NULL, 0x9e, 0), 1);
	assert_int_equal(nsent, 9);
	for (i = 0; i < 9; i++) {
		assert_int_equal(sent[i].apic, (uint32_t)(i % 3) + 1);
		assert_int_equal(sent[i].vector, i < 3 ? 0 : 0x9e);
	}
	assert_true(gap_us(2, 3) >= 10000 && gap_us(2, 3) <= 10001);
	assert_true(gap_us(5, 6) >= 200 && gap_us(5, 6) <= 201);
	for (i = 0; i < 3; i++)
		assert_int_equal(cpus[i].tsc_start, sent[i].tsc);
}

/* A broadcast: one INIT and two SIPIs to ICR_ALL, recorded in slot 0. */
static void
broadcast_is_one_send_a_round(void **state)
{
	(void)state;
	assert_int_equal(sipi_send(b, 3, at, NULL, 0x9e, 1), 1);
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[0].apic, ICR_ALL);
	assert_int_equal(sent[2].apic, ICR_ALL);
	assert_int_equal(at[1][0], 0);
	assert_int_equal(at[2][2], 0);
	assert_int_equal(cpus[2].tsc_start, sent[0].tsc);
}

/* fault timeout: INIT only for that processor, the others go on. */
static void
injected_timeout_gets_init_alone(void **state)
{
	int i, to2 = 0;

	(void)state;
	cpus[1].fault = FAULT_TIMEOUT;
	assert_int_equal(sipi_send(b, 3, at, NULL, 0x9e, 0), 1);
	assert_int_equal(nsent, 7);
	for (i = 0; i < nsent; i++)
		to2 += sent[i].apic == 2;
	assert_int_equal(to2, 1);
	assert_int_equal(at[1][1], 0);
	assert_int_equal(at[1][2], 0);
}

/* An IPI the APIC does not send fails that processor, which gets no
 * more; a broadcast that fails ends the start. */
static void
failed_send_fails_the_processor(void **state)
{
	(void)state;
	refuse = 2;
	assert_int_equal(sipi_send(b, 3, at, NULL, 0x9e, 0), 1);
	assert_int_equal(cpus[1].state, CPU_FAILED);
	assert_int_equal(cpus[0].state, CPU_STARTING);
	assert_int_equal(nsent, 6);
	setup(NULL);
	refuse = ICR_ALL;
	assert_int_equal(sipi_send(b, 3, at, NULL, 0x9e, 1), 0);
	assert_int_equal(nsent, 0);
	setup(NULL);
	refuse = 1;
	assert_int_equal(sipi_send(b, 1, at, NULL, 0x9e, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(sdm_waits_exact_despite_short_stall, setup),
		cmocka_unit_test_setup(work_in_init_wait_shortens_it, setup),
		cmocka_unit_test_setup(zero_waits_never_stall, setup),
		cmocka_unit_test_setup(rounds_to_each_processor, setup),
		cmocka_unit_test_setup(broadcast_is_one_send_a_round, setup),
		cmocka_unit_test_setup(injected_timeout_gets_init_alone, setup),
		cmocka_unit_test_setup(failed_send_fails_the_processor, setup),
	};

	return cmocka_run_group_tests_name("sipi", tests, NULL, NULL);
}
