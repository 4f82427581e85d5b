# Two commands do all the set-up on a fresh machine:
#   make run    score the sample transcripts against the sample KB and open the app
#   make test   run the whole test suite
# Both create and use a virtual environment in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint report clean screenshot

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

report: $(STAMP)
	mkdir -p data
	$(BIN)/coach import transcripts/ --kb kb/
	$(BIN)/coach user seed-demo
	$(BIN)/coach score transcripts/ --kb kb/ --out data/sample_report.html
	@echo "Samples scored into data/coach.sqlite; report: data/sample_report.html"

run: report
	$(BIN)/coach app --port $(PORT)

# The browser test drives Debian's Chromium with Playwright (no browser download).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "could not install chromium; the browser test will be skipped outside CI"

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check coach app.py app_pages tests
	$(BIN)/python -m pytest

screenshot: $(STAMP) $(CHROMIUM)
	COACH_SCREENSHOT=1 $(BIN)/python -m pytest -q tests/test_browser.py

clean:
	rm -rf $(VENV) data .pytest_cache
