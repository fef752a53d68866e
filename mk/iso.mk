# mk/iso.mk — GRUB rescue ISOs: the kernel, every user program and every
# scripts/lua/*.lua as multiboot modules.
#
#   build/bounce.iso           the shell on COM1 (make run)
#   build/bounce-<v>.iso       the same files, kernel command line $(ISO_CMDLINE_<v>)
#   build/debug/...            the same ISOs with the DEBUG=1 kernel
# Other mk files add variants with ISO_VARIANTS += v and ISO_CMDLINE_v := ...

ISO_VARIANTS += exit shared
ISO_CMDLINE_exit := exit
# shared: the conventional layout, for comparison (make run-shared)
ISO_CMDLINE_shared := mode=shared
ISO_SCRIPTS  := $(wildcard scripts/lua/*.lua)
ISO_INPUTS   := $(KERNEL) $(USER_PROGS) $(ISO_SCRIPTS) mk/mkiso.sh

.PHONY: iso isos
iso: $(ISO)
isos: $(ISO) $(foreach v,$(ISO_VARIANTS),$(KBUILD)/bounce-$(v).iso)

$(ISO): $(ISO_INPUTS) | $(DEPS_OK)
	@sh mk/mkiso.sh $@ "" $(KERNEL) $(USER_PROGS) $(ISO_SCRIPTS)

$(KBUILD)/bounce-%.iso: $(ISO_INPUTS) | $(DEPS_OK)
	@sh mk/mkiso.sh $@ "$(ISO_CMDLINE_$*)" $(KERNEL) $(USER_PROGS) $(ISO_SCRIPTS)
