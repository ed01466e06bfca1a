# The two commands a newcomer needs: `make run` (the wizard) and `make test`.
# Both build their own environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test check bench screenshots sysdeps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# bytecode now, as an installed wheel has it (with PYTHONDONTWRITEBYTECODE set, every start would recompile)
	$(BIN)/python -m compileall -q installer >/dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/torch-setup $(ARGS)

# The tests use real tools where the machine can have them: bubblewrap (the sandbox), makeself
# (real runfile archives), sudo (the non-root path), shellcheck (the printed scripts) and fish (the
# environment snippets written for fish users). Install them when we may (root with apt); tests that
# need them skip otherwise.
sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	  command -v makeself >/dev/null || missing="$$missing makeself"; \
	  command -v sudo >/dev/null || missing="$$missing sudo"; \
	  command -v shellcheck >/dev/null || missing="$$missing shellcheck"; \
	  command -v fish >/dev/null || missing="$$missing fish"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing test tools:$$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $$missing >/dev/null 2>&1)) || \
	     echo "could not install$$missing: the tests that need them will be skipped"; \
	  fi; \
	fi

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check installer tests
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python tests/bench/run_all.py

screenshots: $(STAMP)
	$(BIN)/python -m installer.tui.screenshots screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
