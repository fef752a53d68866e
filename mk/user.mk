# User programs: static ELF32 images at 0x40000000 built against user/lib
# (system-call stubs, printf, TAP) and musl's libc.a for string functions.
# Each user/bin/<name>.c becomes $(BUILD)/user/<name>.elf, shipped in the
# disc's module archive (iso/mkiso.sh) as the module <name>.

USER_DIR    := $(BUILD)/user
USER_CFLAGS  = -m32 -march=i686 -ffreestanding -fno-pic -fno-stack-protector \
	-fno-delete-null-pointer-checks -nostdlib -nostdinc -O2 -Wall -Wextra -Werror \
	-isystem $(GCC_INC) -isystem /usr/include/stb \
	-I. -Iuser/lib -MMD -MP
# -n: segments follow each other in the file, not padded to page offsets
# (user/user.ld still puts data on its own page in memory): the kernel's
# loader copies each segment from its own offset (kernel/elf.c), and every
# byte on the disc costs boot time (docs/performance.md).
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-n -T user/user.ld

USER_CRT0     := $(USER_DIR)/lib/crt0.S.o
USER_LIB_OBJS := $(patsubst user/lib/%.c,$(USER_DIR)/lib/%.c.o,$(wildcard user/lib/*.c))
USER_LIB      := $(USER_DIR)/libuser.a
USER_NAMES    := $(basename $(notdir $(wildcard user/bin/*.c)))
USER_PROGS    := $(USER_NAMES:%=$(USER_DIR)/%.elf)
# The unrestricted-4GB suite, in the order the kernel runs it.
USER_TESTS    := t_4gb_map t_4gb_edges t_window_chase t_window_pair t_fork_cow \
	t_no_kernel_bytes t_bad_pointers t_window_spots t_threads t_copyinstr t_fork_alias t_wait_race t_cap t_ipc \
	t_large_pages t_swap_fill t_swap_window t_swap_fork

# The same list comma-separated, for the kernel's run= option: the
# tests and tests-shared discs (iso/variants) boot straight into the suite.
user_comma := ,
user_space := $(subst ,, )
USER_TESTS_CSV := $(subst $(user_space),$(user_comma),$(strip $(USER_TESTS)))

.PHONY: user
user: $(USER_PROGS)

$(USER_DIR)/lib/%.o: user/lib/% | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_DIR)/bin/%.o: user/bin/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_LIB): $(USER_LIB_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

# crt0 first so _start opens the text; musl only fills in string functions.
# This file too: a tree built before a change of USER_LDFLAGS relinks.
$(USER_DIR)/%.elf: $(USER_DIR)/bin/%.o $(USER_CRT0) $(USER_LIB) $(MUSL_LIB) user/user.ld mk/user.mk
	$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIB) $(MUSL_LIB) -lgcc

.SECONDARY: $(USER_CRT0) $(USER_LIB_OBJS) $(USER_NAMES:%=$(USER_DIR)/bin/%.o)
-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_NAMES:%=$(USER_DIR)/bin/%.d)

# make swap-full [SWAP_FULL_PAGES=n] — swap_full: the whole 4 GiB space of
# distinct pages through swap (docs/memory.md, "Swap"), too slow for the
# 4 GiB suite. Boots the shell, spawns it, shows its progress lines; n
# pages stop the fill early. Fails unless it exits 0.
SWAP_FULL_PAGES ?=
.PHONY: swap-full
swap-full: $(ISO) $(BOCHS)
	@mkdir -p $(OUT)
	@echo "local st = k.proc.wait(k.proc.spawn('swap_full'$(if $(SWAP_FULL_PAGES),$(user_comma) '$(SWAP_FULL_PAGES)'))) print('instructions', k.emu.counters().instructions, 'pageouts', k.stats().pageouts, 'pageins', k.stats().pageins) assert(st == 0, 'swap_full: status ' .. st)" > $(OUT)/swap_full.lua
	$(PY) shell/client.py script $(OUT)/swap_full.lua --iso $(ISO) --log $(OUT)/swap_full.bxlog --timeout 14400
