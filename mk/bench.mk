# mk/bench.mk — `make bench`: what a bounce costs, per kernel operation,
# in both kernel layouts (docs/performance.md).
#
#   make bench          both modes' bench ISOs in the instrumented Bochs
#                       ($(BENCH_RUNS) runs each), the logging-off and
#                       stub-Bochs runs for the overhead, the boot-to-prompt
#                       count, the TLB experiment (analysis/tlb.py, both
#                       layouts' shell ISOs); writes $(BENCH_OUT)/ (results.json,
#                       results.md, instructions.png, tlb.png, compare.txt)
#                       and prints the tables
#   make bench-quick    the same with one run each, into out/bench-quick/
#
# user/bin/bench_ops.c does the work between MARKs; analysis/bench.py boots,
# times and reads the logs.

# The two bench discs' command lines are in iso/variants.
BENCH_ISOS  := $(BUILD)/bounce-bench.iso $(BUILD)/bounce-bench-shared.iso
BENCH_OUT   ?= $(OUT)/bench
BENCH_RUNS  ?= 3

# bench_run OUT-DIR RUNS
bench_run = $(PY) -m analysis.bench --out $(1) --runs $(2) \
	--bochs $(BOCHS) --bochs-stub $(BOCHS_STUB) \
	--bounce-iso $(BUILD)/bounce-bench.iso --shared-iso $(BUILD)/bounce-bench-shared.iso \
	--shell-iso $(ISO) --shared-shell-iso $(BUILD)/bounce-shared.iso

.PHONY: bench bench-quick
bench: $(BENCH_ISOS) $(ISO) $(BUILD)/bounce-shared.iso $(BOCHS) $(BOCHS_STUB)
	$(call bench_run,$(BENCH_OUT),$(BENCH_RUNS))

bench-quick: $(BENCH_ISOS) $(ISO) $(BUILD)/bounce-shared.iso $(BOCHS) $(BOCHS_STUB)
	$(call bench_run,$(OUT)/bench-quick,1)
