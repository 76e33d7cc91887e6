# lib.sh: the QEMU test harness, sourced by tests/run.
#
# A case is a shell function named case_*. It boots the simulator with
# `boot`, then judges what the simulator printed on its serial console
# with `expect`, `expect_count` and `expect_none`. Every boot is bounded by
# a timeout, and a boot passes only if the simulator itself said it was
# exiting (its @exit line) and QEMU then powered off.
#
# Every @ line ends with " t=<us>" (its time stamp). The cases match the
# rest of the line: $LOG has the stamps taken off, $LOG.t keeps them.

Q=build/qemu
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}
mkdir -p $Q

# boot NAME SMP "CONFIG" [--usb] : boot $EFI (default build/hotadd.efi)
# with CONFIG as its config file (option lines and command lines); the
# serial console goes to $Q/NAME.log. Other arguments go to tools/qemu.
# With KEEP=1 the disk stays, as $IMG, for the case to read back; FILES
# are copied to \EFI\hotadd\ on it.
boot() {
	name=$1 smp=$2 opts=$3
	shift 3
	LOG=$Q/$name.log
	IMG=$Q/$name.img
	tools/mkimg $Q/$name.img "${EFI:-build/hotadd.efi}" "$opts" "" \
		${FILES:-} ||
		{ fail "could not build the boot disk"; return; }
	tools/qemu --smp "$smp" --disk $Q/$name.img --timeout $BOOT_TIMEOUT \
		--log $LOG.raw "$@" </dev/null
	rc=$?
	clean_log $LOG.raw $LOG
	rm -f $Q/$name.img.vars $LOG.raw
	[ "${KEEP:-0}" = 1 ] || rm -f $IMG
	if [ $rc = 124 ]; then
		fail "QEMU timed out after ${BOOT_TIMEOUT}s"
	elif [ $rc != 0 ]; then
		fail "QEMU exited with $rc"
	fi
	expect '^@exit status=0x[0-9a-f]{8}$'
}

# clean_log RAW LOG: the serial output as lines (no CR, no terminal
# escapes) in LOG.t, and without the @ lines' time stamps in LOG.
clean_log() {
	tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$2.t"
	sed -E '/^@/s/ t=[0-9]+$//' "$2.t" > "$2"
}

fail() {
	FAILED="${FAILED:+$FAILED; }$*"
}

# expect REGEX: some line of the log matches (extended regex)
expect() {
	grep -Eq -- "$1" "$LOG" || fail "no line matches /$1/"
}

# expect_none REGEX: no line matches
expect_none() {
	grep -Eq -- "$1" "$LOG" && fail "unexpected line: $(grep -E -m1 -- "$1" "$LOG")"
	return 0
}

# expect_count N REGEX: exactly N lines match
expect_count() {
	n=$(grep -Ec -- "$2" "$LOG")
	[ "$n" = "$1" ] || fail "$n lines match /$2/, expected $1"
}

# expect_order REGEX... : lines matching each regex, in this order
expect_order() {
	at=0
	for re in "$@"; do
		next=$(grep -nE -- "$re" "$LOG" | cut -d: -f1 |
			awk -v at=$at '$1 > at { print; exit }')
		if [ -z "$next" ]; then
			fail "no line matches /$re/ after line $at"
			return
		fi
		at=$next
	done
}

# A live session, for cases that act while the simulator runs: QEMU in
# the background, the serial console on FIFOs, a QMP socket at $QMP.
#   live NAME SMP "CONFIG" [tools/qemu args]   boot (console in $LOG.raw)
#   wait_for REGEX [SECONDS]                   until the console shows it
#   say TEXT                                   type TEXT and Enter
#   live_end                                   shutdown, wait, clean up
# After a failed wait QEMU is killed at once; every boot is bounded too.
live() {
	name=$1 smp=$2 opts=$3
	shift 3
	LOG=$Q/$name.log
	LIVE=$Q/$name
	QMP=$Q/$name.qmp
	rm -f $LIVE.in $LIVE.out $LOG.raw
	mkfifo $LIVE.in $LIVE.out
	tools/mkimg $LIVE.img "${EFI:-build/hotadd.efi}" "$opts" "" ||
		{ fail "could not build the boot disk"; return 1; }
	tools/qemu --smp "$smp" --disk $LIVE.img --timeout $BOOT_TIMEOUT \
		--pipe $LIVE --qmp $QMP "$@" </dev/null &
	QEMU_PID=$!
	cat $LIVE.out > $LOG.raw &
	CAT_PID=$!
	exec 3<> $LIVE.in	# read-write: opening never waits for QEMU
}

wait_for() {
	i=0
	while ! tr -d '\r' 2>/dev/null < $LOG.raw | grep -Eq -- "$1"; do
		i=$((i + 1))
		[ $i -le $((${2:-30} * 10)) ] ||
			{ fail "the console never showed /$1/"; return 1; }
		sleep 0.1
	done
}

say() {
	printf '%s\r' "$1" >&3
}

live_end() {
	if [ -z "$FAILED" ]; then
		say shutdown
	else
		kill $QEMU_PID 2>/dev/null
	fi
	wait $QEMU_PID
	rc=$?
	# A QEMU that never started never opened the console's FIFO: open
	# it here, so that cat's open returns and it sees the end.
	exec 3>&- 4<> $LIVE.out
	exec 4>&-
	wait $CAT_PID
	rm -f $LIVE.in $LIVE.out $LIVE.img $LIVE.img.vars $QMP
	clean_log $LOG.raw $LOG
	[ $rc = 0 ] || fail "QEMU exited with $rc"
	expect '^@exit status=0x[0-9a-f]{8}$'
}

# run_case NAME: run case_NAME, print PASS or FAIL (with the log's tail)
run_case() {
	FAILED=
	LOG=/dev/null
	start=$(date +%s)
	if command -v "case_$1" >/dev/null 2>&1; then
		"case_$1"
	else
		fail "there is no case named $1"
	fi
	t=$(( $(date +%s) - start ))
	if [ -z "$FAILED" ]; then
		echo "PASS qemu/$1 (${t}s)"
		PASSED_N=$((PASSED_N + 1))
	else
		echo "FAIL qemu/$1 (${t}s): $FAILED"
		echo "---- last lines of $LOG"
		tail -n 25 "$LOG" | sed 's/^/    /'
		FAILED_N=$((FAILED_N + 1))
	fi
}
