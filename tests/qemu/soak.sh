# soak.sh: endurance (sourced by tests/run). 50 cycles of an injected
# start timeout, the failed add, a successful add of the same processor,
# and a driver unload and reload, with the verifier on. Nothing may be
# reported, no invariant may break, and the core's pool must end where it
# began. It runs --quiet with a quiet log, so the console (which is slow
# under emulation) stays short; the trace is on only for the last lines.

SOAK_CYCLES=50

# soak NAME "OPTIONS" "ERROR": the cycles, with the options given; ERROR
# is the line each injected timeout must print
soak() {
	cycle='fault timeout next; add next; add next; unload log; load log quiet=1'
	BOOT_TIMEOUT=600 boot $1 $((SOAK_CYCLES + 1)) "--batch --quiet --hold $SOAK_CYCLES --ap-timeout-ms 200 $2
load log quiet=1
stats
$(i=0; while [ $i -lt $SOAK_CYCLES ]; do echo "$cycle"; i=$((i + 1)); done)
stats
trace on
cpus"
	expect_count $SOAK_CYCLES '^add mp [0-9]+ as nt [0-9]+: FAILED \(status 0xc00000b5\)'
	expect_count $SOAK_CYCLES '^add mp [0-9]+ as nt [0-9]+: added '
	expect "^$((SOAK_CYCLES + 1)) of $((SOAK_CYCLES + 1)) processors active"
	expect_none '^VERIFIER|INVARIANT'
	pools=$(grep -E '^core pool: [0-9]+ blocks outstanding$' "$LOG" | sort -u | wc -l)
	[ "$pools" = 1 ] || fail "the core's pool changed: $(grep '^core pool' "$LOG" | tr '\n' ';')"
	# the only errors are the injected timeouts
	expect_count $SOAK_CYCLES '^error: mp [0-9]+ did not come online within 200 ms$'
	expect_count $SOAK_CYCLES '^error: '
	[ -z "$3" ] || expect_count $SOAK_CYCLES "$3"
}

case_soak() { soak soak ""; }

# The same cycles started natively, with the SDM's waits: each injected
# timeout is an INIT with no SIPI, named as such.
case_soak_native() {
	soak soak_native "--start native" \
		'^mp [0-9]+: the last trampoline stage it reached: none$'
}
