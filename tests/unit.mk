# tests/unit.mk: the core's host tests. Included by the top-level
# Makefile; also usable alone: make -f tests/unit.mk unit-build
#
# UNIT_BINS run under AddressSanitizer and UndefinedBehaviorSanitizer,
# TSAN_BINS (the threaded stress tests) under ThreadSanitizer.

KE_SRCS := $(wildcard ke/*.c)

HOST_CC ?= gcc
# -fshort-wchar as in the image: a driver's L"..." is 16-bit, like WCHAR.
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 -Iinclude -Ike \
	-Itests/host -Itests/unit -fshort-wchar
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
TSAN_FLAGS := -fsanitize=thread
HOST_LIBS := -lcmocka -lpthread

HOST_OUT := build/host
UNIT_NAMES := test_register test_add test_query test_verifier test_driver test_fmt \
	test_wait test_topo test_dpc test_affinity
TSAN_NAMES := test_stress
UNIT_BINS := $(UNIT_NAMES:%=$(HOST_OUT)/%)
TSAN_BINS := $(TSAN_NAMES:%=$(HOST_OUT)/%)

# Objects shared by every test binary: the core, the backend, the harness.
UNIT_COMMON := $(KE_SRCS) tests/host/host.c tests/unit/harness.c
UNIT_HDRS := $(wildcard ke/*.h include/*.h tests/host/*.h tests/unit/*.h)

# Per-binary extras.
$(HOST_OUT)/test_driver: tests/unit/sample.c

$(UNIT_BINS): $(HOST_OUT)/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -o $@ \
		$(filter %.c,$^) $(HOST_LIBS)

$(TSAN_BINS): $(HOST_OUT)/%: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TSAN_FLAGS) -o $@ \
		$(filter %.c,$^) $(HOST_LIBS)

# The DPC and affinity tests run processors against each other: under
# ThreadSanitizer too.
BOTH_TSAN := $(HOST_OUT)/test_dpc_tsan $(HOST_OUT)/test_affinity_tsan
$(BOTH_TSAN): $(HOST_OUT)/%_tsan: tests/unit/%.c $(UNIT_COMMON) $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TSAN_FLAGS) -o $@ \
		$(filter %.c,$^) $(HOST_LIBS)
TSAN_BINS += $(BOTH_TSAN)

.PHONY: unit-build unit-test
unit-build: $(UNIT_BINS) $(TSAN_BINS)

# Runs every binary; the sanitizers abort on their first report.
unit-test: unit-build
	@set -e; for t in $(UNIT_BINS) $(TSAN_BINS); do \
		echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		TSAN_OPTIONS=halt_on_error=1 $$t; \
	done
