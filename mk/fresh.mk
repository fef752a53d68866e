# make fresh-test: the whole of `make test` in a new minimal Debian root
# (mk/fresh-test.sh), so a package installed by hand on this machine cannot
# hide a missing install step. Needs root and the Debian archive.

FRESH_ROOT := $(BUILD)/fresh-root

.PHONY: fresh-test
fresh-test:
	@sh mk/fresh-test.sh $(FRESH_ROOT)
