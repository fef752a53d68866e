# Tests. `make unit-test` builds every tests/unit/test_X.c for the host,
# with sanitizers, runs them all, and ends with "unit: N passed, M failed".
# test_X.c tests kernel/X.c unless another mk/*.mk gives build/unit/test_X
# its own rule (as mk/lua.mk does for shell/lineedit.c).

UNIT        := $(BUILD)/unit
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Ikernel -Itests/unit \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
UNIT_FW     := tests/unit/unit.c tests/unit/unit.h tests/unit/fakemem.h
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(UNIT)/%,$(wildcard tests/unit/test_*.c))

# The same kernel sources must also build freestanding for i686.
UNIT_KSRCS  := $(wildcard $(patsubst tests/unit/test_%.c,kernel/%.c,$(wildcard tests/unit/test_*.c)))
UNIT_KCHECK := $(patsubst kernel/%.c,$(UNIT)/kcheck/%.o,$(UNIT_KSRCS))
# with exactly the kernel's flags and headers (musl's, never the host's).
UNIT_KFLAGS  = $(filter-out -MMD -MP,$(KERNEL_CFLAGS))

.PHONY: unit-kcheck
unit-test: $(UNIT_TESTS) unit-kcheck shell-linkcheck
	@sh tests/unit/run.sh $(UNIT_TESTS)

unit-kcheck: $(UNIT_KCHECK)

$(UNIT)/test_%: tests/unit/test_%.c kernel/%.c kernel/%.h $(UNIT_FW) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_DEFS) -o $@ $(filter %.c,$^)

$(UNIT)/kcheck/%.o: kernel/%.c kernel/%.h | $(DEPS_OK) $(MUSL_INC)/stdio.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_KFLAGS) -c -o $@ $<

# test_args tests the user library's user/lib/args.c.
$(UNIT)/test_args: tests/unit/test_args.c user/lib/args.c user/lib/user.h $(UNIT_FW) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -I. -Iuser/lib -o $@ $(filter %.c,$^)

# test_elf parses a real executable from the cross compiler; readelf
# gives the answers it must find.
$(UNIT)/test_elf: $(UNIT)/sample.elf $(UNIT)/sample.expect
$(UNIT)/test_elf: UNIT_DEFS = -DSAMPLE_ELF='"$(UNIT)/sample.elf"' -DSAMPLE_EXPECT='"$(UNIT)/sample.expect"'

$(UNIT)/sample.elf: tests/unit/sample_prog.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) -m32 -static -nostdlib -ffreestanding -fno-pic -no-pie -O1 -Wl,--build-id=none -o $@ $<

$(UNIT)/sample.expect: $(UNIT)/sample.elf
	$(CROSS)readelf -hlW $< | awk '/Entry point address/ { print "entry", $$NF } \
		$$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $$i; print "load", $$2, $$3, $$5, $$6, f }' >$@

# test_tar reads an archive of two files, written as iso/mktar.sh writes
# the disc's.
$(UNIT)/test_tar: $(UNIT)/sample.tar
$(UNIT)/test_tar: UNIT_DEFS = -DSAMPLE_TAR='"$(UNIT)/sample.tar"' \
	-DSAMPLE_A='"tests/unit/sample_prog.c"' -DSAMPLE_B='"tests/unit/unit.h"'

$(UNIT)/sample.tar: iso/mktar.sh tests/unit/sample_prog.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	sh iso/mktar.sh $@ tests/unit sample_prog.c unit.h

# Link check: the shell, Lua and musl together may leave undefined only
# what the kernel's own objects define (and libgcc's 64-bit division): a
# musl function that drags in system calls or files shows up here.  (It
# lives here, after mk/kernel.mk, because make expands a prerequisite list
# when it reads it: KERNEL_OBJS must be known by then.)  A
# stand-in object defines the kernel's snprintf/vsnprintf as the real link
# does, so musl's stdio versions are not pulled in here either.
.PHONY: shell-linkcheck
shell-linkcheck: $(SHELL_OBJS) $(LUA_LIB) $(MUSL_LIB) $(KERNEL_OBJS)
	@echo 'int snprintf, vsnprintf;' | $(CC) -m32 -fno-builtin -x c -c - -o $(BUILD)/shell/kernel-stub.o
	$(LD) -m elf_i386 -r -o $(BUILD)/shell/linkcheck.o -u shell_main \
		$(BUILD)/shell/kernel-stub.o $(SHELL_OBJS) $(LUA_LIB) $(MUSL_LIB)
	@$(NM) --defined-only $(KERNEL_OBJS) | awk 'NF == 3 {print $$3}' >$(BUILD)/shell/kernel-syms.txt
	@$(NM) -u $(BUILD)/shell/linkcheck.o | awk '{print $$2}' | \
		grep -vxF -f $(BUILD)/shell/kernel-syms.txt | \
		grep -vx -e '__u\?div\(mod\)\?di[34]' -e '__u\?moddi3' >$(BUILD)/shell/unexpected.txt; \
	if [ -s $(BUILD)/shell/unexpected.txt ]; then \
		echo "shell-linkcheck: unexpected undefined symbols:"; cat $(BUILD)/shell/unexpected.txt; exit 1; \
	else echo "shell-linkcheck: ok"; fi
