# mk/bench.mk — `make bench`: what a bounce costs, per kernel operation,
# in both kernel layouts (issue 6; docs/performance.md).
#
#   make bench          both modes' bench ISOs in the instrumented Bochs, the
#                       logging-off and stub-Bochs runs for the overhead,
#                       the boot-to-prompt count; writes out/bench/
#                       (results.json, results.md, instructions.png, compare.txt)
#   make bench-quick    the same with every N divided by 100 and one run each
#
# user/bin/bench_ops.c does the work between MARKs; analysis/bench.py boots,
# times and reads the logs.

ISO_VARIANTS += bench bench-shared
ISO_CMDLINE_bench        := mode=bounce run=bench_ops
ISO_CMDLINE_bench-shared := mode=shared run=bench_ops
BENCH_ISOS  := $(BUILD)/bounce-bench.iso $(BUILD)/bounce-bench-shared.iso
BENCH_OUT   := $(OUT)/bench
BENCH_RUNS  ?= 3

.PHONY: bench bench-quick
bench: $(BENCH_ISOS) $(ISO) $(BOCHS) $(BOCHS_STUB)
	$(PY) -m analysis.bench --out $(BENCH_OUT) --runs $(BENCH_RUNS) \
		--bochs $(BOCHS) --bochs-stub $(BOCHS_STUB) \
		--bounce-iso $(BUILD)/bounce-bench.iso --shared-iso $(BUILD)/bounce-bench-shared.iso \
		--shell-iso $(ISO)

bench-quick:
	$(MAKE) bench BENCH_RUNS=1 BENCH_OUT=$(OUT)/bench-quick
