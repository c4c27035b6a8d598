# clean-news: the commands people run. Every target installs what it needs
# into .venv first, so each works from a fresh clone with only Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
OUT    ?= out

.PHONY: help install dev demo test lint format golden fuzz eval bench models clean

help:
	@echo "make demo    install, clean seeds/ into $(OUT)/ (texts, report.json, report.html)"
	@echo "make test    install the dev and ray extras, run ruff, mypy and the whole pytest suite"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make eval    measure every detector on ../shared/corpora (or \$$CLEAN_NEWS_DATA) and seeds/"
	@echo "make bench   throughput of the pipeline beside datatrove's filters, same corpus, same run"
	@echo "make models  retrain the shipped models from ../shared/corpora (deterministic seed)"
	@echo "make golden  regenerate tests/golden/ from seeds/ (review the diff before committing)"
	@echo "make fuzz    longer fuzzing: 20,000 examples per property, a new random seed each run"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	rm -rf $(OUT)/seeds
	$(BIN)/clean-news seeds/ -o $(OUT)/seeds/ --report $(OUT)/report.json --html $(OUT)/report.html
	@echo "cleaned texts in $(OUT)/seeds/, report in $(OUT)/report.json, review page $(OUT)/report.html"

lint: dev
	$(BIN)/ruff check filters models tests
	$(BIN)/ruff format --check filters models tests
	$(BIN)/mypy filters models

format: dev
	$(BIN)/ruff format filters models tests
	$(BIN)/ruff check --fix filters models tests

# The suite also runs Ray Data for real on a local cluster: the ray extra.
$(VENV)/.installed-test: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[dev,ray]'
	@touch $@

test: lint $(VENV)/.installed-test
	$(BIN)/pytest

golden: dev
	CLEAN_NEWS_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_golden.py

# Longer fuzzing than CI: 20,000 examples per property, a new random seed each run.
fuzz: dev
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_properties.py

# Measurements, not tests: they print tables and write JSON under $(OUT)/eval/.
$(VENV)/.installed-eval: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[dev,eval]'
	@touch $@

eval: $(VENV)/.installed-eval
	$(PY) -m filters.evaluation --out $(OUT)/eval

# Retrain every shipped model (models/<name>/train.py) from the dev corpora.
models: $(VENV)/.installed-dev
	$(PY) -m models

# datatrove, the reference stack, lives in its own environment only.
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench,ray]'
	@touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m filters.evaluation.bench --out $(OUT)/eval

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(OUT) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
