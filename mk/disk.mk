# mk/disk.mk — the swap disk's image (docs/disk.md).
#
# DISK_MIB is the one place its size is set: enough for a full 4 GiB
# process and a second one partly swapped.  The image is a sparse file, so
# it costs no host disk until a guest writes to it.  Bochs runs never write
# to it: shell/runner.py gives each run a fresh image of the same size (two
# emulators writing one image would corrupt each other), and make qemu
# attaches it with QEMU's snapshot=on.

DISK_MIB := 8192
DISK_IMG := $(BUILD)/disk.img

# Depends on this file, so a new DISK_MIB makes a new image.
$(DISK_IMG): mk/disk.mk
	@mkdir -p $(@D)
	rm -f $@
	truncate -s $(DISK_MIB)M $@

# Every Bochs run boots one of the ISOs, so whatever makes an ISO makes the
# image too (order-only: a new image does not rebuild the discs).
$(ISO) $(foreach v,$(ISO_VARIANTS),$(KBUILD)/bounce-$(v).iso): | $(DISK_IMG)
qemu gdb: $(DISK_IMG)
