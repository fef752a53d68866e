# analysis/: instrumentation logs -> tables, plots, reports (docs/analysis.md).
#
#   make analyze LOG=trace.log     out/analyze/<name>/report.html + figures
#   make demo                      boot, run scripts/lua/demo.lua (window tour + 4 GiB suite),
#                                  out/demo/report.html and out/demo/window.html from its log
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

WINDOW_VIEW  := $(OUT)/demo/window.html

demo: demo-report $(WINDOW_VIEW)
	@echo "demo: open $(OUT)/demo/report.html"
	@echo "demo: watch the window: open $(WINDOW_VIEW)"

# The run played back over the process's 4 GiB (docs/analysis.md).
$(WINDOW_VIEW): $(DEMO_LOG) analysis/window_view.py analysis/window_view.html
	@$(ANALYSIS) window-view $(DEMO_LOG) $@

$(OUT)/demo/trace.log: $(ISO) $(BOCHS) scripts/lua/demo.lua
	@mkdir -p $(dir $@)
	$(PY) shell/client.py script scripts/lua/demo.lua --iso $(ISO) --log $@ --timeout 1500

# `make demo` boots the kernel into $(DEMO_LOG) and ends with this.
demo-report: $(DEMO_LOG)
	@$(ANALYSIS) report $(DEMO_LOG) --out $(OUT)/demo

# Debian's chromium: report-shot, and tests/system/test_window_view.py opens
# the window view in it (headless), so `make test` installs it too.
CHROMIUM_PACKAGES := chromium
test: $(CHROMIUM_OK)

$(CHROMIUM_OK): mk/analysis.mk
	@mkdir -p $(BUILD)
	@sh mk/install-deps.sh $(CHROMIUM_PACKAGES)
	@touch $@

# The whole page, however tall: mk/report-shot.sh sizes the window to it.
report-shot: $(CHROMIUM_OK)
	@test -f "$(REPORT)" || { echo "report-shot: no $(REPORT) (make analyze LOG=..., then REPORT=out/analyze/<name>/report.html)" >&2; exit 2; }
	@sh mk/report-shot.sh $(abspath $(REPORT)) $(abspath $(REPORT:.html=.png))

bench-analysis:
	BOUNCE_BENCH=1 $(PY) -m pytest -q -s tests/analysis/test_analysis_bench.py
