# Set-up is part of every target: a fresh machine needs only `make example` or `make test`.
VENV ?= .venv
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

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) -m bench.run
