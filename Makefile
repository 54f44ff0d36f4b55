# Two commands are all a newcomer needs (see README.md):
#   make test   build .venv if needed, install cifar-lab with its dev extra, lint, run the whole suite
#   make run    same set-up, then run the course notebooks headless with the quick preset
#   make lab    same set-up, then open the course in JupyterLab for a student
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when the package's declared dependencies change.
STAMP := $(VENV)/.installed

.PHONY: test lint run lab docs docs-figures goldens bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cifar-lab needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Install a newer Python and run: make PYTHON=python3.12 test")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

test: lint
	$(BIN)/python -m pytest

# Lint and format check (ruff, configured in pyproject.toml); `make test` runs it first.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

run: $(STAMP)
	$(BIN)/cifar-lab run --preset quick

# The course for a student: JupyterLab on 127.0.0.1 (with a token) on your own working copies of the
# notebooks in my-notebooks/ (made the first time, never overwritten), with the cifar-lab kernel.
lab: $(STAMP)
	$(BIN)/cifar-lab lab

# Regenerate the nbval goldens in tests/notebooks/: every notebook executed with the ci preset. Run it
# after changing a notebook or what it prints, review the diff, commit. `make test` re-executes them.
goldens: $(STAMP)
	$(BIN)/python tests/notebooks/make_goldens.py

# The documentation site, into site/; strict: a broken link, a missing reference or any warning fails.
# It shows the course notebooks executed with the ci preset (synthetic data, about 1.5 min on 2 cores),
# so it runs them first into runs/ci/; a run already done with the same notebooks and code is skipped.
docs: $(STAMP)
	$(BIN)/cifar-lab run --preset ci
	$(BIN)/python -m mkdocs build --strict

# Regenerate the figures under docs/img/ (and the example sweep table) with the library, on synthetic data (offline).
docs-figures: $(STAMP)
	$(BIN)/python docs/gen_figures.py

# Training benchmarks (issue 3) on real CIFAR-10: set CIFAR_LAB_DATA to the archive. ~15 min on 2 quiet cores.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_matmul.py
	$(BIN)/python benchmarks/bench_training.py --bfloat16

clean:
	rm -rf $(VENV) runs site .pytest_cache
