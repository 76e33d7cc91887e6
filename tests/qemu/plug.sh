# plug.sh: processors plugged into the running machine through QMP
# (tools/plug), as QEMU's ACPI CPU hot-plug announces them (sourced by
# tests/run). See lib.sh for `live`.
#
# MP Services never learn of a plugged processor: it is started natively
# (native.c), and QEMU hears the outcome through _OST.

N='group=[0-9]+ number=[0-9]+'
OK=0x00000000

# plug_now ARGS...: tools/plug through this session's socket; its output
# must match $PLUGGED (a regex).
plug_now() {
	out=$(tools/plug --qmp $QMP "$@" 2>&1) ||
		{ fail "tools/plug $*: $out"; return 1; }
	echo "$out" | grep -Eq -- "$PLUGGED" ||
		{ fail "tools/plug $* printed: $out"; return 1; }
}

# ospm SLOT REGEX: QEMU's query-acpi-ospm-status line for SLOT matches
ospm() {
	got=$(tools/plug --qmp $QMP --status 2>&1 | grep "^slot $1: ")
	echo "$got" | grep -Eq -- "$2" ||
		fail "OSPM status of slot $1 is '$got', not /$2/"
}

case_plug_two_every_driver() {
	live plug_two 2 "--trace --hold 0
load log as a
load log as b" --maxcpus 4 || return
	PLUGGED='^plugged socket 0 core 2 thread 0 '
	wait_for '^hotadd> ' 60 && plug_now && wait_for '^@ost slot=2 ' &&
		ospm 2 'source 0x01 \(device check\) status 0x00 \(success\) device plug-0-2-0$' &&
		ospm 3 'source 0x00 .* status 0x00 ' &&
		PLUGGED='^plugged socket 0 core 3 thread 0 ' && plug_now &&
		wait_for '^@ost slot=3 ' &&
		ospm 3 'source 0x01 \(device check\) status 0x00 \(success\) ' &&
		say 'ipi; check; cpus' && wait_for '^@count '
	live_end
	expect '^@cpuhp state=on base=0x0cd8 slots=4 present=2$'
	expect '^@ready active=2 held=0 max=4$'
	expect '^@cpu mp=3 apic=3 package=0 core=3 thread=0 state=absent .*source=plugged$'
	# each: announced, Start to every driver, the native start, Complete
	# to every driver, the add, QEMU told of the success
	expect_order '^@plug apic=2 slot=2 sel=2$' \
		"^@notify drv=a state=start nt=2 $N status=$OK op=$OK$" \
		"^@notify drv=b state=start nt=2 $N status=$OK op=$OK$" \
		'^@icr apic=2 kind=init ' '^@icr apic=2 kind=sipi ' \
		'^@stage apic=2 stage=c$' \
		"^@notify drv=a state=complete nt=2 $N status=$OK op=$OK$" \
		"^@notify drv=b state=complete nt=2 $N status=$OK op=$OK$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$" \
		'^@ost slot=2 sel=2 source=0x01 status=0x00$' \
		'^@plug apic=3 slot=3 sel=3$' \
		"^@notify drv=a state=start nt=3 $N status=$OK op=$OK$" \
		"^@notify drv=b state=start nt=3 $N status=$OK op=$OK$" \
		'^@stage apic=3 stage=c$' \
		"^@notify drv=a state=complete nt=3 $N status=$OK op=$OK$" \
		"^@notify drv=b state=complete nt=3 $N status=$OK op=$OK$" \
		"^@add mp=3 nt=3 status=$OK active=4 method=native$" \
		'^@ost slot=3 sel=3 source=0x01 status=0x00$' \
		'^@ipi count=4 ran=0,1,2,3$' \
		'^@cpu mp=2 apic=2 .*state=online .*source=plugged$' \
		'^@cpu mp=3 apic=3 .*state=online .*source=plugged$' \
		'^@count active=4 max=4 ' \
		'^@icr apic=2 kind=init ' '^3 AP loops stopped$' \
		'^The give-back is not checked: a processor plugged in at runtime'
	# the firmware's broadcasts would reach the plugged processors
	expect '^@error check: slot 2 was plugged in at runtime; '
	expect_count 1 '^@error '
	expect_none 'state=failure|INVARIANT|^@verifier|^@giveback'
}

# A veto stops the add before any start; without it, `add` tries again.
case_plug_veto_then_add() {
	live plug_veto 2 "--trace --hold 0
load log
load veto" --maxcpus 4 || return
	V=0xc000009a
	PLUGGED='^plugged socket 0 core 2 '
	wait_for '^hotadd> ' 60 && plug_now && wait_for '^@ost slot=2 ' &&
		ospm 2 'status 0x01 ' && say 'unload veto; add 2; cpus' &&
		wait_for '^@count ' && ospm 2 'source 0x01 .* status 0x00 '
	live_end
	expect_order '^@plug apic=2 slot=2 sel=2$' \
		"^@notify drv=log state=start nt=2 $N status=$OK op=$OK$" \
		"^@notify drv=veto state=start nt=2 $N status=$OK op=$V$" \
		"^@notify drv=log state=failure nt=2 $N status=$V op=$OK$" \
		"^@add mp=2 nt=2 status=$V active=2 method=native$" \
		'^@ost slot=2 sel=2 source=0x01 status=0x01$' \
		'^@deregister drv=veto$' \
		"^@notify drv=log state=start nt=2 $N status=$OK op=$OK$" \
		'^@stage apic=2 stage=c$' \
		"^@notify drv=log state=complete nt=2 $N status=$OK op=$OK$" \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$" \
		'^@ost slot=2 sel=2 source=0x01 status=0x00$' \
		'^@cpu mp=2 .*state=online .*source=plugged$'
	# the vetoed add sent no IPI
	expect_count 2 '^@icr apic=2 kind=sipi '
	expect_none 'INVARIANT|^@verifier|^@error'
}

# --plugged hold: the processor joins the table held, QEMU hears nothing
# until an add. Sparse APIC ids (three cores a socket) place the absent
# processors by the BSP's topology widths. Its first start times out (no
# SIPI): Failure, QEMU told, still held; the next add starts it.
case_plug_hold() {
	live plug_hold 2,sockets=2,cores=3,threads=1 "--trace --hold 0 --plugged hold --ap-timeout-ms 300
load log" --maxcpus 6 || return
	PLUGGED='^plugged socket 1 core 1 thread 0 '
	T=0xc00000b5
	wait_for '^hotadd> ' 60 &&
		plug_now --socket 1 --core 1 --thread 0 &&
		wait_for '^--plugged hold: slot 4 is held' &&
		ospm 4 'source 0x00 .* status 0x00 ' &&
		say 'cpus; fault timeout next; add next' &&
		wait_for '^@ost slot=4 ' && ospm 4 'source 0x01 .* status 0x01 ' &&
		say 'add next' && wait_for "^@add mp=4 nt=2 status=$OK" &&
		ospm 4 'source 0x01 .* status 0x00 '
	live_end
	expect '^@ready active=2 held=0 max=6$'
	expect '^@cpu mp=3 apic=4 package=1 core=0 thread=0 state=absent .*source=plugged$'
	expect_order '^@plug apic=5 slot=4 sel=4$' \
		'^@cpu mp=4 apic=5 package=1 core=1 thread=0 state=held .*source=plugged$' \
		"^@notify drv=log state=start nt=2 $N status=$OK op=$OK$" \
		'^@icr apic=5 kind=init ' \
		'^mp 4: the last trampoline stage it reached: none$' \
		"^@notify drv=log state=failure nt=2 $N status=$T op=$OK$" \
		"^@add mp=4 nt=2 status=$T active=2 method=native$" \
		'^@ost slot=4 sel=4 source=0x01 status=0x01$' \
		"^@notify drv=log state=start nt=2 $N status=$OK op=$OK$" \
		'^@stage apic=5 stage=c$' \
		"^@notify drv=log state=complete nt=2 $N status=$OK op=$OK$" \
		"^@add mp=4 nt=2 status=$OK active=3 method=native$" \
		'^@ost slot=4 sel=4 source=0x01 status=0x00$'
	# nothing was added before the add
	expect_order '^@plug apic=5 ' '^@cpu mp=4 ' '^@notify drv=log state=start nt=2 '
	expect_count 2 '^@notify drv=log state=start nt=2 '
}

# 8 present of 16 possible, groups of 8: the plugged processor takes the
# place kept for it at boot, group 1 number 0.
case_plug_two_groups() {
	live plug_groups 8 "--trace --hold 0 --group-size 8
load log" --maxcpus 16 || return
	PLUGGED='^plugged socket 0 core 8 thread 0 '
	wait_for '^hotadd> ' 60 && plug_now && wait_for '^@ost slot=8 ' &&
		ospm 8 'source 0x01 .* status 0x00 ' && say 'ipi; cpus' &&
		wait_for '^@count '
	live_end
	expect '^@ready active=8 held=0 max=16$'
	expect_order '^@plug apic=8 slot=8 sel=8$' \
		"^@notify drv=log state=start nt=8 group=1 number=0 status=$OK op=$OK$" \
		'^@stage apic=8 stage=c$' \
		"^@notify drv=log state=complete nt=8 group=1 number=0 status=$OK op=$OK$" \
		"^@add mp=8 nt=8 status=$OK active=9 method=native$" \
		'^@ipi count=9 ran=0,1,2,3,4,5,6,7,8$' \
		'^@cpu mp=8 apic=8 .*state=online .*group=1 number=0 source=plugged$' \
		'^@count active=9 max=16 groups=2$'
	expect_none 'INVARIANT|^@verifier|^@error'
}

# QEMU asks for a processor back: declined through _OST, nothing lost.
case_unplug_declined() {
	live unplug 2 "--trace --hold 0
load log" --maxcpus 3 || return
	PLUGGED='^asked QEMU to remove socket 0 core 1 thread 0 '
	wait_for '^hotadd> ' 60 && plug_now --unplug &&
		wait_for '^@unplug ' && ospm 1 'source 0x03 \(eject request\) status 0x80 \(ejection not supported by OSPM\)' &&
		say 'ipi; cpus' && wait_for '^@count '
	live_end
	expect_order '^@unplug apic=1 slot=1 sel=1 status=0x80$' \
		'^@ipi count=2 ran=0,1$' \
		'^@cpu mp=1 apic=1 .*state=online .*source=boot$' \
		'^@count active=2 max=3 '
	expect '^QEMU asks to remove the processor with APIC id 1: declined'
	expect_none '^@notify .* nt=2 |^@add |^@error'
}

# Where there is nothing to plug: every processor present (the block is
# there, with no free slot), no block at the ports (i440fx has it
# elsewhere), and a processor that is no virtual machine's (ports left
# alone).
case_plug_nothing_to_plug() {
	boot plug_full 4 "--trace --batch --hold 1"
	expect '^@cpuhp state=on base=0x0cd8 slots=4 present=4$'
	expect '^@ready active=3 held=1 max=4$'
	expect_none 'state=absent'
	boot plug_pc 2 "--trace --batch --hold 0" --machine pc
	expect '^@cpuhp state=off reason=no-block$'
	expect '^@ready active=2 held=0 max=2$'
	boot plug_real 2 "--trace --batch --hold 0" --maxcpus 4 -- \
		-cpu qemu64,-hypervisor
	expect '^@cpuhp state=off reason=no-hypervisor$'
	# the MADT still names the processors that may come
	expect '^@ready active=2 held=0 max=4$'
	expect_none '^QEMU CPU hot-plug'
}

# tools/plug's own answers, each error one line, against a QEMU that runs
# no firmware (-S: stopped before its first instruction, QMP answers).
case_plug_tool_errors() {
	QMP=$Q/tool.qmp
	LOG=$Q/tool.log
	rm -f $QMP
	timeout -k 5 60 qemu-system-x86_64 -S -machine q35,smm=off -accel tcg \
		-smp 1,maxcpus=2 -nodefaults -display none \
		-qmp unix:$QMP,server=on,wait=off </dev/null 2>/dev/null &
	pid=$!
	i=0
	while [ ! -S $QMP ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	for args in "" "" "--socket 0 --core 0 --thread 0" \
	    "--unplug --socket 0 --core 0 --thread 0" "--socket 0 --core 5"; do
		tools/plug --qmp $QMP $args
		echo "rc=$?"
	done > $LOG 2>&1
	tools/plug --qmp $Q/nothing.qmp >> $LOG 2>&1
	echo "rc=$?" >> $LOG
	kill $pid
	wait $pid
	rm -f $QMP
	expect_order '^plugged socket 0 core 1 thread 0 \(qemu64-x86_64-cpu, id plug-0-1-0\)$' \
		'^rc=0$' \
		'^plug: no free processor slot: all 2 possible processors are present \(start QEMU with a larger MAXCPUS\)$' \
		'^rc=1$' \
		'^plug: socket 0 core 0 thread 0 is already present$' '^rc=1$' \
		'^plug: QEMU refused device_del: Boot CPU is unpluggable$' '^rc=1$' \
		'^plug: no single processor slot matches socket 0 core 5 ' '^rc=1$' \
		"^plug: no QEMU listening at $Q/nothing.qmp " '^rc=1$'
	expect_count 12 '.'
}

# Soak: eight processors plugged one after another into a running
# machine, a driver unloaded and loaded again between plugs; every add
# succeeds, nothing is reported, and the core's pool ends where it began.
case_soak_plug() {
	live soak_plug 2 "--trace --quiet --hold 0
load log quiet=1
stats" --maxcpus 10 || return
	PLUGGED='^plugged socket 0 core [0-9]+ thread 0 '
	wait_for '^hotadd> ' 60 || { live_end; return; }
	for i in 2 3 4 5 6 7 8 9; do
		plug_now && wait_for "^@ost slot=$i " || break
		say 'unload log; load log quiet=1'
	done
	say 'stats; cpus' && wait_for '^@count '
	live_end
	expect_count 8 "^@add mp=[2-9] nt=[2-9] status=$OK active=([3-9]|10) method=native$"
	expect_count 8 '^@ost slot=[2-9] sel=[2-9] source=0x01 status=0x00$'
	expect '^@count active=10 max=10 '
	expect_count 2 '^core pool: '
	pools=$(grep -E '^core pool: [0-9]+ blocks outstanding$' "$LOG" | sort -u | wc -l)
	[ "$pools" = 1 ] || fail "the core's pool changed: $(grep '^core pool' "$LOG" | tr '\n' ';')"
	expect_none 'INVARIANT|^@verifier|^@error'
}

# A processor plugged into a machine in x2APIC mode (tools/qemu --x2apic,
# the simulator's --x2apic; see native.sh) comes up from reset in xAPIC
# mode: it switches itself to the BSP's mode before its loop runs, so the
# driver reads EXTD set on it, and the broadcast reaches it.
case_plug_x2apic() {
	live plug_x2apic 2 "--trace --x2apic --hold 0
load hvlike" --maxcpus 4 --x2apic || return
	PLUGGED='^plugged socket 0 core 2 thread 0 '
	wait_for '^hotadd> ' 60 && plug_now && wait_for '^@ost slot=2 ' &&
		ospm 2 'source 0x01 \(device check\) status 0x00 \(success\) ' &&
		say 'ipi; cpus' && wait_for '^@count '
	live_end
	expect_order '^local APIC in x2APIC mode \(--x2apic\)$' \
		'^@plug apic=2 slot=2 sel=2$' \
		'^@native count=1 init_delay_us=10000 sipi_delay_us=200 apic=x2apic$' \
		'^@stage apic=2 stage=c$' \
		'^@dbg drv=hvlike complete nt=2 thread on 0:2 apic=2 apic_base=0xfee00c00 bsp=0$' \
		"^@add mp=2 nt=2 status=$OK active=3 method=native$" \
		'^@ipi count=3 ran=0,1,2$' \
		'^@cpu mp=2 .*state=online .*source=plugged$'
	expect_none 'INVARIANT|^@verifier|^@error'
}
