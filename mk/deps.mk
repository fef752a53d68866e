# Debian packages Bounce needs; installed on first use (we run as root here).
# PyPI is not reachable: every Python module comes from Debian and runs
# under /usr/bin/python3 ($(PY)).
DEB_PACKAGES := gcc-i686-linux-gnu binutils-i686-linux-gnu grub-pc-bin grub-common \
	xorriso mtools bochsbios vgabios python3 python3-pytest python3-matplotlib \
	python3-numpy g++ make libstb-dev lua5.4 dpkg-dev xz-utils ca-certificates \
	qemu-system-x86 gdb

deps: $(DEPS_OK)

$(DEPS_OK): mk/deps.mk mk/install-deps.sh
	@mkdir -p $(BUILD)
	@sh mk/install-deps.sh $(DEB_PACKAGES)
	@touch $@
