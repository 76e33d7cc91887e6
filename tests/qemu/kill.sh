# kill.sh: QEMU dies with whatever started it (sourced by tests/run):
# its caller killed with SIGKILL, `make run` killed with SIGKILL, Ctrl-C
# (SIGINT to the terminal's process group), a calling script's timeout,
# and tests/run itself killed. Each QEMU is caught while it boots, then
# whatever started it is killed, and it must be gone within 10 s.

# qemu_pid IMG: the QEMU booting IMG, once it runs (60 s at most)
qemu_pid() {
	i=0
	while [ $i -lt 600 ]; do
		pid=$(pgrep -f -- "^qemu-system-x86_64 .*file=$1" | head -n 1)
		[ -n "$pid" ] && { echo "$pid"; return; }
		i=$((i + 1))
		sleep 0.1
	done
}

# gone PID WHAT: PID ends within 10 s, or the case fails
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			fail "$2: QEMU ($1) still runs"
			kill -KILL "$1"
			return
		fi
		sleep 0.1
	done
}

# killed HOW IMG PID: QEMU for IMG started, PID was killed (HOW), QEMU went
killed() {
	q=$(qemu_pid "$2")
	if [ -z "$q" ]; then
		fail "$1: QEMU never started"
		kill -KILL "$3" 2>/dev/null
		return
	fi
	case $1 in
	ctrl-c) /bin/kill -s INT -- "-$3" ;;	# its process group
	timeout) kill -s ALRM "$3" ;;	# timeout(1)'s time is up now
	*) kill -KILL "$3" ;;
	esac
	gone "$q" "$1"
	wait "$3" 2>/dev/null
	rc=$?
	[ "$1" != timeout ] || [ $rc = 124 ] ||
		fail "timeout: make ended with $rc, not timeout's 124"
}

case_qemu_dies_with_its_parent() {
	LOG=$Q/kill.log
	img=$Q/kill.img
	tools/mkimg $img build/hotadd.efi "--hold 1" "" || { fail "mkimg"; return; }
	sh -c "tools/qemu --smp 1 --disk $img --timeout 120 --log /dev/null" \
		</dev/null &
	killed "caller killed" $img $!
	make -s run IMG=$Q/kill-run.img RUNLOG=$Q/kill-run.log TIMEOUT=120 \
		DEMO= </dev/null >/dev/null 2>&1 &
	killed "make run killed" $Q/kill-run.img $!
	# a background job ignores SIGINT; at a terminal, Ctrl-C does not
	setsid env --default-signal=INT make -s run IMG=$Q/kill-int.img RUNLOG=$Q/kill-int.log \
		TIMEOUT=120 DEMO= </dev/null >/dev/null 2>&1 &
	killed ctrl-c $Q/kill-int.img $!
	timeout 600 make -s run IMG=$Q/kill-to.img RUNLOG=$Q/kill-to.log \
		TIMEOUT=120 DEMO= </dev/null >/dev/null 2>&1 &
	killed timeout $Q/kill-to.img $!
	# a runner killed in the middle of a case (a smp1 boot)
	sh -c 'QEMU_CASES=smp1 FUZZ=none tests/run' >/dev/null 2>&1 </dev/null &
	killed "tests/run killed" $Q/smp1.img $!
	rm -f $Q/kill*.img $Q/kill*.img.vars $Q/kill*.log
}
