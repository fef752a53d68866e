# Bounce — top-level Makefile.
#
#   make run    build what is missing, boot in the instrumented Bochs, shell on this terminal
#   make test   the same set-up, then every test (unit, system, analysis)
#   make fuzz   the attack suite of make test, longer and with a fresh seed
#
# Everything generated lands in build/ (cached) and out/ (logs, reports).
# Each subsystem's rules live in mk/<subsystem>.mk.

PY      := /usr/bin/python3
CROSS   := i686-linux-gnu-
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
NM      := $(CROSS)nm
HOSTCC  := gcc
BUILD   := build
OUT     := out
# make DEBUG=1: the kernel with its KASSERTs on (kernel/kassert.h), built
# with its ISOs in build/debug/, beside the normal ones, so neither build
# rebuilds the other; Bochs, Lua, musl and the user programs are shared.
KBUILD  := $(BUILD)$(if $(filter 1,$(DEBUG)),/debug)
ISO     := $(KBUILD)/bounce.iso
KERNEL  := $(KBUILD)/kernel/bounce.elf
DEPS_OK := $(BUILD)/.deps-ok
# The cross compiler's own headers. Recursive on purpose: on a fresh machine
# the compiler is installed by $(DEPS_OK), after make has read this file.
GCC_INC  = $(shell $(CC) -print-file-name=include)

.DEFAULT_GOAL := all
.PHONY: all run run-shared test test-debug debug-isos unit-test system-test qemu gdb script demo analyze bench clean distclean deps

include mk/deps.mk
include $(wildcard mk/sources.mk)
include $(wildcard mk/bochs.mk)
include $(wildcard mk/lua.mk)
include mk/kernel.mk
include $(wildcard mk/user.mk)
include mk/iso.mk
include mk/disk.mk
include $(wildcard mk/tests.mk)
include $(wildcard mk/analysis.mk)
include $(wildcard mk/bench.mk)
include mk/fresh.mk
include mk/qemu.mk
include $(wildcard mk/fuzz.mk)

all: $(ISO) $(BOCHS)

# ---- the two commands -------------------------------------------------
run: $(ISO) $(BOCHS)
	@mkdir -p $(OUT)
	$(PY) shell/runner.py --iso $(ISO) --log $(OUT)/run.bxlog --interactive

run-shared: $(BUILD)/bounce-shared.iso $(BOCHS)
	@mkdir -p $(OUT)
	$(PY) shell/runner.py --iso $< --log $(OUT)/run-shared.bxlog --interactive

PYTEST_DIRS += tests/system
test: unit-test isos debug-isos $(BOCHS)
	@echo "test: system and analysis tests (pytest), booting $(ISO) in $(BOCHS)"
	$(PY) -m pytest -v -p no:cacheprovider $(PYTEST_DIRS)

# The debug kernel's ISOs (test_diag boots one to see a KASSERT fire).
debug-isos:
	$(MAKE) DEBUG=1 isos

# The same system tests, the kernel and every ISO taken from build/debug/
# (BOUNCE_KBUILD, shell/runner.py): the suite must pass with the assertions on.
test-debug: isos debug-isos $(BOCHS)
	@echo "test-debug: system tests against the DEBUG=1 kernel ($(BUILD)/debug)"
	BOUNCE_KBUILD=$(BUILD)/debug $(PY) -m pytest -v -p no:cacheprovider $(PYTEST_DIRS)

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/user $(BUILD)/shell $(BUILD)/iso $(ISO) $(BUILD)/unit $(BUILD)/debug

distclean:
	rm -rf $(BUILD) $(OUT)
