# Bounce — top-level Makefile.
#
#   make run    build what is missing, boot in the instrumented Bochs, shell on this terminal
#   make test   the same set-up, then every test (unit, system, analysis)
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

.DEFAULT_GOAL := all
.PHONY: all run test unit-test system-test qemu gdb script demo analyze bench clean distclean deps

include mk/deps.mk
include $(wildcard mk/sources.mk)
include $(wildcard mk/bochs.mk)
include $(wildcard mk/lua.mk)
include mk/kernel.mk
include $(wildcard mk/user.mk)
include mk/iso.mk
include $(wildcard mk/tests.mk)
include $(wildcard mk/analysis.mk)

all: $(ISO) $(BOCHS)

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/user $(BUILD)/shell $(BUILD)/iso $(ISO) $(BUILD)/unit

distclean:
	rm -rf $(BUILD) $(OUT)
