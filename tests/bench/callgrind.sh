#!/bin/sh
# callgrind.sh BENCH_CORE OUT.json: instruction counts of the core.
#
# Each case of `BENCH_CORE --callgrind-list` runs once under callgrind,
# and so does its baseline (NAME-base: the same callback calls made by a
# plain loop). Only measured() is counted (--toggle-collect), so neither
# start-up nor set-up weighs in. Instruction counts do not depend on the
# machine's load: they back the timed figures of build/bench-core.json.
# Figures: Ir per callback call, core against baseline, and the ratio.
set -eu

bin=$1
out=$2
dir=$(dirname "$bin")
rows="$out.rows"

# "Ir calls" of one run: the profile's total, the case's own report.
count() {
	f="$dir/callgrind.$1.out"
	calls=$(LD_BIND_NOW=1 valgrind --tool=callgrind --quiet \
		--toggle-collect=measured --callgrind-out-file="$f" \
		"$bin" --callgrind-case "$1")
	ir=$(sed -n 's/^\(totals\|summary\): *\([0-9]*\).*/\2/p' "$f" |
		head -n 1)
	echo "$ir $calls"
}

: > "$rows"
printf '%-28s %12s %-12s %12s %8s\n' figure value unit baseline ratio
for c in $("$bin" --callgrind-list); do
	name=cg_$(echo "$c" | tr - _)
	set -- $(count "$c") $(count "$c-base")
	awk -v name="$name" -v ir="$1" -v n="$2" -v bir="$3" -v bn="$4" \
	    -v rows="$rows" 'BEGIN {
		v = ir / n; b = bir / bn
		printf "%-28s %12.2f %-12s %12.2f %8.2f\n", name, v,
		       "Ir/call", b, v / b
		printf "  {\"name\": \"%s\", \"value\": %.4f, \"unit\": " \
		       "\"Ir/call\", \"baseline\": %.4f, \"ratio\": %.4f}\n",
		       name, v, b, v / b >> rows
	}'
done
{ echo "["; sed '$!s/$/,/' "$rows"; echo "]"; } > "$out"
rm -f "$rows"
