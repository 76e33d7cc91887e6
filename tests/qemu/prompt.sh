# prompt.sh: the interactive prompt, typed at over the serial console
# (sourced by tests/run). Keys are sent only once the prompt has been
# printed, and every wait is bounded.

# The keys as a terminal sends them: ESC [ A Up, ESC [ D Left, ESC [ H
# Home, ESC [ 3 ~ Delete, ESC [ 4 ~ End, DEL (\177) from Backspace,
# \003 Ctrl-C, \025 Ctrl-U, \t Tab. Each command's @cmd line shows the
# line the editor handed over.
case_prompt_line_editing() {
	live prompt 2 "--trace --hold 1" || return
	wait_for 'hotadd> ' &&
	  printf 'echo abX\010c\r' >&3 &&
	  wait_for '^abc$' &&
	  printf 'frob\025echo ok\177k\r' >&3 &&
	  wait_for '^ok$' &&
	  say 'add nxt' &&
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
	  wait_for '^@add mp=1 '
	live_end
	expect_none "unknown command 'frob"
	expect_count 1 '^@error '
	expect_count 2 '^@cmd text=echo ok$'
	expect '^@cmd text=echo world!$'
	expect '^@cmd text=echo then X$'
	expect '^@cmd text=load docsample$'
	expect '^@cmd text=unload docsample$'
	expect '^@add mp=1 nt=1 status=0x00000000 active=2 method=mp$'
	expect_count 1 '^@cmd text=shutdown$'
}

# Without --batch a bugcheck leaves the machine stopped at the prompt:
# what would change it is refused, the rest works, shutdown powers off.
case_bugcheck_then_prompt() {
	user_image || return
	EFI=$USER_EFI live bugcheck_prompt 2 "--trace --hold 0
load raise
echo not reached" || return
	wait_for 'hotadd> ' &&
	  say 'load log' &&
	  wait_for '^@error load: refused' &&
	  say cpus &&
	  wait_for '^@count '
	live_end
	expect '^@bugcheck code=0x0000007e .* drv=raise nt=0 mp=0$'
	expect '^transcript saved to '
	expect '^@error load: refused, the machine stopped at bugcheck 0x0000007E$'
	expect_order '^@bugcheck ' '^@cpu mp=0 .*group=0 number=0 source=boot$' \
		'^@exit status=0x0000007e$'
	expect_none 'not reached|^unloaded|^@register'
}
