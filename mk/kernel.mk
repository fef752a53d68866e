# mk/kernel.mk — the kernel: kernel/*.c and kernel/*.S, linked with the Lua
# shell (mk/lua.mk) into a multiboot ELF at 1 MiB.

KERNEL_DIR    := $(KBUILD)/kernel
KERNEL_CFLAGS  = -m32 -march=i686 -ffreestanding -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -nostdinc -isystem $(GCC_INC) \
	-isystem $(MUSL_INC) -isystem /usr/include/stb -I kernel -I . -O2 -g -std=gnu11 \
	-Wall -Wextra -Werror -MMD -MP $(if $(filter 1,$(DEBUG)),-DKDEBUG)
KERNEL_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -T kernel/kernel.ld

KERNEL_SRCS := $(wildcard kernel/*.c kernel/*.S)
KERNEL_OBJS := $(patsubst kernel/%,$(KERNEL_DIR)/%.o,$(KERNEL_SRCS))

.PHONY: kernel
kernel: $(KERNEL)

$(KERNEL_DIR)/%.o: kernel/% | $(DEPS_OK) $(MUSL_INC)/stdio.h
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# The link, for this kernel and make gdb's (mk/qemu.mk): every object and
# library among the prerequisites, in their order.
KERNEL_LINK = $(CC) $(KERNEL_LDFLAGS) -o $@ $(filter-out %.ld,$^) -lgcc

$(KERNEL): $(KERNEL_OBJS) $(SHELL_OBJS) $(LUA_LIB) $(MUSL_LIB) kernel/kernel.ld
	$(KERNEL_LINK)

-include $(KERNEL_OBJS:.o=.d)
