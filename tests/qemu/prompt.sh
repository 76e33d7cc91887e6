# prompt.sh: the interactive prompt, typed at over the serial console
# (sourced by tests/run). Keys are sent only once the prompt has been
# printed, and every wait is bounded.

case_prompt_line_editing() {
	live prompt 2 "--trace --hold 1" || return
	# Backspace and DEL erase a character, Ctrl-U the whole line.
	wait_for 'hotadd> ' &&
	  printf 'echo abX\010c\r' >&3 &&
	  wait_for '^abc$' &&
	  printf 'frob\025echo ok\177k\r' >&3 &&
	  wait_for '^ok$' &&
	  say 'add nxt' &&
	  wait_for "^@error add: 'nxt'"
	live_end
	expect_none "unknown command 'frob"
	expect_count 1 '^@error '
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
