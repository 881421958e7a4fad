# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# torch first: a CPU build, otherwise sentence-transformers pulls a CUDA one.
TORCH_SPEC ?= torch==2.13.0
EXAMPLE := examples/iraq-2023-04-29
OUT ?= out

.PHONY: venv install dev demo test lint bench train clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "$(TORCH_SPEC)"
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.installed
	$(PIP) install -q -e ".[dev]"
	bash scripts/system-deps.sh
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev

demo: install
	mkdir -p $(OUT)
	$(VENV)/bin/parallax analyze $(EXAMPLE) --db $(OUT)/parallax.db --json $(OUT)/out.json --html $(OUT)/report.html --markdown $(OUT)/report.md

test: dev
	$(PY) -m pytest -n 2 --dist loadfile -q

lint: dev
	$(VENV)/bin/ruff check parallax tests benchmarks
	$(VENV)/bin/mypy parallax

bench: dev
	$(PY) -m benchmarks.run $(BENCH)

# Refit the shipped models from ../shared/eval (deterministic: the same files on every run).
train: dev
	$(PY) -m benchmarks.train_same_fact
	$(PY) -m benchmarks.train_same_fact --embedder model2vec
	$(PY) -m benchmarks.train_tone
	$(PY) -m benchmarks.train_tone --embedder model2vec

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
