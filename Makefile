# Two entry points for people (README): `make preview` and `make test`. Each builds the virtual
# environment on first use, so a fresh clone needs only Python 3.11+ and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The pack's own virtualenv, which policies/PulumiPolicy.yaml names (`virtualenv: venv`): what
# `pulumi install` run in policies/ creates, with the pack's requirements.txt and nothing else.
PACK_VENV := policies/venv
STACK ?= dev

.PHONY: preview test lint typecheck unit docs bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml policies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(PYTHON) -m venv $(PACK_VENV)
	$(PACK_VENV)/bin/python -m pip install --quiet -r policies/requirements.txt
	touch $(STAMP)

preview: $(STAMP)
	$(BIN)/kmsguard preview --stack $(STACK)

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the editable install's import hook, so it reads the package through a tree of
# links laid out as installed (kmsguard/ = components/, kmsguard/policies, kmsguard/gate).
typecheck: $(STAMP)
	rm -rf build/typecheck && mkdir -p build/typecheck/kmsguard
	for entry in components/*; do ln -s ../../../$$entry build/typecheck/kmsguard/; done
	ln -s ../../../policies ../../../gate build/typecheck/kmsguard/
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p kmsguard

unit: $(STAMP)
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/python -m kmsguard.policies.docs --write
	$(BIN)/python -m kmsguard.docs --write
	$(BIN)/python -m kmsguard.provider.derive --write
	$(BIN)/python -m kmsguard.provider.host --write

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench --program mixed --sizes 100,1000,10000

clean:
	rm -rf $(VENV) $(PACK_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
