# dpc.sh: DPCs and thread affinity on the real processors (sourced by
# tests/run). See lib.sh. The built-in driver hvlike (drivers/hvlike.c)
# moves its thread to each processor added, reads its APIC id there, and
# queues a DPC to it; tests/qemu/dpcheld.c queues one to a held
# processor.

OK=0x00000000
NOMEM=0xc000009a

# The APIC id the @cpu table gives the processor at group $1 number $2.
table_apic() {
	sed -nE "s/^@cpu mp=[0-9]+ apic=([0-9]+) .*state=online .*group=$1 number=$2 .*/\1/p" "$LOG" | tail -n 1
}

# Every "complete nt=N thread on G:P apic=A" and "dpc on G:P apic=A" line
# names the APIC id the table has for G:P; $1 such lines are expected.
apics_match_table() {
	n=0
	for kind in "thread on" "dpc on"; do
		sed -nE "s/^@dbg drv=hvlike complete nt=[0-9]+ $kind ([0-9]+):([0-9]+) apic=([0-9]+) .*/\1 \2 \3/p" "$LOG" >"$LOG.ap"
		while read -r g p a; do
			t=$(table_apic "$g" "$p")
			[ "$t" = "$a" ] ||
				fail "$kind $g:$p read APIC id $a, the table says '$t'"
			n=$((n + 1))
		done <"$LOG.ap"
	done
	[ "$n" = "$1" ] || fail "$n APIC id lines, expected $1"
}

# Veto when the state cannot be allocated, Failure frees, and the retry
# with a size that fits goes through every step on processor 2.
case_hvlike_veto_retry() {
	boot hvlike_veto 4 "--trace --batch --hold 2
load hvlike state=4294967295
add next
unload hvlike
load hvlike
add next
cpus"
	expect_order "^@dbg drv=hvlike start nt=2 state=4294967295 no memory, veto$" \
		"^@dbg drv=hvlike failure nt=2 status=$NOMEM state freed$" \
		"^@add mp=2 nt=2 status=$NOMEM active=2 " \
		'^@dbg drv=hvlike start nt=2 state=8192 at [0-9A-F]{16}$' \
		'^@dbg drv=hvlike complete nt=2 thread on 0:2 apic=[0-9]+ apic_base=0x[0-9a-f]+ bsp=0$' \
		"^@dbg drv=hvlike complete nt=2 dpc on 0:2 apic=[0-9]+ irql=2 wait=$OK$" \
		'^@dbg drv=hvlike complete nt=2 topology core mask=0x4 has it=yes$' \
		"^@add mp=2 nt=2 status=$OK active=3 "
	apics_match_table 2
	expect_none '^@verifier|INVARIANT|^@error'
}

# 16 processors in groups of 4: a veto, then three adds, each landing
# on its own processor in the last group.
case_hvlike_16_groups() {
	boot hvlike_16 16 "--trace --batch --hold 3 --group-size 4
load hvlike state=4294967295
add next
unload hvlike
load hvlike
add next
add next
add next
cpus"
	expect_order "^@dbg drv=hvlike failure nt=13 status=$NOMEM state freed$" \
		"^@add mp=13 nt=13 status=$NOMEM active=13 " \
		"^@add mp=13 nt=13 status=$OK active=14 "
	expect_count 3 "^@add mp=[0-9]+ nt=[0-9]+ status=$OK "
	expect_count 3 '^@dbg drv=hvlike complete nt=[0-9]+ thread on [0-9]+:[0-9]+ apic=[0-9]+ .* bsp=0$'
	expect_count 3 "^@dbg drv=hvlike complete nt=[0-9]+ dpc on .* irql=2 wait=$OK$"
	expect_count 3 '^@dbg drv=hvlike complete nt=[0-9]+ topology .* has it=yes$'
	expect '^@dbg drv=hvlike complete nt=15 thread on 3:3 '
	apics_match_table 6
	expect_none '^@verifier|INVARIANT|^@error'
}

# The image with this file's test drivers built in (make DRIVERS=).
DPC_EFI=build/dpcdrv/hotadd.efi
dpc_image() {
	make -s B=build/dpcdrv \
		DRIVERS="tests/qemu/dpcheld.c tests/qemu/awaybug.c tests/qemu/stayaway.c tests/qemu/gcall.c" $DPC_EFI \
		>/dev/null || { fail "make DRIVERS=tests/qemu/... failed"; return 1; }
}

# A DPC for a held processor: reported if its driver goes before the
# processor comes; otherwise it runs there once the add has started it.
case_dpc_for_held_processor() {
	dpc_image || return
	EFI=$DPC_EFI boot dpc_held 4 "--trace --batch --hold 1
load dpcheld
sleep 200
unload dpcheld
load dpcheld as second
sleep 200
add next
unload second
cpus"
	expect_count 2 "^@dbg drv=(dpcheld|second) target 0:3 status=$OK queued=1$"
	expect_count 1 '^@verifier drv=dpcheld rule=dpc-at-unload$'
	expect_order '^@verifier drv=dpcheld rule=dpc-at-unload$' \
		'^@pass state=start nt=3 kind=add' \
		'^@dbg drv=second dpc ran on 0:3 apic=[0-9]+ irql=2$' \
		"^@add mp=3 nt=3 status=$OK active=4 "
	expect_count 1 '^@dbg .*dpc ran on'
	a=$(sed -nE 's/^@dbg drv=second dpc ran on 0:3 apic=([0-9]+) .*/\1/p' "$LOG")
	[ "$a" = "$(table_apic 0 3)" ] || fail "DPC read APIC id '$a'"
	expect_none 'INVARIANT|^@error'
}

# KeBugCheckEx on the processor the thread moved to: reported with that
# processor, and the machine powers off (the boot passes only if the
# simulator says @exit), the BSP back on the thread's stack.
case_bugcheck_on_moved_thread() {
	dpc_image || return
	EFI=$DPC_EFI boot bugcheck_moved 4 "--trace --batch --hold 1
load awaybug
add next
echo not reached"
	expect_order '^@dbg drv=awaybug on 0:3, stopping$' \
		'^@bugcheck code=0x000000e2 p1=0x1 p2=0x2 p3=0x3 p4=0x4 drv=awaybug nt=3 mp=3$' \
		'^@exit status=0x000000e2'
	expect_none 'not reached'
}

# The same without --batch: the machine stays stopped at the prompt, the
# BSP runs the shell on the thread's stack while the parked processor
# takes its timer interrupts on its own; the prompt keeps working.
case_bugcheck_on_moved_thread_then_prompt() {
	dpc_image || return
	EFI=$DPC_EFI live bugcheck_moved_prompt 4 "--trace --hold 1
load awaybug
add next" || return
	wait_for 'hotadd> ' &&
	  say 'sleep 300' && wait_for '^@cmd text=sleep 300' &&
	  say cpus && wait_for '^@count ' &&
	  say 'sleep 300' && say cpus && say 'echo still here' &&
	  wait_for '^still here'
	live_end
	expect '^@bugcheck code=0x000000e2 .* drv=awaybug nt=3 mp=3$'
	expect_count 2 '^@count active=4 '
	expect '^@exit status=0x000000e2$'
}

# A callback that allocates pool on the processor it moved to (the BSP
# serves it) and returns with its thread still there: reported, the thread moved back to the BSP, and the shell
# goes on there (the next add moves and comes back again).
case_affinity_not_reverted() {
	dpc_image || return
	EFI=$DPC_EFI boot stayaway 4 "--trace --batch --hold 2
load stayaway
add next
add next
cpus"
	expect_order '^@dbg drv=stayaway left on 0:2 apic=2 pool=ok$' \
		'^@verifier drv=stayaway rule=affinity-not-reverted$' \
		"^@add mp=2 nt=2 status=$OK active=3 " \
		'^@dbg drv=stayaway left on 0:3 apic=3 pool=ok$' \
		'^@verifier drv=stayaway rule=affinity-not-reverted$' \
		"^@add mp=3 nt=3 status=$OK active=4 " \
		'^@count active=4 '
	expect_count 2 '^@verifier .*rule=affinity-not-reverted$'
	expect_none 'rule=pool'
	expect_none 'INVARIANT|^@error'
}

# KeGenericCallDpc and KeFlushQueuedDpcs on the real processors, before
# and after an add, in two groups (tests/qemu/gcall.c).
case_generic_call_and_flush() {
	dpc_image || return
	EFI=$DPC_EFI boot gcall 8 "--trace --batch --hold 1 --group-size 4
load gcall
add next
load gcall as again"
	expect_order '^@dbg drv=gcall generic call: 7 of 7 processors once, 2 winners$' \
		'^@dbg drv=gcall flush: 7 of 7 ran$' \
		"^@add mp=7 nt=7 status=$OK active=8 " \
		'^@dbg drv=again generic call: 8 of 8 processors once, 2 winners$' \
		'^@dbg drv=again flush: 8 of 8 ran$'
	expect_none '^@verifier|INVARIANT|^@error'
}

# `bench` after its first add: a DPC's round trip to the processor just
# added and an affinity switch there and back, each measured (a round
# trip that failed, or a switch that did not land there and come home,
# gives an error instead of the figure), against KeIpiGenericCall.
case_bench_reaches_new_processor() {
	boot bench_reach 4 "--trace --batch --quiet --hold 3
bench"
	expect '^code on processor 1, just added, against KeIpiGenericCall to 2 processors, medians of 32:$'
	for f in dpc_roundtrip affinity_switch; do
		expect "^@bench name=$f value=[1-9][0-9]* unit=ns baseline=[1-9][0-9]* ratio=[0-9]+\.[0-9]{2}$"
	done
	expect '^native hot-add .* medians of 1 and 2:$'
	expect_none '^@verifier|INVARIANT|^@error'
}

# Work for an AP asleep between its timer ticks wakes it with an IPI
# rather than waiting for the tick, as on a real machine: the thread
# handed to it (1), a DPC queued to it (1), a KeIpiGenericCall (1 for
# each AP). `stats` counts the wakes each AP was sent.
case_work_wakes_sleeping_ap() {
	boot wakes 4 "--trace --batch --hold 1
load hvlike
add next
ipi
stats"
	expect "^@dbg drv=hvlike complete nt=3 dpc on 0:3 apic=3 irql=2 wait=$OK$"
	expect '^@stats nt=1 mp=1 loops=[0-9]+ wakes=1$'
	expect '^@stats nt=2 mp=2 loops=[0-9]+ wakes=1$'
	expect '^@stats nt=3 mp=3 loops=[0-9]+ wakes=3$'
	expect_none '^@verifier|INVARIANT|^@error'
}
