# native.sh: processors started by the simulator's own INIT-SIPI-SIPI and
# trampoline (--start native), sourced by tests/run. See lib.sh.

N='group=[0-9]+ number=[0-9]+'
OK=0x00000000

# The SDM's sequence to one APIC id, every stage in order, then the add.
case_native_add() {
	boot native_add 4 "--trace --explain --batch --hold 2 --start native
load log
add next
ipi
cpus"
	expect_order "^@notify drv=log state=start nt=2 $N status=$OK op=$OK$" \
		'^  > INIT to APIC id 2: .* wait 10000 us .*Each IPI is two writes of the ICR' \
		'^@icr apic=2 kind=init vector=0x00$' \
		'^@icr apic=2 kind=sipi vector=0x[0-9a-f]{2}$' \
		'^@icr apic=2 kind=sipi vector=0x[0-9a-f]{2}$' \
		'^@stage apic=2 stage=real$' '^@stage apic=2 stage=protected$' \
		'^@stage apic=2 stage=long$' '^@stage apic=2 stage=c$' \
		'^mp 2 online in ' \
		"^@notify drv=log state=complete nt=2 $N status=$OK op=$OK$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$" \
		'^@ipi count=3 ran=0,1,2$' \
		'^@cpu mp=2 apic=2 .*state=online ' \
		'^@icr apic=2 kind=init vector=0x00$' '^2 AP loops stopped$'
	# the vector names the trampoline's page, below 1 MiB
	v=$(sed -n 's/^@icr apic=2 kind=sipi vector=0x\(..\)$/\1/p' "$LOG" | sort -u)
	[ "$(echo "$v" | wc -l)" = 1 ] || fail "SIPI vectors differ: $v"
	# the waits are the SDM's: INIT, >= 10 ms, SIPI, >= 200 us, SIPI
	gaps=$(grep -E '^@icr apic=2 ' "$LOG.t" | head -n 3 |
		sed 's/.* t=//' | awk 'NR > 1 { printf "%d ", $1 - p } { p = $1 }')
	echo "$gaps" | awk '{ exit !($1 >= 10000 && $2 >= 200) }' ||
		fail "INIT-SIPI-SIPI gaps (us) are $gaps, not >= 10000 and >= 200"
	expect_count 4 '^@stage apic=2 '
	expect '^@native count=1 init_delay_us=10000 sipi_delay_us=200 apic=xapic$'
	# OVMF wakes idle APs by INIT-SIPI-SIPI (HLT loop): native is safe
	expect_order '^@wake mp=1 us=[0-9]+ by=init$' '^@ready '
	expect_none 'INVARIANT|^@verifier|^@error'
}

# Zero waits, as Linux uses on modern processors: still every stage.
case_native_no_delays() {
	boot native_nodelay 2 "--trace --batch --hold 1 --start native --init-delay-us 0 --sipi-delay-us 0
add next"
	expect_order '^@native count=1 init_delay_us=0 sipi_delay_us=0 apic=xapic$' \
		'^@icr apic=1 kind=init ' '^@icr apic=1 kind=sipi ' \
		'^@stage apic=1 stage=c$' \
		"^@add mp=1 nt=1 status=$OK active=2 method=native$"
	expect_none '^@error'
}

# A veto comes before any IPI; the retry starts the processor.
case_native_veto_retry() {
	boot native_veto 4 "--trace --batch --hold 2 --start native
load log
load veto
add next
unload veto
add next"
	V=0xc000009a
	expect_order "^@add mp=2 nt=2 status=$V active=2 method=native$" \
		'^@deregister drv=veto$' '^@icr apic=2 kind=init ' \
		'^@stage apic=2 stage=c$' \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$"
	expect_count 2 '^@icr apic=2 kind=sipi '
	expect_none 'INVARIANT|^@verifier'
}

# fault timeout: INIT and no SIPI; the processor answers nothing, the add
# times out (STATUS_IO_TIMEOUT), and the retry works.
case_native_timeout() {
	boot native_timeout 4 "--trace --batch --hold 2 --start native --ap-timeout-ms 300
load log
fault timeout next
add next
add next"
	T=0xc00000b5
	expect_order '^@icr apic=2 kind=init ' \
		'^@error mp 2 did not come online within 300 ms$' \
		'^mp 2: the last trampoline stage it reached: none$' \
		"^@notify drv=log state=failure nt=2 $N status=$T op=$OK$" \
		"^@add mp=2 nt=2 status=$T active=2 method=native$" \
		'^@icr apic=2 kind=init ' '^@icr apic=2 kind=sipi ' \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$"
	# one SIPI pair, for the retry only
	expect_count 2 '^@icr apic=2 kind=sipi '
}

# fault error: the processor dies in real mode; the add names the stage
# and fails with STATUS_UNSUCCESSFUL; the retry works.
case_native_error() {
	boot native_error 4 "--trace --batch --hold 1 --start native --ap-timeout-ms 300
load log
fault error 3
add 3
add 3"
	E=0xc0000001
	expect_order '^@stage apic=3 stage=real$' \
		'^mp 3: the last trampoline stage it reached: real \[injected\]$' \
		"^@notify drv=log state=failure nt=3 $N status=$E op=$OK$" \
		"^@add mp=3 nt=3 status=$E active=3 method=native$" \
		'^@stage apic=3 stage=c$' \
		"^@add mp=3 nt=3 status=$OK active=4 method=native$"
	expect_count 2 '^@stage apic=3 stage=real$'
	expect_count 1 '^@stage apic=3 stage=protected$'
	expect '^@giveback reached=3 enabled=3$'
}

# Given back: the firmware's self-check, with the natively started
# processors parked and enabled in MP Services for it, passes every case
# on every processor; then they are started natively again.
case_native_give_back() {
	boot native_check 4 "--trace --batch --hold 3 --start native
add all
check
ipi"
	expect_count 3 "^@add mp=[1-3] nt=[1-3] status=$OK active=[2-4] method=native$"
	expect '^@checked pass=18 fail=0$'
	expect_none 'result=fail'
	# the check ran WhoAmI on all three given-back processors
	expect '^@check id=whoami-ap result=pass '
	# and after the exit's give-back, the firmware reaches all three
	expect '^The firmware reaches 3 of its 3 enabled application processors after the give-back\.$'
	expect '^@giveback reached=3 enabled=3$'
	expect_order '^@checked' '^@ipi count=4 ran=0,1,2,3$'
	# each: INIT to start (add), INIT to park (check), INIT to start
	# again, INIT to park at exit; the trampoline reached C twice
	expect_count 12 '^@icr apic=[1-3] kind=init '
	expect_count 6 '^@stage apic=[1-3] stage=c$'
}

# Every size of the matrix, natively.
case_native_smp1() {
	boot native_smp1 1 "--trace --batch --start native
add next
cpus"
	expect '^@error add: no processor is held$'
	expect '^@count active=1 max=1 '
	expect_none '^@icr '
}
# (each add reached the trampoline's C stage: the start was native)
case_native_smp4() {
	add_all native4 4 "--hold 3 --start native" 1 3 native
	expect_count 3 '^@stage apic=[0-9]+ stage=c$'
}
case_native_smp16() {
	add_all native16 16 "--hold 8 --group-size 4 --start native" 8 8 native
	expect '^@count active=16 max=16 groups=4$'
	expect_count 8 '^@stage apic=[0-9]+ stage=c$'
}
case_native_smp64() {
	add_all native64 64 "--hold 32 --quiet --start native --init-delay-us 0 --sipi-delay-us 0" 32 32 native
	expect_count 32 '^@stage apic=[0-9]+ stage=c$'
	expect '^@giveback reached=63 enabled=63$'
}

# --boot native: the boot APs too, INIT to each, one wait, the SIPIs; a
# held processor is left alone and later added through MP Services; the
# self-check gives the natively started ones back and starts them again.
case_native_boot() {
	boot native_boot 4 "--trace --batch --hold 1 --boot native
add next
check
ipi"
	expect_order '^@icr apic=1 kind=init ' '^@icr apic=1 kind=sipi ' \
		'^@icr apic=2 kind=init ' '^@icr apic=2 kind=sipi ' \
		'^@stage apic=1 stage=c$' '^@stage apic=2 stage=c$' \
		'^@ready active=3 held=1 max=4$' \
		"^@add mp=3 nt=3 status=$OK active=4 method=mp$" \
		'^@checked pass=18 fail=0$' '^@ipi count=4 ran=0,1,2,3$'
	# at boot, before the first SIPI, both had their INIT (one wait)
	expect_order '^@icr apic=2 kind=init ' '^@icr apic=1 kind=sipi '
	expect_none '^@icr apic=3 |^@icr apic=all'
	expect '^@giveback reached=3 enabled=3$'
	expect_order '^@wake mp=1 us=[0-9]+ by=init$' '^@icr apic=1 kind=init '
	expect_none 'INVARIANT|^@verifier|^@error'
}

# Every AP started at boot: the IPIs are broadcast (all excluding self).
case_native_boot_broadcast() {
	boot native_boot16 16 "--trace --batch --boot native --init-delay-us 0 --sipi-delay-us 0
cpus"
	expect_count 1 '^@icr apic=all kind=init vector=0x00$'
	expect_count 2 '^@icr apic=all kind=sipi vector=0x[0-9a-f]{2}$'
	expect_count 15 '^@stage apic=[0-9]+ stage=c$'
	expect '^@ready active=16 held=0 max=16$'
	# the table at boot and for cpus: every processor running
	expect_count 32 '^@cpu .*state=(bsp|online) '
	expect '^15 AP loops stopped$'
}

# No MP Services: the MADT names the processors, the native start runs
# them, at boot and for adds.
case_native_no_mp() {
	boot native_nomp 4 "--trace --batch --hold 1 --no-mp --boot native
add next
ipi
cpus"
	expect '^The ACPI MADT lists 3 more processors: they are started natively\.$'
	expect_order '^@stage apic=1 stage=c$' '^@ready active=3 held=1 max=4$' \
		"^@add mp=3 nt=3 status=$OK active=4 method=native$" \
		'^@ipi count=4 ran=0,1,2,3$' '^@count active=4 max=4 ' \
		'^3 AP loops stopped$'
	expect_none 'INVARIANT|^@verifier|^@error'
}

# x2APIC mode. How it is reached: QEMU gives the processors an x2APIC
# (`tools/qemu --x2apic`: -cpu qemu64,+x2apic on a QEMU whose TCG
# emulates it, tools/x2qemu) and the simulator's --x2apic switches the
# BSP to it before anything uses the APIC; every processor it starts
# follows. The IPIs then go through MSR 0x830. Native adds with a veto
# and a retry, a broadcast, the self-check, and the give-back at exit,
# whose proof reaches the processor left held, never switched: in xAPIC
# mode while the BSP is in x2APIC mode.
case_native_x2apic() {
	boot native_x2apic 4 "--trace --explain --batch --x2apic --hold 3 --start native
load hvlike
load veto
add next
unload veto
add next
add next
ipi
check
cpus" --x2apic
	expect_order '^local APIC in x2APIC mode \(--x2apic\)$' \
		'^@ready active=1 held=3 max=4$' \
		"^@add mp=1 nt=1 status=0xc000009a active=1 method=native$" \
		'^@native count=1 init_delay_us=10000 sipi_delay_us=200 apic=x2apic$' \
		'^  > INIT to APIC id 1: .*Each IPI is one write of MSR 0x830 \(x2APIC mode\)\.$' \
		'^@icr apic=1 kind=init vector=0x00$' \
		'^@icr apic=1 kind=sipi vector=0x[0-9a-f]{2}$' \
		'^@icr apic=1 kind=sipi vector=0x[0-9a-f]{2}$' \
		'^@stage apic=1 stage=real$' '^@stage apic=1 stage=protected$' \
		'^@stage apic=1 stage=long$' '^@stage apic=1 stage=c$' \
		"^@add mp=1 nt=1 status=$OK active=2 method=native$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$" \
		'^@ipi count=3 ran=0,1,2$' '^@checked pass=[0-9]+ fail=0$' \
		'^@cpu mp=3 .*state=held ' '^@giveback reached=3 enabled=3$'
	# IA32_APIC_BASE read on the processor itself: EN and EXTD set
	# (bits 11 and 10, SDM vol. 3A "x2APIC State Transitions")
	expect_count 2 '^@dbg drv=hvlike complete nt=[12] thread on 0:[12] apic=[12] apic_base=0xfee00c00 bsp=0$'
	expect_count 2 "^@dbg drv=hvlike complete nt=[12] dpc on 0:[12] apic=[12] irql=2 wait=$OK$"
	expect_none '^@native .*apic=xapic|INVARIANT|^@verifier|^@error'
}

# The firmware's own start in x2APIC mode: the boot APs and an add
# through MP Services (EDK2's LocalApicLib sends its IPIs in the mode
# the BSP is in), then a broadcast that reaches them all.
case_mp_x2apic() {
	boot mp_x2apic 4 "--trace --batch --x2apic --hold 1
load hvlike
add next
ipi" --x2apic
	expect_order '^local APIC in x2APIC mode \(--x2apic\)$' \
		'^@ready active=3 held=1 max=4$' \
		"^@add mp=3 nt=3 status=$OK active=4 method=mp$" \
		'^@ipi count=4 ran=0,1,2,3$'
	expect '^@dbg drv=hvlike complete nt=3 thread on 0:3 apic=3 apic_base=0xfee00c00 bsp=0$'
	expect_none '^@icr |INVARIANT|^@verifier|^@error'
}

# --boot native at 16 in x2APIC mode: the broadcast INIT and SIPIs are
# single writes of MSR 0x830 with the all-excluding-self shorthand.
case_native_boot_x2apic() {
	boot native_boot_x2apic 16 "--trace --batch --x2apic --boot native --init-delay-us 0 --sipi-delay-us 0
ipi" --x2apic
	expect '^@native count=15 init_delay_us=0 sipi_delay_us=0 apic=x2apic$'
	expect_count 1 '^@icr apic=all kind=init vector=0x00$'
	expect_count 2 '^@icr apic=all kind=sipi vector=0x[0-9a-f]{2}$'
	expect_count 15 '^@stage apic=[0-9]+ stage=c$'
	expect '^@ready active=16 held=0 max=16$'
	expect '^@ipi count=16 ran=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15$'
	expect '^@giveback reached=15 enabled=15$'
	expect_none 'INVARIANT|^@verifier|^@error'
}

# --x2apic on processors without an x2APIC (the system QEMU's TCG has
# none): one line, and the simulator goes on in xAPIC mode.
case_x2apic_absent() {
	boot x2apic_absent 2 "--trace --batch --x2apic --hold 1 --start native
add next"
	expect '^@error --x2apic: the processor has no x2APIC \(CPUID.01H:ECX\[21\] clear\) or its APIC is off; staying in xAPIC mode$'
	expect '^@native count=1 init_delay_us=10000 sipi_delay_us=200 apic=xapic$'
	expect "^@add mp=1 nt=1 status=$OK active=2 method=native$"
}
