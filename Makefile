# Set-up is part of every target: a fresh machine needs only `make example` or `make test`.
VENV ?= .venv
# LibreTranslate and llama.cpp's server pin packages that clash with ours: each gets its own
# venv, for the engine tests that start a real server on 127.0.0.1.
LT_VENV ?= .venv-lt
LLAMA_VENV ?= .venv-llama
LLAMA_CPP_VERSION ?= 0.3.36
# llama-cpp-python is source-only: built once (about 11 minutes on 2 cores), kept here.
LLAMA_WHEELS ?= $(HOME)/.cache/bilingual/wheels
PY := $(VENV)/bin/python
BILINGUAL := $(VENV)/bin/bilingual
EXAMPLE := examples/county-epidemic-notice.txt

.PHONY: example test bench lint

$(VENV)/.installed: pyproject.toml
	@echo "setting up $(VENV) (our package and its dependencies)"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# setuptools warns about every editable install (a generic caution, not about us)
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e ".[test]"
	touch $@

example: $(VENV)/.installed
	$(BILINGUAL) segment $(EXAMPLE)
	$(BILINGUAL) translate $(EXAMPLE) --engine auto -o output/

$(LT_VENV)/.installed:
	@echo "setting up $(LT_VENV): a LibreTranslate server for the engine tests (about 30 s)"
	python3 -m venv $(LT_VENV)
	$(LT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LT_VENV)/bin/python -m pip install --quiet libretranslate
	touch $@

$(LLAMA_VENV)/.installed:
	@echo "setting up $(LLAMA_VENV): llama.cpp's OpenAI-compatible server for the LLM engine tests"
	@echo "  (the first build compiles llama.cpp: about 11 minutes; later ones reuse the wheel)"
	python3 -m venv $(LLAMA_VENV)
	$(LLAMA_VENV)/bin/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(LLAMA_VENV)/bin/python -m pip wheel --quiet --no-deps --find-links $(LLAMA_WHEELS) \
		-w $(LLAMA_WHEELS) "llama-cpp-python==$(LLAMA_CPP_VERSION)"
	$(LLAMA_VENV)/bin/python -m pip install --quiet --find-links $(LLAMA_WHEELS) \
		"llama-cpp-python[server]==$(LLAMA_CPP_VERSION)"
	touch $@

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m mypy

test: $(VENV)/.installed $(LT_VENV)/.installed $(LLAMA_VENV)/.installed lint
	$(PY) -m pytest

# argos-translate-files, a peer in bench/bench_peers.py, pins packages ours must not take
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/.installed:
	python3 -m venv $(BENCH_VENV)
	PYTHONWARNINGS=ignore $(BENCH_VENV)/bin/python -m pip install --quiet argos-translate-files
	touch $@

bench: $(VENV)/.installed $(BENCH_VENV)/.installed
	$(PY) -m bench.run
