# Set-up is part of every target: a fresh machine needs only `make example` or `make test`.
VENV ?= .venv
# LibreTranslate pins clash with ours: it gets its own venv, for the engine's server test.
LT_VENV ?= .venv-lt
PY := $(VENV)/bin/python
BILINGUAL := $(VENV)/bin/bilingual
EXAMPLE := examples/county-epidemic-notice.txt

.PHONY: example test bench lint

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

example: $(VENV)/.installed
	$(BILINGUAL) segment $(EXAMPLE)
	$(BILINGUAL) translate $(EXAMPLE) --engine auto -o output/

$(LT_VENV)/.installed:
	python3 -m venv $(LT_VENV)
	$(LT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LT_VENV)/bin/python -m pip install --quiet libretranslate
	touch $@

test: $(VENV)/.installed $(LT_VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) -m bench.run
