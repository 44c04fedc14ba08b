# mtqa: `make demo` sets up and runs the main job on the sample article; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
TINY := .tiny-models

.PHONY: setup demo test lint bench bench-engines fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch first, pinned: the CPU wheel; a bare "torch" requirement could pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "torch==$(TORCH_VERSION)"
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	@command -v chromium >/dev/null || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq chromium) || \
		echo "warning: could not install chromium; the HTML browser test will be skipped"  # for the HTML report's browser test

demo: setup
	$(BIN)/mtqa flags data/seed-article.txt
	$(BIN)/mtqa score data/seed-article.txt data/samples/
	$(BIN)/mtqa check data/seed-article.txt data/samples/ --format github; echo "mtqa check exit code: $$? (1: an article failed the gate)"

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check mtqa tests tools

bench: setup
	$(BIN)/python tools/bench.py

# documents per second: local engine vs Ray engine with 1 and 2 workers, and Ray's start-up cost
bench-engines: setup
	$(BIN)/python tools/bench_engines.py

fuzz: setup
	MTQA_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests -k fuzz

clean:
	rm -rf $(VENV) $(TINY) .pytest_cache .hypothesis
