# tests/bench/bench.mk: host benchmarks of the notification core.
# Included by the top-level Makefile; also usable alone:
#   make -f tests/bench/bench.mk bench-host
#
# bench-host runs build/bench/bench_core, which writes
# build/bench-core.json: every figure beside a baseline measured in the
# same run, and their ratio. Where valgrind is installed it also writes
# build/bench-callgrind.json: instructions per callback call, core
# against baseline (tests/bench/callgrind.sh).

BENCH_CC ?= gcc
BENCH_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Iinclude -Ike
BENCH_OUT := build/bench
BENCH_CORE_BIN := $(BENCH_OUT)/bench_core
BENCH_CORE_JSON := build/bench-core.json
BENCH_CALLGRIND_JSON := build/bench-callgrind.json

# The core built with the benchmark: -O2, no sanitizers.
BENCH_CORE_SRCS := tests/bench/bench_core.c $(wildcard ke/*.c)
BENCH_CORE_HDRS := $(wildcard ke/*.h include/*.h)

$(BENCH_CORE_BIN): $(BENCH_CORE_SRCS) $(BENCH_CORE_HDRS)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $(BENCH_CORE_SRCS) -lpthread

.PHONY: bench-host
bench-host: $(BENCH_CORE_BIN)
	$(BENCH_CORE_BIN) $(BENCH_CORE_JSON)
	@if command -v valgrind >/dev/null 2>&1; then \
		tests/bench/callgrind.sh $(BENCH_CORE_BIN) \
			$(BENCH_CALLGRIND_JSON); \
	else \
		echo "bench-host: no valgrind, no instruction counts"; \
	fi
