# spundetect: every target installs what it needs into .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED_ORIGINAL := $(wildcard seeds/000_*.txt)

.PHONY: install demo test lint train train-small lexicon bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: install
	@echo "== 004 (a content farm's page) against 000 (the Washington Post report it copied)"
	$(BIN)/spundetect score seeds/004_*.txt --against $(SEED_ORIGINAL)
	@for f in seeds/001_*.txt seeds/002_*.txt seeds/003_*.txt; do \
		echo; echo "== $$f (another outlet's own report) against 000"; \
		$(BIN)/spundetect score $$f --against $(SEED_ORIGINAL) || exit $$?; done
	@echo; echo "== scan: every other seed against 000; records in build/demo/scan.jsonl, then an HTML report"
	@rm -rf build/demo && mkdir -p build/demo/originals build/demo/suspects
	@cp $(SEED_ORIGINAL) build/demo/originals/
	@cp seeds/00[1-4]_*.txt build/demo/suspects/
	$(BIN)/spundetect scan build/demo/suspects --against build/demo/originals --jobs 2 --out build/demo/scan.jsonl
	$(BIN)/spundetect report build/demo/scan.jsonl --out build/demo/report.html

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check detector tests

lexicon: install
	$(BIN)/python -m detector.training.lexicon_build

train: install
	$(BIN)/python -m detector.training.train --jobs 2

train-small: install
	$(BIN)/python -m detector.training.train --max-topics 6 --folds 3 --no-style-holdout --out build/model-small

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
