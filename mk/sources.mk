# Third-party sources: Debian source tarballs, fetched by mk/fetch-source.sh
# with a private apt configuration (build/apt/) and checked against these
# pins. They land in build/src/ and are never committed.

SRC := $(BUILD)/src

BOCHS_ORIG  := bochs_3.0+dfsg.orig.tar.xz
BOCHS_SHA   := 78f6c73d4a6472d5130a87ab9dc306d02c7c71ed8e25b3a8ef642e2a7acd282b
LUA_ORIG    := lua5.4_5.4.4.orig.tar.gz
LUA_SHA     := 164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61
MUSL_ORIG   := musl_1.2.3.orig.tar.gz
MUSL_SHA    := 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

BOCHS_TARBALL := $(SRC)/$(BOCHS_ORIG)
LUA_TARBALL   := $(SRC)/$(LUA_ORIG)
MUSL_TARBALL  := $(SRC)/$(MUSL_ORIG)

.PHONY: sources
sources: $(BOCHS_TARBALL) $(LUA_TARBALL) $(MUSL_TARBALL)

# fetch SRCPKG ORIGFILE SHA256 SUITE (bookworm's bochs 2.7 tarball is gone;
# trixie's 3.0 is there, without its .dsc)
fetch = sh mk/fetch-source.sh $(1) $(2) $(3) $(4) $(SRC)

$(BOCHS_TARBALL): | $(DEPS_OK)
	@$(call fetch,bochs,$(BOCHS_ORIG),$(BOCHS_SHA),trixie)
$(LUA_TARBALL): | $(DEPS_OK)
	@$(call fetch,lua5.4,$(LUA_ORIG),$(LUA_SHA),bookworm)
$(MUSL_TARBALL): | $(DEPS_OK)
	@$(call fetch,musl,$(MUSL_ORIG),$(MUSL_SHA),bookworm)
