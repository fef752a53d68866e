# mk/lua.mk — the kernel's Lua shell: musl 1.2.3 and Lua 5.4.4 from Debian's
# source tarballs, built freestanding for i686, plus shell/ and its C-library
# shim shell/libc/.
#
# The kernel links  $(SHELL_OBJS) $(LUA_LIB) $(MUSL_LIB) -lgcc : the shim in
# SHELL_OBJS comes first, so musl only donates what nothing else defines
# (libm, strtod, string, ctype, setjmp, and printf's engine for Lua's
# number formatting), never its FILE streams, locale or thread code.

LUA_TARBALL  ?= $(BUILD)/src/lua5.4_5.4.4.orig.tar.gz
MUSL_TARBALL ?= $(BUILD)/src/musl_1.2.3.orig.tar.gz

LUA_DIR   := $(BUILD)/lua-5.4.4
MUSL_DIR  := $(BUILD)/musl-1.2.3
MUSL_INC  := $(MUSL_DIR)/installed/include
MUSL_LIB  := $(MUSL_DIR)/lib/libc.a
LUA_LIB   := $(BUILD)/shell/liblua.a

# The core and the libraries the shell opens (no io, os, package, debug).
LUA_CORE  := lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject \
	lopcodes lparser lstate lstring ltable ltm lundump lvm lzio
LUA_LIBS  := lauxlib lbaselib lcorolib ltablib lstrlib lmathlib lutf8lib
LUA_OBJS  := $(patsubst %,$(BUILD)/shell/lua/%.o,$(LUA_CORE) $(LUA_LIBS))

FREESTANDING  = -m32 -march=i686 -ffreestanding -fno-pic -fno-stack-protector \
	-nostdinc -isystem $(GCC_INC) -isystem $(MUSL_INC) -O2 -g

# Lua's sources see luaport.h first (our luaconf overrides).
LUA_CFLAGS    = $(FREESTANDING) -std=gnu99 -Wall -Wextra -I $(LUA_DIR)/src \
	-include shell/luaport.h
SHELL_CFLAGS  = $(FREESTANDING) -std=gnu99 -Wall -Wextra -Werror \
	-I shell -I kernel -I $(LUA_DIR)/src -include shell/luaport.h

SHELL_SRCS := $(wildcard shell/*.c shell/libc/*.c)
SHELL_OBJS := $(patsubst shell/%.c,$(BUILD)/shell/%.o,$(SHELL_SRCS)) $(BUILD)/shell/musl_snprintf.o

# Unpacking and configuring stamp themselves with a file each creates.
$(LUA_DIR)/src/lua.h: $(LUA_TARBALL)
	@mkdir -p $(BUILD)
	tar -xzf $< -C $(BUILD)
	@touch $@

$(MUSL_DIR)/configure: $(MUSL_TARBALL)
	@mkdir -p $(BUILD)
	tar -xzf $< -C $(BUILD)
	@touch $@

$(MUSL_DIR)/config.mak: $(MUSL_DIR)/configure
	cd $(MUSL_DIR) && ./configure --target=i686-linux-gnu --disable-shared \
		CC=$(CC) CFLAGS="-O2 -g -march=i686 -fno-pic -fno-stack-protector" >/dev/null

$(MUSL_LIB): $(MUSL_DIR)/config.mak
	$(MAKE) -C $(MUSL_DIR) lib/libc.a >/dev/null
	@touch $@

$(MUSL_INC)/stdio.h: $(MUSL_DIR)/config.mak
	$(MAKE) -C $(MUSL_DIR) install-headers DESTDIR= includedir=$(abspath $(MUSL_INC)) >/dev/null
	@touch $@

# Lua formats numbers with musl's printf (exact, like glibc's) under the name
# musl_snprintf: the kernel owns snprintf/vsnprintf (stb_sprintf).
$(BUILD)/shell/musl_snprintf.o: $(MUSL_LIB)
	@mkdir -p $(BUILD)/shell/musl-printf
	cd $(BUILD)/shell/musl-printf && $(CROSS)ar x $(abspath $(MUSL_LIB)) snprintf.o vsnprintf.o
	$(LD) -m elf_i386 -r -o $@.tmp $(BUILD)/shell/musl-printf/snprintf.o $(BUILD)/shell/musl-printf/vsnprintf.o
	$(OBJCOPY) --redefine-sym snprintf=musl_snprintf --redefine-sym vsnprintf=musl_vsnprintf $@.tmp $@
	@rm -f $@.tmp

$(BUILD)/shell/lua/%.o: $(LUA_DIR)/src/lua.h shell/luaport.h $(MUSL_INC)/stdio.h
	@mkdir -p $(dir $@)
	$(CC) $(LUA_CFLAGS) -c $(LUA_DIR)/src/$*.c -o $@

$(LUA_LIB): $(LUA_OBJS)
	rm -f $@
	$(CROSS)ar rcs $@ $^

$(BUILD)/shell/%.o: shell/%.c $(LUA_DIR)/src/lua.h $(MUSL_INC)/stdio.h
	@mkdir -p $(dir $@)
	$(CC) $(SHELL_CFLAGS) -MMD -MP -c $< -o $@

-include $(patsubst shell/%.c,$(BUILD)/shell/%.d,$(SHELL_SRCS))

# Host unit tests of the shell's portable parts.
SHELL_UNIT_TESTS := $(BUILD)/unit/test_lineedit
$(BUILD)/unit/test_lineedit: tests/unit/test_lineedit.c shell/lineedit.c shell/lineedit.h tests/unit/unit.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -I shell -o $@ \
		tests/unit/test_lineedit.c shell/lineedit.c tests/unit/unit.c

.PHONY: shell-unit-test
shell-unit-test: $(SHELL_UNIT_TESTS)
	@for t in $^; do echo "== $$t"; $$t || exit 1; done

# make script SCRIPT=path/to/file.lua — boot headless, run the file in the
# shell as one chunk (shell/client.py), log to out/<name>.bxlog. The
# client's exit status is 0, 1 (the chunk failed) or the k.exit status;
# make shows it in its error line.
script: $(ISO) $(BOCHS)
	@test -n "$(SCRIPT)" || { echo "usage: make script SCRIPT=path/to/file.lua" >&2; exit 2; }
	@mkdir -p $(OUT)
	$(PY) shell/client.py script $(SCRIPT) --iso $(ISO) --log $(OUT)/$(basename $(notdir $(SCRIPT))).bxlog
