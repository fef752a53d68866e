# analysis/: instrumentation logs -> tables, plots, reports (docs/analysis.md).
#
#   make analyze LOG=trace.log     out/analyze/<name>/report.html + figures
#   make demo                      boot, run scripts/lua/demo.lua (window tour + 4 GiB suite),
#                                  out/demo/report.html from its log
#   make demo-report DEMO_LOG=...  out/demo/report.html (what `make demo` ends with)
#   make report-shot [REPORT=...]  PNG screenshot of a whole report page, via headless Chromium
#   make bench-analysis            parse/classify a generated 10-million-event log

ANALYSIS     := $(PY) -m analysis
ANALYZE_DIR  := $(OUT)/analyze
DEMO_LOG     ?= $(OUT)/demo/trace.log
REPORT       ?= $(OUT)/demo/report.html
CHROMIUM_OK  := $(BUILD)/.chromium-ok
PYTEST_DIRS  += tests/analysis

.PHONY: demo demo-report report-shot bench-analysis

analyze:
	@test -n "$(LOG)" || { echo "usage: make analyze LOG=path/to/trace.log" >&2; exit 2; }
	@$(ANALYSIS) report $(LOG) --out $(ANALYZE_DIR)/$(basename $(notdir $(LOG)))

demo: demo-report
	@echo "demo: open $(OUT)/demo/report.html"

$(OUT)/demo/trace.log: $(ISO) $(BOCHS) scripts/lua/demo.lua
	@mkdir -p $(dir $@)
	$(PY) shell/client.py script scripts/lua/demo.lua --iso $(ISO) --log $@ --timeout 1500

# `make demo` boots the kernel into $(DEMO_LOG) and ends with this.
demo-report: $(DEMO_LOG)
	@$(ANALYSIS) report $(DEMO_LOG) --out $(OUT)/demo

$(CHROMIUM_OK): mk/analysis.mk
	@mkdir -p $(BUILD)
	@sh mk/install-deps.sh chromium
	@touch $@

# The whole page, however tall: mk/report-shot.sh sizes the window to it.
report-shot: $(CHROMIUM_OK)
	@test -f "$(REPORT)" || { echo "report-shot: no $(REPORT) (make analyze LOG=..., then REPORT=out/analyze/<name>/report.html)" >&2; exit 2; }
	@sh mk/report-shot.sh $(abspath $(REPORT)) $(abspath $(REPORT:.html=.png))

bench-analysis:
	BOUNCE_BENCH=1 $(PY) -m pytest -q -s tests/analysis/test_analysis_bench.py
