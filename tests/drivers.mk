# tests/drivers.mk: host tests of the drivers in drivers/, of the test
# drivers in tests/drivers/ and of the driver extensions (<hotadd.h>). Included by the top-level Makefile;
# also usable alone: make -f tests/drivers.mk drivers-build (or
# drivers-test to build and run).
#
# Like the EFI build, which keeps only DriverEntry global in each driver
# and renames it drv_<name>_entry, each driver is compiled on its own
# with DriverEntry renamed on the command line, so the WDK-style sources
# link side by side unchanged. Everything runs under AddressSanitizer and
# UndefinedBehaviorSanitizer.

HOST_CC ?= gcc
# -fshort-wchar as in the image: a driver's L"..." is 16-bit, like WCHAR.
DRV_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 -Iinclude -Ike \
	-Itests/host -Itests/unit -fshort-wchar
DRV_ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
DRV_HOST_LIBS := -lcmocka -lpthread

DRV_HOST_OUT := build/host
# The drivers of drivers/, and the test drivers beside the tests here.
DRV_TEST_SRCS := $(wildcard drivers/*.c) \
	$(filter-out tests/drivers/test_%.c,$(wildcard tests/drivers/*.c))
DRV_TEST_OBJS := $(patsubst %.c,$(DRV_HOST_OUT)/drv/%.o,$(notdir $(DRV_TEST_SRCS)))
# As in the image (Makefile, DRV_CFLAGS): a driver's MSVC pragmas are
# ignored, not errors.
DRV_ONLY_FLAGS := -Wno-unknown-pragmas
DRIVER_TEST_BINS := $(DRV_HOST_OUT)/test_drivers

# The core, the threaded backend and the unit tests' harness are shared
# with tests/unit.mk (sources, not objects: each binary builds its own).
DRV_TEST_COMMON := $(wildcard ke/*.c) tests/host/host.c tests/unit/harness.c
DRV_TEST_HDRS := $(wildcard ke/*.h include/*.h drivers/*.h tests/host/*.h \
	tests/unit/*.h)

# First rule: the default goal when this file is used alone.
.PHONY: drivers-build drivers-test
drivers-build: $(DRIVER_TEST_BINS)

define drv_host_cc
	@mkdir -p $(@D)
	$(HOST_CC) $(DRV_HOST_CFLAGS) $(DRV_ONLY_FLAGS) $(DRV_ASAN_FLAGS) \
		-DDriverEntry=drv_$(subst -,_,$*)_entry -c $< -o $@
endef
$(DRV_HOST_OUT)/drv/%.o: drivers/%.c $(DRV_TEST_HDRS)
	$(drv_host_cc)
$(DRV_HOST_OUT)/drv/%.o: tests/drivers/%.c $(DRV_TEST_HDRS)
	$(drv_host_cc)

$(DRIVER_TEST_BINS): $(DRV_HOST_OUT)/%: tests/drivers/%.c $(DRV_TEST_OBJS) \
		$(DRV_TEST_COMMON) $(DRV_TEST_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(DRV_HOST_CFLAGS) $(DRV_ASAN_FLAGS) -o $@ \
		$(filter %.c %.o,$^) $(DRV_HOST_LIBS)

drivers-test: drivers-build
	@set -e; for t in $(DRIVER_TEST_BINS); do \
		echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; \
	done
