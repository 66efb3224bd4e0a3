# Two commands matter: `make demo` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test lint format messages sandbox worker clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# `make demo PORT=8001` serves the demo (and its links) on another port.
PORT ?= 8000
demo: install
	VITRINA_DEMO=1 $(BIN)/vitrina demo --addr 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Extract new strings into the Russian catalogue; translate them there, then compile.
messages: install
	cd src/vitrina && ../../$(BIN)/django-admin makemessages -l ru --no-obsolete --no-location \
		--settings=tests.settings --pythonpath=../..
	$(BIN)/python -c "import polib; polib.pofile('src/vitrina/locale/ru/LC_MESSAGES/django.po').save_as_mofile('src/vitrina/locale/ru/LC_MESSAGES/django.mo')"

clean:
	rm -rf $(VENV) var
