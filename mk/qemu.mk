# mk/qemu.mk — the same ISO elsewhere: under QEMU (make qemu) and under gdb
# (make gdb), both through mk/qemu.py (see its header and README).
#
#   build/kernel-debug/bounce.elf   the kernel at -Og: gdb shows arguments
#                                   and locals where -O2 has <optimized out>
#   build/bounce-debug.iso          the shell ISO with that kernel

KERNEL_DEBUG_DIR  := $(BUILD)/kernel-debug
KERNEL_DEBUG      := $(KERNEL_DEBUG_DIR)/bounce.elf
DEBUG_ISO         := $(BUILD)/bounce-debug.iso
KERNEL_DEBUG_OBJS := $(patsubst kernel/%,$(KERNEL_DEBUG_DIR)/%.o,$(KERNEL_SRCS))

$(KERNEL_DEBUG_DIR)/%.o: kernel/% | $(DEPS_OK) $(MUSL_INC)/stdio.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -O2,$(KERNEL_CFLAGS)) -Og -c $< -o $@

$(KERNEL_DEBUG): $(KERNEL_DEBUG_OBJS) $(SHELL_OBJS) $(LUA_LIB) $(MUSL_LIB) kernel/kernel.ld
	$(KERNEL_LINK)

$(DEBUG_ISO): $(KERNEL_DEBUG) $(filter-out $(KERNEL),$(ISO_INPUTS)) | $(DEPS_OK)
	@sh mk/mkiso.sh $@ "" $(KERNEL_DEBUG) $(USER_PROGS) $(ISO_SCRIPTS)

-include $(KERNEL_DEBUG_OBJS:.o=.d)

qemu: $(ISO) | $(DEPS_OK)
	$(PY) mk/qemu.py run $(ISO)

gdb: $(DEBUG_ISO) | $(DEPS_OK)
	$(PY) mk/qemu.py gdb $(DEBUG_ISO) $(KERNEL_DEBUG)

# tests/system/test_qemu.py runs both
test: $(DEBUG_ISO)
