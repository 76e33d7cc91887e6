# boot.sh: bring-up cases (sourced by tests/run). See lib.sh.

case_smp1() {
	boot smp1 1 "--trace --batch --hold 2"
	expect '^--hold 2: there are only 0 application processors; holding all of them\.$'
	expect_count 1 '^@cpu '
	expect '^@cpu mp=0 apic=0 package=0 core=0 thread=0 state=bsp'
	expect '^@ready active=1 held=0 max=1$'
	expect_none '^error:'
}

case_smp2() {
	boot smp2 2 "--trace --batch --hold 0"
	expect '^@cpu mp=0 .*state=bsp'
	expect '^@cpu mp=1 apic=1 .*state=online'
	expect '^mp 1 online in [0-9]+ us'
	expect '^@ready active=2 held=0 max=2$'
	expect '^1 AP loops stopped$'
	expect_none '^error:'
}

case_smp4_hold2() {
	boot smp4_hold2 4 "--trace --batch --hold 2"
	expect '^@cpu mp=0 .*state=bsp'
	expect '^@cpu mp=1 apic=1 .*state=online'
	expect '^@cpu mp=2 apic=2 .*state=held'
	expect '^@cpu mp=3 apic=3 .*state=held'
	expect '^@ready active=2 held=2 max=4$'
	# held processors are disabled in MP Services while the table prints
	expect '^ +2 +2 +0 +2 +0  no  no +yes +held'
	expect_none '^error:'
}

case_topology_hold_package() {
	boot topo 'sockets=2,cores=2,threads=2' "--trace --batch --hold-mp 4-7"
	expect '^@cpu mp=1 apic=1 package=0 core=0 thread=1 state=online'
	expect '^@cpu mp=3 apic=3 package=0 core=1 thread=1 state=online'
	expect_count 4 '^@cpu mp=[4-7] apic=[4-7] package=1 core=[01] thread=[01] state=held'
	expect '^@ready active=4 held=4 max=8$'
	expect_none '^error:'
}

case_smp16() {
	boot smp16 16 "--trace --batch --hold 3"
	expect_count 12 '^@cpu .*state=online'
	expect_count 3 '^@cpu mp=1[345] .*state=held'
	expect '^@ready active=13 held=3 max=16$'
	expect '^12 AP loops stopped$'
	expect_none '^error:'
}

# The boot start: a StartupThisAP per AP, each returning once its AP is
# awake; then a held AP is added, `check` stops and restarts every loop,
# the broadcast reaches all 14 processors and the exit sees 13 loops back.
case_boot_start_all() {
	boot boot_start_all 16 "--trace --explain --batch --hold 3
add next
check
ipi"
	expect_count 1 '^@bringup method=mp call=StartupThisAP aps=12 status=0x0$'
	expect '^  > StartupThisAP\(ap_entry, non-blocking\) for every AP'
	expect_order '^@bringup ' '^@online mp=1 ' '^@online mp=12 ' '^@ready active=13 held=3 max=16$'
	# at boot, and again after check restarts them
	expect_count 24 '^mp ([1-9]|1[0-2]) online in '
	expect '^@add mp=13 nt=13 status=0x00000000 active=14 method=mp$'
	expect '^@checked pass=18 fail=0$'
	expect '^@ipi count=14 ran=0,1,2,3,4,5,6,7,8,9,10,11,12,13$'
	expect '^13 AP loops stopped$'
	expect_none '^error:|INVARIANT|^@verifier'
}

case_bad_option() {
	boot bad_option 4 "--trace --batch --hold 1 --frobnicate --hold-mp 2-1"
	expect "^error: bad option: unknown option '--frobnicate'$"
	expect "^@error bad option: unknown option '--frobnicate'$"
	expect '^error: bad option: --hold-mp: range 2-1 runs backwards$'
	expect '^usage: hotadd'
	expect '^Going on without the bad options\.$'
	# the good options still apply
	expect '^@ready active=3 held=1 max=4$'
}

case_hold_too_many() {
	boot hold_too_many 4 "--trace --batch --hold 9"
	expect '^--hold 9: there are only 3 application processors; holding all of them\.$'
	expect_count 3 '^@cpu .*state=held'
	expect '^@ready active=1 held=3 max=4$'
	expect_none '^error:'
}

case_no_mp() {
	boot no_mp 4 "--trace --batch --no-mp"
	expect '^--no-mp: ignoring MP Services, running with the BSP alone$'
	expect '^The ACPI MADT lists 3 more processors; --boot native starts them without MP Services\.$'
	expect '^@ready active=1 held=0 max=1$'
}


# Every @ line ends with its time stamp, and the add path's lines, all
# printed on the BSP as it goes, have stamps that never run backwards.
case_time_stamps() {
	boot time_stamps 4 "--trace --batch --hold 1
load log
add next"
	n=$(grep -c '^@' $LOG.t)
	[ "$n" -gt 10 ] || fail "only $n @ lines"
	expect_count "$n" '^@'
	bad=$(grep '^@' $LOG.t | grep -Evc ' t=[0-9]+$')
	[ "$bad" = 0 ] || fail "$bad @ lines without a trailing t=<us>"
	grep -E '^@(register|notify|add) ' $LOG.t | sed -E 's/.* t=//' |
		awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 }
		     END { exit bad }' || fail "t= runs backwards on the add path"
	first=$(grep -m1 '^@' $LOG.t | sed -E 's/.* t=//')
	last=$(grep '^@' $LOG.t | tail -n1 | sed -E 's/.* t=//')
	[ "$last" -gt "$first" ] || fail "the clock did not move ($first, $last)"
}
