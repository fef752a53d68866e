# mk/iso.mk — how the discs are built; what is on them is defined in iso/
# (iso/README.md): the menu template, the script, the list of variants.
#
#   build/bounce.iso           the shell on COM1 (make run)
#   build/bounce-<v>.iso       the same files, the command line iso/variants gives <v>
#   build/debug/...            the same ISOs with the DEBUG=1 kernel

# iso/variants, one `name command line` a line: ISO_VARIANTS and, per variant,
# ISO_CMDLINE_<name>, recursive so the line may name make variables.
iso_names     := $(shell sed -e '/^\#/d' -e '/^[[:space:]]*$$/d' -e 's/[[:space:]].*//' iso/variants)
iso_cmdline    = $(shell sed -n 's/^$(1)[[:space:]]\{1,\}//p' iso/variants)
ISO_VARIANTS  := $(iso_names)
$(foreach v,$(ISO_VARIANTS),$(eval ISO_CMDLINE_$(v) = $(call iso_cmdline,$(v))))

ISO_SCRIPTS  := $(wildcard scripts/lua/*.lua)
ISO_INPUTS   := $(KERNEL) $(USER_PROGS) $(ISO_SCRIPTS) iso/grub.cfg.in iso/mkiso.sh iso/mktar.sh iso/variants
# mkiso OUT,CMDLINE,KERNEL: every disc carries every user program and script
mkiso = @STRIP=$(CROSS)strip sh iso/mkiso.sh $(1) "$(2)" $(3) $(USER_PROGS) $(ISO_SCRIPTS)

.PHONY: iso isos
iso: $(ISO)
isos: $(ISO) $(foreach v,$(ISO_VARIANTS),$(KBUILD)/bounce-$(v).iso)

$(ISO): $(ISO_INPUTS) | $(DEPS_OK)
	$(call mkiso,$@,,$(KERNEL))

$(KBUILD)/bounce-%.iso: $(ISO_INPUTS) | $(DEPS_OK)
	$(call mkiso,$@,$(ISO_CMDLINE_$*),$(KERNEL))
