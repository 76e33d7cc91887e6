/*
 * check.c: --check and the `check` command. Before trusting a board's
 * firmware, call the MP Services functions the simulator relies on the
 * way the PI specification (Vol. 2, MP Services) says they behave, and
 * print what each returned. Runs while no AP loop is running: the APs
 * must be idle in the firmware for MP Services to dispatch to them.
 */
#include "uefi.h"
#include "con.h"
#include "cpu.h"
#include "mp.h"
#include "fmt.h"
#include "x86.h"

#define MP(m) ((EFI_MP_SERVICES_PROTOCOL *)(m)->mp)
#define TIMEOUT_US 50000	/* the spinning procedure's budget */

static unsigned passed, failed;

static const struct { EFI_STATUS s; const char *name; } names[] = {
	{ EFI_SUCCESS, "SUCCESS" },
	{ EFI_INVALID_PARAMETER, "INVALID_PARAMETER" },
	{ EFI_NOT_FOUND, "NOT_FOUND" },
	{ EFI_TIMEOUT, "TIMEOUT" },
	{ EFI_NOT_STARTED, "NOT_STARTED" },
	{ EFI_DEVICE_ERROR, "DEVICE_ERROR" },
	{ EFI_NOT_READY, "NOT_READY" },
	{ EFI_UNSUPPORTED, "UNSUPPORTED" },
	{ EFI_ACCESS_DENIED, "ACCESS_DENIED" },
};

static const char *
name(EFI_STATUS s)
{
	unsigned i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].s == s)
			return names[i].name;
	return "OTHER";
}

/*
 * One row. got/want are statuses; ok says whether the check passed (for
 * checks that are about more than one status). meaning is what a failure
 * does to the simulator.
 */
static void
row(const char *id, const char *what, int ok, EFI_STATUS got,
    EFI_STATUS want, const char *meaning)
{
	ok ? passed++ : failed++;
	con_printf("  %-4s %-52s %-18s %s\n", ok ? "pass" : "FAIL", what,
		   name(got), ok ? "" : name(want));
	if (!ok)
		con_printf("       -> %s\n", meaning);
	con_trace("check id=%s result=%s status=%s expected=%s", id,
		  ok ? "pass" : "fail", name(got), name(want));
}

/* ---- procedures run on an AP (the only place APs call the firmware) */

struct probe {
	EFI_MP_SERVICES_PROTOCOL *mp;
	UINTN bsp, who;
	EFI_STATUS who_status, from_ap[6];
	volatile UINT32 release;
};

static VOID EFIAPI
whoami(VOID *arg)
{
	struct probe *p = arg;

	p->who_status = uefi_call_wrapper(p->mp->WhoAmI, 2, p->mp, &p->who);
}

static VOID EFIAPI
spin(VOID *arg)
{
	struct probe *p = arg;

	while (!p->release)
		cpu_pause();
}

static VOID EFIAPI
nothing(VOID *arg)
{
	(void)arg;
}

/* Each call aims at the BSP, so it would be harmless even if obeyed. */
static VOID EFIAPI
calls_from_ap(VOID *arg)
{
	struct probe *p = arg;
	EFI_PROCESSOR_INFORMATION info;
	UINTN n, e;

	p->from_ap[0] = uefi_call_wrapper(p->mp->GetNumberOfProcessors, 3,
					  p->mp, &n, &e);
	p->from_ap[1] = uefi_call_wrapper(p->mp->GetProcessorInfo, 3, p->mp,
					  p->bsp, &info);
	p->from_ap[2] = uefi_call_wrapper(p->mp->StartupAllAPs, 7, p->mp,
					  nothing, FALSE, NULL, 0, NULL, NULL);
	p->from_ap[3] = uefi_call_wrapper(p->mp->StartupThisAP, 7, p->mp,
					  nothing, p->bsp, NULL, 0, NULL, NULL);
	p->from_ap[4] = uefi_call_wrapper(p->mp->SwitchBSP, 3, p->mp, p->bsp,
					  TRUE);
	p->from_ap[5] = uefi_call_wrapper(p->mp->EnableDisableAP, 4, p->mp,
					  p->bsp, TRUE, NULL);
	whoami(p);
}

static EFI_STATUS
run_on(struct machine *m, EFI_AP_PROCEDURE fn, UINTN n, UINTN us,
       struct probe *p)
{
	return uefi_call_wrapper(MP(m)->StartupThisAP, 7, MP(m), fn, n, NULL,
				 us, p, NULL);
}

static UINTN
enabled_count(struct machine *m)
{
	UINTN n = 0, e = 0;

	uefi_call_wrapper(MP(m)->GetNumberOfProcessors, 3, MP(m), &n, &e);
	return e;
}

/* An AP the checks may dispatch to: enabled, healthy, idle. */
static int
usable(struct machine *m, UINT32 n)
{
	mp_refresh(m, &m->cpu[n]);
	return n != m->bsp && m->cpu[n].state != CPU_FAILED &&
	       (m->cpu[n].flags & PROCESSOR_ENABLED_BIT);
}

static void
check_whoami(struct machine *m, struct probe *p)
{
	EFI_STATUS s, worst = EFI_SUCCESS;
	UINTN me = ~0ul;
	UINT32 n;
	int ok = 1;

	s = uefi_call_wrapper(MP(m)->WhoAmI, 2, MP(m), &me);
	row("whoami-bsp", "WhoAmI on the BSP gives its number",
	    !s && me == m->bsp, s, EFI_SUCCESS,
	    "the BSP's row in the table may be wrong");
	for (n = 0; n < m->ncpu; n++) {
		if (!usable(m, n))
			continue;
		p->who = ~0ul;
		s = run_on(m, whoami, n, 1000000, p);
		if (s || p->who_status || p->who != n) {
			ok = 0;
			worst = s ? s : p->who_status;
		}
	}
	row("whoami-ap", "WhoAmI on each AP gives its own number", ok, worst,
	    EFI_SUCCESS, "none: APs are told apart by APIC id");
}

/* Disable and re-enable each AP, watching the enabled count. */
static void
check_counts(struct machine *m)
{
	UINTN e0 = enabled_count(m);
	EFI_STATUS s, worst = EFI_SUCCESS;
	UINT32 n;
	int ok = 1;

	for (n = 0; n < m->ncpu; n++) {
		if (!usable(m, n))
			continue;
		s = mp_enable(m, &m->cpu[n], 0);
		ok &= !s && enabled_count(m) == e0 - 1;
		worst = s ? s : worst;
		s = mp_enable(m, &m->cpu[n], 1);
		ok &= !s && enabled_count(m) == e0;
		worst = s ? s : worst;
	}
	row("counts", "enabled count follows EnableDisableAP", ok, worst,
	    EFI_SUCCESS, "held processors may not be kept from the firmware");
}

static void
check_info(struct machine *m)
{
	EFI_PROCESSOR_INFORMATION info;
	UINT32 n, bsps = 0, right = 0, reserved = 0;
	EFI_STATUS s, worst = EFI_SUCCESS;

	for (n = 0; n < m->ncpu; n++) {
		s = uefi_call_wrapper(MP(m)->GetProcessorInfo, 3, MP(m), n,
				      &info);
		worst = s ? s : worst;
		reserved += (info.StatusFlag & ~7u) != 0;
		bsps += (info.StatusFlag & PROCESSOR_AS_BSP_BIT) != 0;
		right += n == m->bsp && (info.StatusFlag & PROCESSOR_AS_BSP_BIT);
	}
	row("info-flags", "StatusFlag: reserved bits 0, one BSP, the right one",
	    !worst && !reserved && bsps == 1 && right == 1, worst, EFI_SUCCESS,
	    "the bsp/enabled/healthy columns cannot be trusted");
	s = uefi_call_wrapper(MP(m)->GetProcessorInfo, 3, MP(m), m->ncpu,
			      &info);
	row("info-end", "GetProcessorInfo past the end", s == EFI_NOT_FOUND, s,
	    EFI_NOT_FOUND, "none: the simulator never asks past the count");
}

/* StartupThisAP's refusals, then a timeout, on AP k. */
static void
check_startup(struct machine *m, struct probe *p, UINT32 k)
{
	EFI_STATUS s;

	s = run_on(m, nothing, m->bsp, 1000000, p);
	row("startup-bsp", "StartupThisAP on the BSP", s == EFI_INVALID_PARAMETER,
	    s, EFI_INVALID_PARAMETER, "none: the simulator never does it");
	mp_enable(m, &m->cpu[k], 0);
	s = run_on(m, nothing, k, 1000000, p);
	mp_enable(m, &m->cpu[k], 1);
	row("startup-disabled", "StartupThisAP on a disabled AP",
	    s == EFI_INVALID_PARAMETER, s, EFI_INVALID_PARAMETER,
	    "held processors are not protected from dispatch");
	s = run_on(m, nothing, m->ncpu, 1000000, p);
	row("startup-end", "StartupThisAP past the end", s == EFI_NOT_FOUND, s,
	    EFI_NOT_FOUND, "none: the simulator never does it");
	p->release = 0;
	s = run_on(m, spin, k, TIMEOUT_US, p);
	p->release = 1;		/* a firmware that did not reset it lets go */
	row("timeout", "a spinning procedure times out", s == EFI_TIMEOUT, s,
	    EFI_TIMEOUT, "none: hot-add waits with its own timeout");
	s = run_on(m, nothing, k, 1000000, p);
	row("after-timeout", "the AP is usable after the timeout", !s, s,
	    EFI_SUCCESS, "a processor that hung once may not be retried");
}

static void
check_all_disabled(struct machine *m)
{
	uint8_t off[MAX_CPUS / 8] = { 0 };	/* the APs this disabled */
	EFI_STATUS s;
	UINT32 n;

	for (n = 0; n < m->ncpu; n++)
		if (usable(m, n) && !mp_enable(m, &m->cpu[n], 0))
			off[n / 8] |= 1u << (n % 8);
	s = uefi_call_wrapper(MP(m)->StartupAllAPs, 7, MP(m), nothing, FALSE,
			      NULL, 1000000, NULL, NULL);
	for (n = 0; n < m->ncpu; n++)
		if (off[n / 8] >> (n % 8) & 1)
			mp_enable(m, &m->cpu[n], 1);
	row("all-disabled", "StartupAllAPs with every AP disabled",
	    s == EFI_NOT_STARTED, s, EFI_NOT_STARTED,
	    "held processors may not be kept from the boot start "
	    "(one StartupAllAPs)");
}

static void
check_from_ap(struct machine *m, struct probe *p, UINT32 k)
{
	static const char *const calls[] = {
		"GetNumberOfProcessors", "GetProcessorInfo", "StartupAllAPs",
		"StartupThisAP", "SwitchBSP", "EnableDisableAP",
	};
	char what[64];
	EFI_STATUS s;
	unsigned i;

	s = run_on(m, calls_from_ap, k, 1000000, p);
	for (i = 0; i < 6; i++) {
		ke_snprintf(what, sizeof what, "%s from an AP", calls[i]);
		row(calls[i], what, !s && p->from_ap[i] == EFI_DEVICE_ERROR,
		    s ? s : p->from_ap[i], EFI_DEVICE_ERROR,
		    "none: the simulator's APs never call the firmware");
	}
	row("whoami-from-ap", "WhoAmI from an AP", !s && !p->who_status &&
	    p->who == k, s ? s : p->who_status, EFI_SUCCESS,
	    "none: APs are told apart by APIC id");
}

int
check_run(struct machine *m)
{
	struct probe p = { .mp = MP(m), .bsp = m->bsp };
	UINT32 k = m->ncpu, n, steps;

	if (m->mp == NULL) {
		con_error("check: no MP Services to check");
		return 0;
	}
	passed = failed = 0;
	con_printf("MP Services self-check\n  %-4s %-52s %-18s %s\n", "",
		   "check", "returned", "expected");
	for (n = 0; n < m->ncpu && k == m->ncpu; n++)
		if (usable(m, n))
			k = n;
	steps = k == m->ncpu ? 3 : 6;
	check_whoami(m, &p);
	con_progress("check", 1, steps);
	check_counts(m);
	con_progress("check", 2, steps);
	check_info(m);
	con_progress("check", 3, steps);
	if (k == m->ncpu) {
		con_printf("  (no enabled AP: the AP checks are skipped)\n");
	} else {
		check_startup(m, &p, k);
		con_progress("check", 4, steps);
		check_all_disabled(m);
		con_progress("check", 5, steps);
		check_from_ap(m, &p, k);
		con_progress("check", 6, steps);
	}
	con_printf("self-check: %u of %u checks pass\n", passed,
		   passed + failed);
	con_trace("checked pass=%u fail=%u", passed, failed);
	return failed == 0;
}
