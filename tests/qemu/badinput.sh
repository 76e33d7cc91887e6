# badinput.sh: every command and option given wrong (sourced by
# tests/run). Each gets exactly one error line, and the processor table,
# the driver list and the counts read the same before and after.

BAD_OPTIONS='--hold -1
--hold 99999
--group-size 65
--cap x
--hold-mp 1-
--hold-package 5000
--frob
--trace=1 --trace
--ap-timeout-ms
--h\303\263ld 2'

long=$(printf '%600s' '' | tr ' ' a)

BAD_COMMANDS="add
add next next
add x
add -1
add 99999999999999999999
add 0
load
load log as
load nosuch
load veto as v status
load veto as v status=zzz
load log
unload
unload a b
unload nosuch
fault
fault timeout
fault timeout next extra
fault sometimes next
fault error 0
fault error 77
trace
trace maybe
explain 1
quiet
sleep
sleep -5
sleep 600001
sleep abc
cpus extra
ipi extra
stats extra
help me
drivers x
save now
check twice
shutdown now
frobnicate
h\303\251llo
echo 'unclosed
echo a b c d e f g h i j k l m n o p q r s t
$long"

case_bad_input_changes_nothing() {
	boot bad_input 4 "--hold 2 --trace --batch
$(printf '%b' "$BAD_OPTIONS")
load log
add next
echo ==state
cpus
drivers
echo ==end
$(printf '%b' "$BAD_COMMANDS")
echo ==state
cpus
drivers
echo ==end"
	nopt=$(printf '%b\n' "$BAD_OPTIONS" | wc -l)
	ncmd=$(printf '%b\n' "$BAD_COMMANDS" | wc -l)
	expect_count $nopt '^@error bad option: '
	expect_count $((nopt + ncmd)) '^@error '
	expect "^@error unknown command 'a{100}"
	expect '^@error echo: more than 15 words$'
	expect "^@error unknown command 'h.+llo' \(try help\)$"
	# the good options still hold
	expect '^@ready active=2 held=2 max=4$'
	expect_none '^@add .* status=0xc|^@verifier|INVARIANT|^shutdown'
	awk '/^==state$/ { n++; next } /^==end$/ { n += 0.5; next }
	     n == 1 { print > "'$Q'/bad_input.before" }
	     n == 2.5 { print > "'$Q'/bad_input.after" }' "$LOG"
	[ -s $Q/bad_input.before ] || fail "no state was printed"
	cmp -s $Q/bad_input.before $Q/bad_input.after ||
		fail "the state changed: $(diff $Q/bad_input.before $Q/bad_input.after | head -5 | tr '\n' ' ')"
}

# Over-long words, commands, lines and option values, through --run, a
# script and the config file: each bad one is one error, every other
# option and command takes effect. (One argument to tools/mkimg holds
# the config: under the 128 KiB a single argument may have.)
case_long_input_costs_itself_alone() {
	x600=$(printf '%600s' '' | tr ' ' x)
	y600=$(printf '%600s' '' | tr ' ' y)
	z600=$(printf '%600s' '' | tr ' ' z)
	gap20k=$(printf '%20000s' '')
	gap70k=$(printf '%70000s' '')
	script=$Q/long.txt
	{
		echo "echo script$gap70k$gap70k-end"
		echo "nosuch$y600; echo after"
		echo "echo 'unclosed"
		printf 'echo nul\000byte\n'
		printf '\000\001\377\n'
		echo "echo last line"
	} > $script
	FILES=$script boot long_input 4 "--hold 2 --run 'echo $x600; frob$y600; add next' --trace --batch
--frob-$z600 --quiet --script /EFI/hotadd/long.txt
--group-size 1 'never closed$gap20k
echo first$gap70k-last
load$gap20k log"
	rm -f $script
	expect_count 6 '^@error '
	expect "^@error unknown command '\\?"
	expect "^@error bad option: unknown option '--frob-z{100}"
	expect '^@error bad option: options: unclosed quote$'
	expect "^@error unknown command 'nosuchy{100}"
	expect '^@error unclosed quote$'
	expect "^@error unknown command 'frob"
	# the options beside the bad ones hold
	expect '^@ready active=2 held=2 max=4$'
	expect_none '^  log +(start|complete)'
	expect '^@notify drv=log state=complete nt=2 group=2 number=0 '
	# and so do the commands: config, then the script, then --run
	expect_order '^first -last$' '^@register drv=log ' '^script -end$' \
		'^after$' '^nul.byte$' '^last line$' "^x{500}" \
		'^@add mp=2 nt=2 status=0x00000000 active=3 method=mp$'
}
