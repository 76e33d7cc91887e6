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
