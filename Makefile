# Two commands do all the set-up: `make solve` (the main job) and `make test`.
# The virtual environment is created on first use. torch is pinned to the CPU build 2.13.0
# before the package is installed, so pip never downloads a CUDA build of torch.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
SEED ?= 1

.PHONY: venv solve plan test test-slow bench lint clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# A solve that runs to the end but does not solve the cube exits 1: a result, not an error.
solve: venv
	$(BIN)/cubehand solve --random --seed $(SEED) --video runs/solve-seed$(SEED).mp4 \
		|| test $$? -eq 1

plan: venv
	$(BIN)/cubehand plan --random --seed $(SEED)

test: venv
	$(BIN)/python -m pytest -q

test-slow: venv
	$(BIN)/python -m pytest -q -m slow

bench: venv
	$(BIN)/cubehand bench solver --n 1000 --out docs/bench-solver.md

lint: venv
	$(BIN)/ruff check cubehand tests

clean:
	rm -rf $(VENV)
