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

# The keys as a terminal sends them: ESC [ A Up, ESC [ D Left, ESC [ H
# Home, ESC [ 3 ~ Delete, ESC [ 4 ~ End, DEL (\177) from Backspace,
# \003 Ctrl-C, \025 Ctrl-U, \t Tab. Each command's @cmd line shows the
# line the editor handed over.
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
	{ wait_for 'hotadd> ' &&
	  printf 'echo abX\010c\r' >&3 &&
	  wait_for '^abc$' &&
	  printf 'frob\025echo ok\177k\r' >&3 &&
	  wait_for '^ok$' &&
	  printf 'add nxt\r' >&3 &&
	  wait_for "^@error add: 'nxt'" &&
	  printf '\033[A\033[A\r' >&3 &&
	  wait_for '^@cmd text=echo ok t=[0-9]+$' &&
	  printf 'echo wrld\033[D\033[D\033[Do\033[H\033[3~e\033[4~!\r' >&3 &&
	  wait_for '^world!$' &&
	  printf 'shutdown\003echo alive\r' >&3 &&
	  wait_for '^alive$' &&
	  printf 'ec\tthen X\r' >&3 &&
	  wait_for '^then X$' &&
	  printf 'load doc\t\r' >&3 &&
	  wait_for '^loaded docsample' &&
	  printf 'unload d\t\r' >&3 &&
	  wait_for '^unloaded docsample' &&
	  printf 'add \t\t' >&3 &&
	  wait_for '^next  all  1$' &&
	  printf '1\r' >&3 &&
	  wait_for '^@add mp=1 ' &&
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
	expect_count 2 '^@cmd text=echo ok$'
	expect '^@cmd text=echo world!$'
	expect '^@cmd text=echo then X$'
	expect '^@cmd text=load docsample$'
	expect '^@cmd text=unload docsample$'
	expect '^@add mp=1 nt=1 status=0x00000000 active=2$'
	expect_count 1 '^@cmd text=shutdown$'
}
