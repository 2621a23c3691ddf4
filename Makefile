# Lumbung: the two commands are `make up` (whole stack locally) and `make test` (whole suite).
SHELL := /bin/bash
UV := python3 -m uv
PY := $(UV) run --locked --all-packages
export PYTHONPATH := $(CURDIR)/deploy/local

.PHONY: help install up down status demo infra test lint typecheck installs unit integration contracts fault bench

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: ## create .venv and install the workspace from uv.lock
	@scripts/bootstrap.sh

OBSERVE := $(if $(filter 1 true yes,$(OBSERVABILITY)),--observability)

up: install ## fetch/build Kafka and FerretDB (cached), start them and the four services; OBSERVABILITY=1 adds Jaeger and Prometheus
	@$(PY) python -m devstack up $(OBSERVE)

demo: install ## `make up`, then load the demo marketplace once (through the API) and print the logins
	@$(PY) python -m devstack demo $(OBSERVE)

down: ## stop exactly what `make up` started (by PID)
	@$(PY) python -m devstack down

status: ## show what runs and whether it is ready
	@$(PY) python -m devstack status

infra: install ## only Kafka, FerretDB and the topics (run services from your IDE)
	@$(PY) python -m devstack infra

lint: install ## ruff lint + format check + the layer contracts (import-linter)
	@$(PY) ruff check .
	@$(PY) ruff format --check .
	@$(PY) lint-imports

installs: install ## each service installs (uv sync --package, no dev) and imports on its own
	@$(PY) python scripts/check_installs.py

typecheck: install ## mypy (strict) over shared, services and devstack
	@$(PY) mypy

unit: install ## tests that need no stack
	@$(PY) pytest -m "not integration" -q

integration: install ## tests on a private real stack (Kafka + FerretDB + services)
	@$(PY) python -m devstack prepare
	@$(PY) pytest -m "integration and not fault" -q

contracts: install ## validate the OpenAPI (openapi-spec-validator) and AsyncAPI (@asyncapi/parser, npm) documents
	@$(PY) python -m devstack prepare
	@$(PY) pytest tests/integration/test_contract_documents.py tests/gateway/integration/test_docs_offline.py -q

test: install lint typecheck installs ## everything CI runs: lint, types, unit and integration tests
	@$(PY) python -m devstack prepare
	@$(PY) pytest -q

fault: install ## the fault test: 300+ orders while listings/orders are SIGKILLed 10x and Kafka once
	@$(PY) python -m devstack prepare
	@$(PY) pytest -m fault -q -s

bench: install ## every benchmark section on one private stack (< 16 min): one table, JSON in .lumbung/bench/
	@$(PY) python bench/run.py
