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

# prompt_boot NAME SMP "CONFIG": boot $EFI (default build/hotadd.efi)
# with its serial console on FIFOs; keys typed go to fd 3. prompt_end
# NAME waits for QEMU (bounded by its timeout) and cleans the log.
prompt_boot() {
	LOG=$Q/$1.log
	p=$Q/$1
	rm -f $p.in $p.out $LOG.raw
	mkfifo $p.in $p.out
	tools/mkimg $Q/$1.img "${EFI:-build/hotadd.efi}" "$3" ""
	tools/qemu --smp $2 --disk $Q/$1.img --timeout 120 --pipe $p &
	qemu=$!
	cat $p.out > $LOG.raw &
	exec 3> $p.in
}

prompt_end() {
	wait $qemu
	rc=$?
	exec 3>&-
	rm -f $p.in $p.out $Q/$1.img $Q/$1.img.vars
	clean_log $LOG.raw $LOG
	[ $rc = 0 ] || fail "QEMU exited with $rc"
}

case_prompt_line_editing() {
	prompt_boot prompt 2 "--trace --hold 1"
	# Backspace and DEL erase a character, Ctrl-U the whole line.
	{ wait_for 'hotadd> ' &&
	  printf 'echo abX\010c\r' >&3 &&
	  wait_for '^abc$' &&
	  printf 'frob\025echo ok\177k\r' >&3 &&
	  wait_for '^ok$' &&
	  printf 'add nxt\r' >&3 &&
	  wait_for "^@error add: 'nxt'" &&
	  printf 'shutdown\r' >&3; } || kill $qemu
	prompt_end prompt
	expect '^@exit status=0x00000000$'
	expect_none "unknown command 'frob"
	expect_count 1 '^@error '
}

# Without --batch a bugcheck leaves the machine stopped at the prompt:
# what would change it is refused, the rest works, shutdown powers off.
case_bugcheck_then_prompt() {
	user_image || return
	EFI=$USER_EFI prompt_boot bugcheck_prompt 2 "--trace --hold 0
load raise
echo not reached"
	{ wait_for 'hotadd> ' &&
	  printf 'load log\r' >&3 &&
	  wait_for '^@error load: refused' &&
	  printf 'cpus\r' >&3 &&
	  wait_for '^@count ' &&
	  printf 'shutdown\r' >&3; } || kill $qemu
	prompt_end bugcheck_prompt
	expect '^@bugcheck code=0x0000007e .* drv=raise nt=0 mp=0$'
	expect '^transcript saved to '
	expect '^@error load: refused, the machine stopped at bugcheck 0x0000007E$'
	expect_order '^@bugcheck ' '^@cpu mp=0 .*group=0 number=0$' \
		'^@exit status=0x0000007e$'
	expect_none 'not reached|^unloaded|^@register'
}
