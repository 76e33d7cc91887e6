# hotadd: processor hot-add simulator for UEFI (x86-64).
# `make` builds build/hotadd.efi, `make run` boots it in QEMU, `make test`
# runs the host unit tests and the QEMU tests. See README.md.

SMP     ?= 4
MAXCPUS ?=
HOLD    ?= 2
ARGS    ?=
TRACE   ?= --trace
DRIVERS ?=
TIMEOUT ?= 0
X2APIC  ?=

B       := build
EFI     := $(B)/hotadd.efi
IMG     := $(B)/run.img
RUNLOG  := $(B)/run.log

# Debian packages each target needs (tools/deps installs what is missing).
PKGS_BUILD := gcc make binutils nasm gnu-efi
PKGS_RUN   := $(PKGS_BUILD) ovmf qemu-system-x86 mtools dosfstools gdisk python3
PKGS_TIMELINE := python3
PKGS_TEST  := $(PKGS_RUN) $(PKGS_TIMELINE) libcmocka-dev clang libclang-rt-14-dev \
	librsvg2-bin

CC      := gcc
NASM    := nasm
EFIINC  := /usr/include/efi
EFILIB  := /usr/lib

# The simulator's own folders: what talks to the firmware (fw), what
# drives the processors (cpu), what serves the user (shell).
EFI_DIRS := efi/fw efi/cpu efi/shell
EFI_INCS := $(EFI_DIRS:%=-I%)

# Freestanding, position independent, MS-ABI-aware code for the firmware.
# -mgeneral-regs-only: no SSE state to keep across firmware and AP entry.
EFI_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Os -g \
	-ffreestanding -fno-stack-protector -fno-stack-check -fpic \
	-fshort-wchar -mno-red-zone -mgeneral-regs-only \
	-DGNU_EFI_USE_MS_ABI -DGNU_EFI_USE_EXTERNAL_STDARG \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Ike $(EFI_INCS) -Iarch/x86 -I$(B)/gen \
	-I$(EFIINC) -I$(EFIINC)/x86_64 -I$(EFIINC)/protocol

# Drivers only: MSVC pragmas a driver carries (#pragma alloc_text(INIT,
# DriverEntry), #pragma warning) mean nothing to GCC, which ignores them;
# they must not fail the build. ALLOC_PRAGMA stays undefined, as with any
# compiler but Microsoft's.
DRV_CFLAGS := -Wno-unknown-pragmas

.DEFAULT_GOAL := all
include tests/unit.mk
include tests/drivers.mk
include tests/fuzz.mk
include tests/bench/bench.mk

# Host tests of the simulator's own parsers (plain C, no UEFI types).
PARSE_SRCS := efi/shell/opt.c efi/shell/list.c efi/shell/tok.c efi/shell/str.c ke/fmt.c
PARSE_BIN  := $(B)/host/test_parse
$(PARSE_BIN): tests/parse/test_parse.c tests/parse/mem.c $(PARSE_SRCS) $(wildcard efi/*/*.h) | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(EFI_INCS) -Iarch/x86 $(ASAN_FLAGS) -o $@ $(filter %.c,$^) \
		$(HOST_LIBS)

# Host tests of what hot-plug reads: QEMU's CPU hot-plug registers
# against a model of the device, the MADT, the APIC id's topology.
PLUG_SRCS := efi/cpu/cpuhp.c efi/fw/madt.c tests/plug/qemu_cpuhp.c
PLUG_BIN  := $(B)/host/test_plug
$(PLUG_BIN): tests/plug/test_plug.c $(PLUG_SRCS) $(wildcard tests/plug/*.h) \
		efi/cpu/cpuhp.h efi/fw/acpi.h arch/x86/topo.h | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iefi/cpu -Iefi/fw -Iarch/x86 -Itests/plug \
		$(ASAN_FLAGS) -o $@ $(filter %.c,$^) $(HOST_LIBS)

# Host tests of the trampoline's parameter block (native start).
NATIVE_BIN := $(B)/host/test_tramp
$(NATIVE_BIN): tests/native/test_tramp.c efi/cpu/tramp.c efi/cpu/tramp.h \
		arch/x86/offsets.h | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iefi/cpu -Iarch/x86 $(ASAN_FLAGS) -o $@ \
		$(filter %.c,$^) $(HOST_LIBS)

# Host tests of the native start's IPI sequence and waits, on a simulated
# clock.
SIPI_BIN := $(B)/host/test_sipi
$(SIPI_BIN): tests/native/test_sipi.c efi/cpu/sipi.c efi/cpu/cpu.h arch/x86/x86.h \
		| deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iefi/cpu -Iefi/fw -Iarch/x86 $(ASAN_FLAGS) -o $@ \
		$(filter %.c,$^) $(HOST_LIBS)

# Host tests of the prompt's line editor.
EDIT_SRCS := efi/shell/edit.c efi/shell/keys.c efi/shell/str.c
EDIT_BIN  := $(B)/host/test_edit
$(EDIT_BIN): tests/parse/test_edit.c $(EDIT_SRCS) efi/shell/edit.h | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Iefi/shell $(ASAN_FLAGS) -o $@ $(filter %.c,$^) \
		$(HOST_LIBS)

EFI_SRCS := $(foreach d,$(EFI_DIRS),$(wildcard $(d)/*.c)) $(wildcard arch/x86/*.c) $(KE_SRCS)
ASM_SRCS := $(wildcard arch/x86/*.asm)
DRV_SRCS := $(wildcard drivers/*.c) $(DRIVERS)
drvname   = $(subst -,_,$(notdir $(basename $(1))))
DRV_OBJS := $(foreach s,$(DRV_SRCS),$(B)/drv/$(call drvname,$(s)).o)
EFI_OBJS := $(patsubst %.c,$(B)/efi/%.o,$(EFI_SRCS)) \
	    $(patsubst %.asm,$(B)/efi/%.o,$(ASM_SRCS)) \
	    $(DRV_OBJS) $(B)/efi/drvtab.o

.PHONY: all run plug timeline image test bench clean deps-build deps-run \
	deps-test deps-timeline
all: $(EFI)

deps-build: ; @tools/deps $(PKGS_BUILD)
deps-run:   ; @tools/deps $(PKGS_RUN)
deps-test:  ; @tools/deps $(PKGS_TEST)
deps-timeline: ; @tools/deps $(PKGS_TIMELINE)

$(B)/efi/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(EFI_CFLAGS) -MMD -c $< -o $@

# The C header of structure offsets is the source of truth; NASM gets a
# %define copy of it.
$(B)/gen/offsets.inc: arch/x86/offsets.h
	@mkdir -p $(dir $@)
	sed -n 's|/\*.*\*/||; s/^#define[ \t]\+\([A-Z_0-9]\+\)[ \t]\+\([^ \t]*\).*/%define \1 \2/p' $< > $@

$(B)/efi/%.o: %.asm $(B)/gen/offsets.inc | deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf64 -I$(B)/gen/ -o $@ $<

# Drivers, built-in and DRIVERS=: each keeps only its DriverEntry global,
# renamed after the file, so WDK-style sources link side by side unchanged.
define drv_rule
$(B)/drv/$(call drvname,$(1)).o: $(1) | deps-build
	@mkdir -p $$(dir $$@)
	@echo "  DRIVER  $$<"
	@$$(CC) $$(EFI_CFLAGS) $$(DRV_CFLAGS) -MMD -MT $$@ -c $$< -o $$@.1
	@objcopy --redefine-sym DriverEntry=drv_$(call drvname,$(1))_entry \
		-G drv_$(call drvname,$(1))_entry $$@.1 $$@
endef
$(foreach s,$(DRV_SRCS),$(eval $(call drv_rule,$(s))))

$(B)/gen/drvtab.c: tools/drvtab FORCE
	@mkdir -p $(dir $@)
	@tools/drvtab $(foreach s,$(DRV_SRCS),$(call drvname,$(s))) > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/efi/drvtab.o: $(B)/gen/drvtab.c | deps-build
	@$(CC) $(EFI_CFLAGS) -c $< -o $@

$(B)/hotadd.so: $(EFI_OBJS) linker/hotadd.lds
	@echo "  LD      $@"
	@ld -nostdlib -znocombreloc -shared --no-undefined -Bsymbolic -T linker/hotadd.lds \
		$(EFILIB)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-L$(EFILIB) -lgnuefi -o $@
	@tools/checkso $@

# No .dynsym (nor .dynstr, .hash): crt0's relocator (gnu-efi
# reloc_x86_64.c, _relocate) reads only .dynamic's DT_RELA entries and
# applies R_X86_64_RELATIVE relocations, which name no symbol.
$(EFI): $(B)/hotadd.so
	@objcopy -j .text -j .sdata -j .data -j .rodata -j .bss -j .dynamic \
		-j .rel -j .rela -j .reloc \
		--target=efi-app-x86_64 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The story `make run` tells when ARGS brings no commands of its own.
DEMO ?= $(if $(findstring --run,$(ARGS))$(findstring --script,$(ARGS)),,\
	echo == drivers load: each registers with ADD_EXISTING and hears the active processors replayed;\
	load docsample; load log; load percpu;\
	echo == a held processor is hot-added; add next;\
	echo == the veto driver refuses the next add: every driver hears Failure;\
	load veto; add next;\
	echo == the veto is lifted and the same processor is added; unload veto; add next;\
	sleep 200; stats; ipi)

# A boot disk whose config file carries the options of `make run`, one
# per line; with MAXCPUS, processors can be plugged in while it runs
# (`make plug`). The console's transcript stays in $(RUNLOG) for `make
# timeline`. `exec`: QEMU dies with make itself (tools/qemu), however
# make ends.
run: $(EFI) | deps-run
	tools/mkimg --split-options $(IMG) $(EFI) "--hold $(HOLD) $(TRACE) $(if $(filter 1,$(X2APIC)),--x2apic) $(ARGS)" "$(DEMO)"
	@echo "hotadd: the transcript goes to $(RUNLOG); Ctrl-A X quits QEMU"
	exec tools/qemu --smp '$(SMP)' $(if $(MAXCPUS),--maxcpus $(MAXCPUS)) $(if $(filter 1,$(X2APIC)),--x2apic) \
		--qmp $(B)/qmp.sock --disk $(IMG) --timeout $(TIMEOUT) \
		--interactive --transcript $(RUNLOG)

# Plug a processor into the machine `make run` started (PLUG="--unplug",
# "--status", "--socket S --core C --thread T": see tools/plug --help).
plug: | deps-run
	tools/plug --qmp $(B)/qmp.sock $(PLUG)

# The last `make run`'s transcript as a picture (tools/timeline).
timeline: | deps-timeline
	@test -s $(RUNLOG) || { echo "hotadd: no transcript in $(RUNLOG): run \`make run\` first" >&2; exit 1; }
	tools/timeline $(RUNLOG) -o $(B)/timeline.svg

# A disk image for a USB stick (README, "Real boards"): dd it as it is.
image: $(EFI) | deps-run
	tools/mkimg --split-options $(B)/hotadd.img $(EFI) "--hold $(HOLD) $(TRACE) $(if $(filter 1,$(X2APIC)),--x2apic) $(ARGS)" "$(DEMO)"
	@echo "wrote $(B)/hotadd.img: dd if=$(B)/hotadd.img of=/dev/sdX bs=4M"

# Figures against same-run baselines (host core, QEMU, image size).
bench: $(EFI) bench-host | deps-run
	tools/bench

# `exec`: the runner (and the QEMU it starts) dies with make.
test: deps-test $(EFI) unit-build drivers-build $(PARSE_BIN) $(PLUG_BIN) $(NATIVE_BIN) $(SIPI_BIN) \
		$(EDIT_BIN) fuzz-build
	exec env FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) \
		tests/run $(PARSE_BIN) $(PLUG_BIN) $(NATIVE_BIN) $(SIPI_BIN) $(EDIT_BIN) $(UNIT_BINS) \
		$(DRIVER_TEST_BINS) $(TSAN_BINS)

clean:
	rm -rf $(B)

FORCE:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
