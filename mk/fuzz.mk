# mk/fuzz.mk — `make fuzz`: the attack suite of `make test`, longer
# (docs/attack.md).
#
#   make fuzz                     a fresh seed, 200k system calls, every
#                                 selector in the CPU zoo, 400 shell rounds
#   make fuzz FUZZ_SEED=N         the same run again (a failure names its seed)
#
# The same tests as tests/system/test_attack.py in `make test`, which uses
# seed 9, 20k calls, every 251st selector and 24 shell rounds.

ifndef FUZZ_SEED
FUZZ_SEED := $(shell date +%s)
endif
FUZZ_CALLS       ?= 200000
FUZZ_ZOO_STEP    ?= 1
FUZZ_SHELL_ROUNDS ?= 400
FUZZ_TIMEOUT     ?= 14400

.PHONY: fuzz
fuzz: isos $(BOCHS)
	@echo "fuzz: seed $(FUZZ_SEED) (make fuzz FUZZ_SEED=$(FUZZ_SEED) repeats this run)"
	BOUNCE_FUZZ_SEED=$(FUZZ_SEED) BOUNCE_FUZZ_CALLS=$(FUZZ_CALLS) \
	BOUNCE_ZOO_STEP=$(FUZZ_ZOO_STEP) BOUNCE_SHELL_ROUNDS=$(FUZZ_SHELL_ROUNDS) \
	BOUNCE_ATTACK_TIMEOUT=$(FUZZ_TIMEOUT) \
	$(PY) -m pytest -v -s -p no:cacheprovider tests/system/test_attack.py
