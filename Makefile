# medbill — the two commands a developer needs are `make demo` and `make test`.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_SERVE ?= 1
export MEDBILL_DATA_DIR ?= $(CURDIR)/var

.PHONY: venv demo test lint typecheck browser data clean bench suggest-model

# Exactly the versions in requirements-dev.lock (what CI tested), checked by hash; then
# medbill itself, without dependencies. CONTRIBUTING.md says how to update the lock.
$(STAMP): pyproject.toml requirements-dev.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (medbill needs Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Reference data built from installed packages and public files (kept out of git, under var/).
data: $(STAMP)
	$(BIN)/medbill codesets build

# The code suggestion model, learned once from CodiEsp train when the shared data is present
# (again when the saved one was made for another model format).
SUGGEST_TRAIN ?= ../shared/data/codiesp/train
SUGGEST_CURRENT = $(BIN)/python -c "from medbill.core.suggest import load_model, model_path; \
	raise SystemExit(load_model(model_path()) is None)"
suggest-model: data
	@if $(SUGGEST_CURRENT) 2>/dev/null; then echo "suggestion model present"; \
	elif [ -d "$(SUGGEST_TRAIN)" ]; then $(BIN)/medbill suggest train "$(SUGGEST_TRAIN)"; \
	else echo "no $(SUGGEST_TRAIN): suggestions use the dictionary alone"; fi

# The browser tests drive Debian's Chromium; make never installs system packages (CI's
# .ci/run does, as root). Without it those tests skip and say why.
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium"; \
	else echo "chromium is missing: the browser tests will skip (apt-get install chromium)"; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# mypy with django-stubs, configured in pyproject.toml (strict on medbill.core).
typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) browser data lint typecheck
	$(BIN)/python -m pytest -q

demo: $(STAMP) data
	$(BIN)/medbill demo run --out demo-out $(if $(filter 0,$(DEMO_SERVE)),--no-serve,--serve)

bench: $(STAMP) data suggest-model
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var demo-out .pytest_cache .mypy_cache
