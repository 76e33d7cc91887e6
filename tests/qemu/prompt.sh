# prompt.sh: the interactive prompt, typed at over the serial console
# (sourced by tests/run). Keys are sent only once the prompt has been
# printed, and every wait is bounded.

# wait_for REGEX: until the console shows it (30 s at most)
wait_for() {
	i=0
	while ! tr -d '\r' < $LOG.raw 2>/dev/null | grep -Eq -- "$1"; do
		i=$((i + 1))
		[ $i -le 300 ] || { fail "the console never showed /$1/"; return 1; }
		sleep 0.1
	done
}

case_prompt_line_editing() {
	LOG=$Q/prompt.log
	p=$Q/prompt
	rm -f $p.in $p.out $LOG.raw
	mkfifo $p.in $p.out
	tools/mkimg $Q/prompt.img build/hotadd.efi "--trace --hold 1" ""
	tools/qemu --smp 2 --disk $Q/prompt.img --timeout 120 --pipe $p &
	qemu=$!
	cat $p.out > $LOG.raw &
	exec 3> $p.in
	# Backspace and DEL erase a character, Ctrl-U the whole line.
	{ wait_for 'hotadd> ' &&
	  printf 'echo abX\010c\r' >&3 &&
	  wait_for '^abc$' &&
	  printf 'frob\025echo ok\177k\r' >&3 &&
	  wait_for '^ok$' &&
	  printf 'add nxt\r' >&3 &&
	  wait_for "^@error add: 'nxt'" &&
	  printf 'shutdown\r' >&3; } || kill $qemu
	wait $qemu
	rc=$?
	exec 3>&-
	rm -f $p.in $p.out $Q/prompt.img $Q/prompt.img.vars
	clean_log $LOG.raw $LOG
	[ $rc = 0 ] || fail "QEMU exited with $rc"
	expect '^@exit status=0x00000000$'
	expect_none "unknown command 'frob"
	expect_count 1 '^@error '
}
