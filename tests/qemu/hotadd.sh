# hotadd.sh: runtime hot-add cases (sourced by tests/run). See lib.sh.
# Every case checks the @ lines against the order of events in
# docs/conformance.md ("An add") and docs/bringup.md.

N='group=[0-9]+ number=[0-9]+'
OK=0x00000000

# Every pass is announced (@pass, and with --explain a sentence) before
# its first callback.
case_add_success() {
	boot add_success 4 "--trace --explain --batch --hold 2
load log
add next"
	expect '^@register drv=log flags=1 handle=0x[0-9a-f]+$'
	# the ADD_EXISTING replay: every Start, then every Complete
	expect_order '^@pass state=start nt=0 kind=replay drv=log$' \
		'^  > ADD_EXISTING replay: log hears each active processor' \
		"^@notify drv=log state=start nt=0 $N status=$OK op=$OK" \
		"^@notify drv=log state=start nt=1 " \
		'^@pass state=complete nt=0 kind=replay drv=log$' \
		"^@notify drv=log state=complete nt=0 " \
		"^@notify drv=log state=complete nt=1 " \
		'^@pass state=start nt=2 kind=add drv=-$' \
		'^  > Start pass: .* processor 2 is coming' \
		"^@notify drv=log state=start nt=2 group=0 number=2 status=$OK op=$OK$" \
		'^@pass state=complete nt=2 kind=add drv=-$' \
		'^  > Complete pass: processor 2 has joined' \
		"^@notify drv=log state=complete nt=2 group=0 number=2 status=$OK op=$OK$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=mp$"
	expect_count 6 '^@notify '
	expect_count 4 '^@pass '
	expect_none '^@error|INVARIANT|^@verifier'
}

case_veto_by_middle_driver() {
	boot veto_middle 4 "--trace --batch --hold 2
load log as a
load veto as b
load log as c
add next
cpus"
	V=0xc000009a
	# Failure has a status of its own, holding success
	expect_order '^@pass state=start nt=2 kind=add drv=-$' \
		"^@notify drv=a state=start nt=2 $N status=$OK op=$OK" \
		"^@notify drv=b state=start nt=2 $N status=$OK op=$V" \
		"^@notify drv=c state=start nt=2 $N status=$OK op=$V" \
		'^@pass state=failure nt=2 kind=add drv=-$' \
		"^@notify drv=a state=failure nt=2 $N status=$V op=$OK" \
		"^@notify drv=b state=failure nt=2 $N status=$V op=$OK" \
		"^@notify drv=c state=failure nt=2 $N status=$V op=$OK" \
		"^@add mp=2 nt=2 status=$V active=2 method=mp$"
	expect_none 'state=complete nt=2'
	expect '^@cpu mp=2 .*state=held'
	expect_none 'INVARIANT|^@verifier'
}

case_fault_timeout_then_retry() {
	boot fault_timeout 4 "--trace --batch --hold 2 --ap-timeout-ms 500
load log
fault timeout next
add next
add next"
	T=0xc00000b5
	expect_order "^@notify drv=log state=start nt=2 $N status=$OK op=$OK" \
		'^@error mp 2 did not come online within 500 ms' \
		"^@notify drv=log state=failure nt=2 $N status=$T op=$OK" \
		"^@add mp=2 nt=2 status=$T active=2 method=mp$" \
		"^@notify drv=log state=start nt=2 $N status=$OK op=$OK" \
		"^@notify drv=log state=complete nt=2 " \
		"^@add mp=2 nt=2 status=$OK active=3 method=mp$"
	expect_none 'INVARIANT|^@verifier'
}

case_fault_error_then_retry() {
	boot fault_error 4 "--trace --batch --hold 1
load log
fault error 3
add 3
add 3"
	E=0xc0000001
	expect_order '^@error StartupThisAP\(3\) failed .*\[injected\]' \
		"^@notify drv=log state=failure nt=3 $N status=$E op=$OK" \
		"^@add mp=3 nt=3 status=$E active=3 method=mp$" \
		"^@add mp=3 nt=3 status=$OK active=4 method=mp$"
}

case_add_all() {
	boot add_all 4 "--trace --batch --hold 3
load log
add all
ipi
cpus"
	expect_order "^@add mp=1 nt=1 status=$OK active=2 method=mp$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=mp$" \
		"^@add mp=3 nt=3 status=$OK active=4 method=mp$" \
		'^@ipi count=4 ran=0,1,2,3$'
	expect_order '^@progress what=add done=1 of=3$' \
		'^@progress what=add done=2 of=3$' '^@progress what=add done=3 of=3$'
	expect_count 3 '^add: [1-3] of 3 done$'
	expect_count 3 '^@cpu .*state=online'
	expect_none 'INVARIANT|^@verifier|^@error'
}

case_add_with_nothing_held() {
	boot nothing_held 2 "--trace --batch --hold 0
add next
add 1
add 7
cpus"
	expect '^@error add: no processor is held$'
	expect '^@error add: mp 1 is online, not held$'
	expect "^@error add: '7' is not next, all or an MP number from 0 to 1$"
	expect_none '^@add '
	# the table before and after: the same two active processors
	expect_count 4 '^@cpu .*state=(bsp|online)'
}

case_replay_veto_at_load() {
	boot replay_veto 4 "--trace --batch --hold 1
load veto as v replay=1 nt=1 status=0xC0000001
add next"
	E=0xc0000001
	expect_order "^@notify drv=v state=start nt=0 $N status=$OK op=$OK" \
		"^@notify drv=v state=start nt=1 $N status=$OK op=$E" \
		"^@notify drv=v state=failure nt=0 $N status=$E op=$E" \
		'^@register drv=v flags=1 handle=0$' \
		"^@add mp=3 nt=3 status=$OK active=4 method=mp$"
	expect_none 'drv=v state=failure nt=1'
	expect_count 3 '^@notify drv=v '
}

case_unload_stops_notifications() {
	boot unload_stops 4 "--trace --batch --hold 1
load log
unload log
add next
drivers"
	expect_order '^@deregister drv=log$' "^@add mp=3 nt=3 status=$OK"
	expect_count 6 '^@notify drv=log '
	expect_none '^@verifier'
}

case_group_size_two() {
	boot group2 4 "--trace --batch --hold 2 --group-size 2
load log
add next
add next"
	expect "^@notify drv=log state=start nt=1 group=0 number=1 "
	expect "^@notify drv=log state=complete nt=2 group=1 number=0 status=$OK"
	expect "^@notify drv=log state=complete nt=3 group=1 number=1 status=$OK"
	expect "^@add mp=3 nt=3 status=$OK active=4 method=mp$"
	expect_none 'INVARIANT|^@verifier'
}

case_bad_commands_change_nothing() {
	boot bad_commands 4 "--trace --batch --hold 2
load log
frobnicate
add
add next extra
load nosuch
load log
unload nosuch
fault sometimes next
sleep -5
trace maybe
echo 'unclosed
cpus
drivers"
	expect "^@error unknown command 'frobnicate' \(try help\)$"
	expect '^@error usage: add <mp\|next\|all>$'
	expect "^@error load: no driver 'nosuch' in this image"
	expect "^@error load: 'log' is already loaded \(use as <name>\)$"
	expect "^@error unload: no driver named 'nosuch' is loaded$"
	expect "^@error fault: expected timeout, error or apic, not 'sometimes'$"
	expect "^@error sleep: '-5' is not a number"
	expect "^@error trace: expected on or off, not 'maybe'$"
	expect '^@error unclosed quote$'
	expect_count 10 '^@error '
	# the table before and after: the same two held processors
	expect_count 4 '^@cpu .*state=held'
	expect_none '^@add '
}

# The image with the test drivers of tests/qemu built in (make DRIVERS=),
# and tests/drivers/idiom.c, the driver in WDK idiom.
USER_EFI=build/userdrv/hotadd.efi
user_image() {
	make -s B=build/userdrv DRIVERS="tests/qemu/userdrv.c tests/qemu/apprint.c tests/qemu/raise.c tests/qemu/topo.c tests/drivers/idiom.c" \
		$USER_EFI >/dev/null ||
		{ fail "make DRIVERS=tests/qemu/... failed"; return 1; }
}

case_user_driver() {
	user_image || return
	EFI=$USER_EFI boot user_driver 4 "--trace --batch --hold 1
drivers
load userdrv
add next
unload userdrv
load apprint
sleep 200
unload apprint
load idiom
unload idiom"
	expect '^available:.* userdrv apprint raise topo idiom$'
	expect '^@register drv=userdrv flags=1 handle=0x[0-9a-f]+$'
	expect "^@dbg drv=userdrv processor 3 is ready$"
	expect "^@add mp=3 nt=3 status=$OK active=4 method=mp$"
	# DbgPrint on every processor, APs included, reaches the console
	expect_count 4 '^\[apprint\] workload ran on processor [0-3]$'
	# the WDK's names and formats, built freestanding into the image
	expect_order '^@dbg drv=idiom loaded as \\Driver\\idiom from \\Registry\\Machine\\System\\CurrentControlSet\\Services\\idiom$' \
		'^@dbg drv=idiom limits 4294967295 2147483647 65535 255 18446744073709551615 9223372036854775807$' \
		'^@dbg drv=idiom processor 3 ready, group 0 number 3, 4 so far$' \
		'^@dbg drv=idiom unload: 4 processors, tsc moved: yes$'
	expect_none '^@verifier'
}

# A driver asks where the processors sit, waits with a timeout and reads
# the clocks at load (tests/qemu/topo.c). Two packages of two cores in
# groups of 2, the last processor held: what it prints must agree with
# the processor table, before the add and (as topo2) after it.
case_driver_topology() {
	user_image || return
	EFI=$USER_EFI boot driver_topology 'sockets=2,cores=2' "--trace --batch --hold 1 --group-size 2
load topo
add next
load topo as topo2"
	expect '^@cpu mp=2 .*package=1 .*state=online .*group=1 number=0 '
	expect '^@cpu mp=3 .*package=1 .*state=held .*group=1 number=1 '
	expect '^@dbg drv=topo node 0 group=0 mask=0x3 count=2$'
	expect '^@dbg drv=topo node 1 group=1 mask=0x1 count=1$'
	expect '^@dbg drv=topo current node=0 number=0$'
	expect '^@dbg drv=topo wait status=0x00000102 at least 50 ms: yes$'
	expect '^@dbg drv=topo wait status=0x00000000 state after=0$'
	expect '^@dbg drv=topo spin lock irql=2 from 0$'
	expect '^@dbg drv=topo frequency=10000000$'
	expect '^@dbg drv=topo stall 10 ms: counter ok, interrupt time ok$'
	expect '^@dbg drv=topo ticks match: yes$'
	expect '^@dbg drv=topo system time after 2020: yes$'
	expect_order '^@dbg drv=topo relationships status=0x00000000 length=464$' \
		'^@dbg drv=topo core size=48 flags=0 group=0 mask=0x1$' \
		'^@dbg drv=topo core size=48 flags=0 group=0 mask=0x2$' \
		'^@dbg drv=topo core size=48 flags=0 group=1 mask=0x1$' \
		'^@dbg drv=topo node size=48 flags=0 group=0 mask=0x3$' \
		'^@dbg drv=topo node size=48 flags=0 group=1 mask=0x1$' \
		'^@dbg drv=topo package size=48 flags=0 group=0 mask=0x3$' \
		'^@dbg drv=topo package size=48 flags=0 group=1 mask=0x1$' \
		'^@dbg drv=topo group max=2 active=2$' \
		'^@dbg drv=topo group 0 max=2 active=2 mask=0x3$' \
		'^@dbg drv=topo group 1 max=2 active=1 mask=0x1$' \
		"^@add mp=3 nt=3 status=$OK active=4" \
		'^@dbg drv=topo2 node 1 group=1 mask=0x3 count=2$' \
		'^@dbg drv=topo2 relationships status=0x00000000 length=512$' \
		'^@dbg drv=topo2 core size=48 flags=0 group=1 mask=0x2$' \
		'^@dbg drv=topo2 package size=48 flags=0 group=1 mask=0x3$' \
		'^@dbg drv=topo2 group 1 max=2 active=2 mask=0x3$'
	expect_none '^@verifier|^@error'
}

case_script_file() {
	script=$Q/demo.txt
	{
		echo '# a comment line'
		echo 'load log'
		echo "echo $(printf '%600s' '' | tr ' ' x)"
		echo 'add next; echo from the script'
		echo 'missing-command'
	} > $script
	FILES=$script boot script_file 4 "--trace --batch --hold 1 --script /EFI/hotadd/demo.txt --script-not-there
--run 'echo after the script'"
	rm -f $script
	expect '^@error bad option: unknown option .--script-not-there.$'
	expect_order "^@add mp=3 nt=3 status=$OK active=4 method=mp$" '^from the script$' \
		"^@error unknown command 'missing-command'" '^after the script$'
	expect "^x{500}"
	expect_count 2 '^@error '
}

case_script_missing() {
	boot script_missing 2 "--trace --batch --script nothere.txt"
	expect '^@error --script: cannot read nothere.txt from the boot volume$'
}

# Past the cap (a license limit), and with no processor left: what
# Windows returns when the count is at the maximum, before any callback.
case_cap_license_quota() {
	boot cap 4 "--trace --batch --hold 2 --cap 3
load log
add next
add next"
	expect "^@add mp=2 nt=2 status=$OK active=3 method=mp$"
	expect "^@add mp=3 nt=3 status=0xc0000259 active=3 method=mp$"
	expect_none 'nt=3 kind=add|drv=log state=[a-z]* nt=3'
	expect '^@cpu mp=3 .*state=held'
}

# Two packages of three in groups of four: package 1 is group 1 and its
# held processors keep the numbers they got at boot, whatever the order
# of the adds (index 4 is 1:2 here, not 1:0 as index / size would say).
case_groups_two_packages() {
	boot groups 'sockets=2,cores=3' "--trace --batch --hold 2 --group-size 4
load log
add 5
add 4
cpus"
	expect '^@cpu mp=3 .*package=1 .*state=online .*group=1 number=0 source=boot$'
	expect '^@cpu mp=4 .*package=1 .*state=held .*group=1 number=1 source=boot$'
	expect '^@cpu mp=5 .*package=1 .*state=held .*group=1 number=2 source=boot$'
	expect "^@notify drv=log state=complete nt=3 group=1 number=0 status=$OK"
	expect_order "^@notify drv=log state=start nt=4 group=1 number=2 status=$OK op=$OK$" \
		"^@add mp=5 nt=4 status=$OK active=5 method=mp$" \
		"^@notify drv=log state=complete nt=5 group=1 number=1 status=$OK op=$OK$" \
		"^@add mp=4 nt=5 status=$OK active=6 method=mp$" \
		'^@count active=6 max=6 groups=2$'
	expect_none 'INVARIANT|^@verifier|^@error'
}

# A driver's POOL_FLAG_RAISE_ON_FAILURE allocation fails: a bugcheck
# report, the transcript saved, the machine off (--batch); nothing after
# it runs.
case_bugcheck_batch() {
	user_image || return
	KEEP=1 EFI=$USER_EFI boot bugcheck 2 "--trace --batch --hold 0
load raise
echo not reached"
	expect '^@dbg drv=raise opened, 1 references left$'
	expect '^\*\*\* STOP: 0x0000007E \(0xffffffffc000009a,0x[0-9a-f]{16},0x0000000000000000,0x0000000000000000\)$'
	expect '^\*\*\* SYSTEM_THREAD_EXCEPTION_NOT_HANDLED$'
	expect '^\*\*\* driver raise, on processor nt 0 \(mp 0\); the machine is stopped$'
	expect '^@bugcheck code=0x0000007e p1=0xffffffffc000009a p2=0x[0-9a-f]+ p3=0x0 p4=0x0 drv=raise nt=0 mp=0$'
	expect '^@exit status=0x0000007e$'
	expect_none 'not reached|^unloaded'
	mread /EFI/hotadd/hotadd.log |
		grep -q '^@bugcheck code=0x0000007e' ||
		fail "the saved transcript has no @bugcheck line"
	rm -f $IMG
}

# A processor that reads another APIC id than MP Services reported: its
# add fails (every driver hears Failure), it goes back to the firmware
# marked failed and is never started again, and the others are added and
# answer as before.
case_fault_apic_then_others() {
	boot fault_apic 4 "--trace --batch --hold 2
load log
fault apic next
add next
add 2
add next
cpus
ipi"
	E=0xc0000001
	expect_order '^@error mp 2 reads APIC id 4294967295 but MP Services reported 2$' \
		'^mp 2 is marked failed$' \
		"^@notify drv=log state=failure nt=2 $N status=$E op=$OK" \
		"^@add mp=2 nt=2 status=$E active=2 method=mp$" \
		'^@error add: mp 2 is failed, not held$' \
		"^@add mp=3 nt=2 status=$OK active=3 method=mp$" \
		'^@ipi count=3 ran=0,1,2$'
	expect '^@cpu mp=2 .* state=failed '
	expect_count 2 '^@error '
	expect_none 'INVARIANT|^@verifier'
}
