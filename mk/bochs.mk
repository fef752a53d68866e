# Bochs 3.0 from Debian's source, built headless in four variants from one
# unpacked tree ($(BOCHS_SRC)), each in its own build directory:
#   $(BOCHS)       with Bounce's instrumentation module (instrument/)
#   $(BOCHS_STUB)  with Bochs's own empty stubs, our speed options: the
#                  baseline for the module's cost (make bochs-stub)
#   $(BOCHS_REF)   no instrumentation, --enable-all-optimizations: the plain,
#                  fastest Bochs the speed target is measured against
#   $(BOCHS_PLAIN) no instrumentation, Bochs's default options
# Only $(BOCHS) is needed by make test; make bench builds the other three.
# Stamp files make a second run do nothing; an edit of this file (its
# options) configures every variant again.
BOCHS_SRC      := $(BUILD)/bochs-3.0
BOCHS_DIR      := $(BUILD)/bochs
BOCHS          := $(BOCHS_DIR)/bochs
BOCHS_STUB_DIR := $(BUILD)/bochs-stub
BOCHS_STUB     := $(BOCHS_STUB_DIR)/bochs
BOCHS_REF_DIR  := $(BUILD)/bochs-ref
BOCHS_REF      := $(BOCHS_REF_DIR)/bochs
BOCHS_PLAIN_DIR := $(BUILD)/bochs-plain
BOCHS_PLAIN    := $(BOCHS_PLAIN_DIR)/bochs

BOCHS_CONFIG := --with-nogui --enable-cpu-level=6 --enable-pci --disable-plugins \
	--enable-debugger-gui=no
# Bochs's speed-ups that keep what the module sees (docs/performance.md,
# "Emulator speed"): handlers chaining runs a whole trace of decoded
# instructions in one call (our before/after hooks still run around each
# one) and trace linking jumps from trace to trace. Not the repeat speed-ups
# of --enable-all-optimizations: they copy a `rep movs`/`stos`/`ins`/`outs`
# in bulk, count it as one instruction and skip the linear-access hook, so
# the instruction counts and the ring-0 access checks would change.
# (--enable-fast-function-calls only matters on a 32-bit x86 host.)
BOCHS_SPEED := --enable-handlers-chaining --enable-trace-linking
# configure wants the module as a path inside the Bochs tree (an absolute
# path breaks its -I flags): $(BOCHS_SRC)/instrument/bounce is a relative
# symlink to our instrument/ (BUILD is one level deep).
BOCHS_MODULE := instrument/bounce
INSTRUMENT_SRC := $(wildcard instrument/*.cc instrument/*.h)

.PHONY: bochs bochs-stub bochs-ref bochs-plain
bochs: $(BOCHS)
bochs-stub: $(BOCHS_STUB)
bochs-ref: $(BOCHS_REF)
bochs-plain: $(BOCHS_PLAIN)

$(BOCHS_SRC)/.unpacked: $(BOCHS_TARBALL) | $(DEPS_OK)
	@echo "bochs: unpacking $(notdir $<)"
	@rm -rf $(BOCHS_SRC) && tar -C $(BUILD) -xf $<
	@ln -s ../../../instrument $(BOCHS_SRC)/$(BOCHS_MODULE)
	@touch $@

# configure DIR OPTIONS (after $(BOCHS_CONFIG))
bochs_configure = rm -rf $(1) && mkdir -p $(1) && cd $(1) && \
	echo "bochs: configure in $(1)" && \
	../$(notdir $(BOCHS_SRC))/configure $(BOCHS_CONFIG) $(2) >configure.log 2>&1 || \
	{ echo "bochs: configure failed; see $(1)/configure.log" >&2; tail -n 20 configure.log >&2; exit 1; }

$(BOCHS_DIR)/.configured: $(BOCHS_SRC)/.unpacked instrument/Makefile.in mk/bochs.mk
	@$(call bochs_configure,$(BOCHS_DIR),$(BOCHS_SPEED) --enable-instrumentation=$(BOCHS_MODULE))
	@touch $@

# Bochs's dependency lists name the stubs' instrument.h, so a change to
# ours would rebuild nothing: every object includes it, so drop them all.
$(BOCHS_DIR)/.hooks: instrument/instrument.h $(BOCHS_DIR)/.configured
	@find $(BOCHS_DIR) -name '*.o' -delete
	@touch $@

$(BOCHS): $(BOCHS_DIR)/.hooks $(INSTRUMENT_SRC)
	@sh mk/build-bochs.sh $(BOCHS_DIR) bochs
	@touch $@

$(BOCHS_STUB_DIR)/.configured: $(BOCHS_SRC)/.unpacked mk/bochs.mk
	@$(call bochs_configure,$(BOCHS_STUB_DIR),$(BOCHS_SPEED) --enable-instrumentation)
	@touch $@

$(BOCHS_STUB): $(BOCHS_STUB_DIR)/.configured
	@sh mk/build-bochs.sh $(BOCHS_STUB_DIR) bochs-stub
	@touch $@

# All of Bochs's speed-ups, repeat speed-ups included, and no instrumentation.
$(BOCHS_REF_DIR)/.configured: $(BOCHS_SRC)/.unpacked mk/bochs.mk
	@$(call bochs_configure,$(BOCHS_REF_DIR),--enable-all-optimizations)
	@touch $@

$(BOCHS_REF): $(BOCHS_REF_DIR)/.configured
	@sh mk/build-bochs.sh $(BOCHS_REF_DIR) bochs-ref
	@touch $@

$(BOCHS_PLAIN_DIR)/.configured: $(BOCHS_SRC)/.unpacked mk/bochs.mk
	@$(call bochs_configure,$(BOCHS_PLAIN_DIR),)
	@touch $@

$(BOCHS_PLAIN): $(BOCHS_PLAIN_DIR)/.configured
	@sh mk/build-bochs.sh $(BOCHS_PLAIN_DIR) bochs-plain
	@touch $@
