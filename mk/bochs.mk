# Bochs 3.0 from Debian's source, built headless in two variants from one
# unpacked tree ($(BOCHS_SRC)), each in its own build directory:
#   $(BOCHS)       with Bounce's instrumentation module (instrument/)
#   $(BOCHS_STUB)  with Bochs's own empty stubs: the baseline for overhead
#                  benchmarks only (make bochs-stub; make test does not need it)
# Stamp files make a second run do nothing.

BOCHS_SRC      := $(BUILD)/bochs-3.0
BOCHS_DIR      := $(BUILD)/bochs
BOCHS          := $(BOCHS_DIR)/bochs
BOCHS_STUB_DIR := $(BUILD)/bochs-stub
BOCHS_STUB     := $(BOCHS_STUB_DIR)/bochs

BOCHS_CONFIG := --with-nogui --enable-cpu-level=6 --enable-pci --disable-plugins \
	--enable-debugger-gui=no
# configure wants the module as a path inside the Bochs tree (an absolute
# path breaks its -I flags): $(BOCHS_SRC)/instrument/bounce is a relative
# symlink to our instrument/ (BUILD is one level deep).
BOCHS_MODULE := instrument/bounce
INSTRUMENT_SRC := $(wildcard instrument/*.cc instrument/*.h)

.PHONY: bochs bochs-stub
bochs: $(BOCHS)
bochs-stub: $(BOCHS_STUB)

$(BOCHS_SRC)/.unpacked: $(BOCHS_TARBALL) | $(DEPS_OK)
	@echo "bochs: unpacking $(notdir $<)"
	@rm -rf $(BOCHS_SRC) && tar -C $(BUILD) -xf $<
	@ln -s ../../../instrument $(BOCHS_SRC)/$(BOCHS_MODULE)
	@touch $@

# configure DIR INSTRUMENTATION-OPTION
bochs_configure = rm -rf $(1) && mkdir -p $(1) && cd $(1) && \
	echo "bochs: configure in $(1)" && \
	../$(notdir $(BOCHS_SRC))/configure $(BOCHS_CONFIG) $(2) >configure.log 2>&1 || \
	{ echo "bochs: configure failed; see $(1)/configure.log" >&2; tail -n 20 configure.log >&2; exit 1; }

$(BOCHS_DIR)/.configured: $(BOCHS_SRC)/.unpacked instrument/Makefile.in
	@$(call bochs_configure,$(BOCHS_DIR),--enable-instrumentation=$(BOCHS_MODULE))
	@touch $@

# Bochs's dependency lists name the stubs' instrument.h, so a change to
# ours would rebuild nothing: every object includes it, so drop them all.
$(BOCHS_DIR)/.hooks: instrument/instrument.h $(BOCHS_DIR)/.configured
	@find $(BOCHS_DIR) -name '*.o' -delete
	@touch $@

$(BOCHS): $(BOCHS_DIR)/.hooks $(INSTRUMENT_SRC)
	@sh mk/build-bochs.sh $(BOCHS_DIR) bochs
	@touch $@

$(BOCHS_STUB_DIR)/.configured: $(BOCHS_SRC)/.unpacked
	@$(call bochs_configure,$(BOCHS_STUB_DIR),--enable-instrumentation)
	@touch $@

$(BOCHS_STUB): $(BOCHS_STUB_DIR)/.configured
	@sh mk/build-bochs.sh $(BOCHS_STUB_DIR) bochs-stub
	@touch $@
