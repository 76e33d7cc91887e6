# tests/fuzz.mk: libFuzzer targets for the simulator's parsers, built for
# the host with clang under AddressSanitizer and UndefinedBehaviorSanitizer:
#
#   opt   options (efi/shell/opt.c), as config line and as load options
#   cmd   commands and scripts (efi/shell/cmd.c, the firmware side stubbed)
#   cfg   the config file: lines (str_line), read as efi/fw/main.c reads it
#   list  processor lists (efi/shell/list.c)
#
# Included by the top-level Makefile; also usable alone:
#   make -f tests/fuzz.mk fuzz-build   build FUZZ_BINS
#   make -f tests/fuzz.mk fuzz-smoke   each target FUZZ_SMOKE_SECONDS
#   make -f tests/fuzz.mk fuzz         each target FUZZ_SECONDS
# The two runs print "PASS fuzz/<target>: N runs" or "FAIL fuzz/<target>:
# ..." per target, one target at a time, and fail if any target did (see
# tests/fuzz/run for where the failing input goes).

FUZZ_CC ?= clang
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SECONDS ?= 300
# Debian packages: clang, and libFuzzer itself (clang does not pull it in).
FUZZ_PKGS := clang libclang-rt-14-dev

FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ike -Iefi/fw -Iefi/cpu -Iefi/shell -Iarch/x86 -Itests/fuzz

FUZZ_OUT := build/fuzz
FUZZ_TARGETS := opt cmd cfg list
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz_%)

# What each target links besides its own file and the stubs.
FUZZ_SRCS_list := efi/shell/list.c efi/shell/str.c ke/fmt.c
FUZZ_SRCS_opt := efi/shell/opt.c efi/shell/tok.c $(FUZZ_SRCS_list)
FUZZ_SRCS_cmd := efi/shell/cmd.c efi/shell/tok.c efi/shell/str.c ke/fmt.c
FUZZ_SRCS_cfg := efi/shell/cmd.c $(FUZZ_SRCS_opt)
FUZZ_HDRS := $(wildcard efi/*/*.h ke/*.h include/*.h arch/x86/*.h \
	tests/fuzz/*.h)

# First rule: the default goal when this file is used alone.
.PHONY: fuzz-build fuzz-smoke fuzz fuzz-deps
fuzz-build: $(FUZZ_BINS)

fuzz-deps: ; @tools/deps $(FUZZ_PKGS)

define fuzz_rule
$(FUZZ_OUT)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/stubs.c tests/parse/mem.c \
		$(FUZZ_SRCS_$(1)) $(FUZZ_HDRS) | fuzz-deps
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $$(filter %.c,$$^)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

fuzz-smoke: fuzz-build
	@tests/fuzz/run $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)
