# mk/bench.mk — `make bench`: what a bounce costs, per kernel operation,
# in both kernel layouts (docs/performance.md).
#
#   make bench          both modes' bench ISOs in the instrumented Bochs
#                       ($(BENCH_RUNS) runs each), the logging-off and
#                       stub-Bochs runs for the overhead, the boot-to-prompt
#                       count, the TLB experiment (analysis/tlb.py, both
#                       layouts' shell ISOs), the emulator-speed table
#                       (analysis/speed.py: the same workload in the plain
#                       optimised and default Bochs, ours with logging off
#                       and on, the stub); writes $(BENCH_OUT)/ (results.json,
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
	--bochs-ref $(BOCHS_REF) --bochs-plain $(BOCHS_PLAIN) \
	--bounce-iso $(BUILD)/bounce-bench.iso --shared-iso $(BUILD)/bounce-bench-shared.iso \
	--shell-iso $(ISO) --shared-shell-iso $(BUILD)/bounce-shared.iso

.PHONY: bench bench-quick
BENCH_BOCHS := $(BOCHS) $(BOCHS_STUB) $(BOCHS_REF) $(BOCHS_PLAIN)

bench: $(BENCH_ISOS) $(ISO) $(BUILD)/bounce-shared.iso $(BENCH_BOCHS)
	$(call bench_run,$(BENCH_OUT),$(BENCH_RUNS))

bench-quick: $(BENCH_ISOS) $(ISO) $(BUILD)/bounce-shared.iso $(BENCH_BOCHS)
	$(call bench_run,$(OUT)/bench-quick,1)
