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
ISO     := $(BUILD)/bounce.iso
KERNEL  := $(BUILD)/kernel/bounce.elf
DEPS_OK := $(BUILD)/.deps-ok
# The cross compiler's own headers. Recursive on purpose: on a fresh machine
# the compiler is installed by $(DEPS_OK), after make has read this file.
GCC_INC  = $(shell $(CC) -print-file-name=include)

.DEFAULT_GOAL := all
.PHONY: all run run-shared test unit-test system-test qemu gdb script demo analyze bench clean distclean deps

include mk/deps.mk
include $(wildcard mk/sources.mk)
include $(wildcard mk/bochs.mk)
include $(wildcard mk/lua.mk)
include mk/kernel.mk
include $(wildcard mk/user.mk)
include mk/iso.mk
include $(wildcard mk/tests.mk)
include $(wildcard mk/analysis.mk)
include $(wildcard mk/bench.mk)
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
test: unit-test isos $(BOCHS)
	@echo "test: system and analysis tests (pytest), booting $(ISO) in $(BOCHS)"
	$(PY) -m pytest -v -p no:cacheprovider $(PYTEST_DIRS)

# ---- the same ISO elsewhere -------------------------------------------
QEMU := qemu-system-i386 -m 128 -cdrom $(ISO) -display none -serial stdio \
	-device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot
qemu: $(ISO)
	@command -v qemu-system-i386 >/dev/null || sh mk/install-deps.sh qemu-system-x86
	$(QEMU)

gdb: $(ISO)
	@command -v qemu-system-i386 >/dev/null || sh mk/install-deps.sh qemu-system-x86
	@command -v gdb >/dev/null || sh mk/install-deps.sh gdb
	$(QEMU) -S -gdb tcp::1234 & \
	gdb -q -ex 'target remote localhost:1234' -ex 'break kmain' -ex continue $(KERNEL); \
	kill %1 2>/dev/null || true

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/user $(BUILD)/shell $(BUILD)/iso $(ISO) $(BUILD)/unit

distclean:
	rm -rf $(BUILD) $(OUT)
