# Practice API - every developer task has a target here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Lambda runtime is python3.13. With pyenv, `python3.13` (here and in `sam build`) needs
# PYENV_VERSION: use the newest 3.13.x pyenv has; without pyenv nothing is set.
PYENV_313 := $(shell pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$$' | sort -V | tail -n 1)
ifneq ($(PYENV_313),)
export PYENV_VERSION ?= $(PYENV_313)
endif
PYTHON ?= python3.13
VENV := .venv
VENV_SAM := .venv-sam
PY := $(VENV)/bin/python
SAM := $(VENV_SAM)/bin/sam
# The layer, the handler package and the local tooling, as the tests see them (pyproject.toml).
LOCAL_PYTHONPATH := PYTHONPATH=shared:functions/practice_api:functions/account_worker:functions/optimizer:functions/reminders:functions/deploy_hooks:local
export SAM_CLI_TELEMETRY := 0

.PHONY: help venv sam-venv test lint typecheck format lock audit validate build load-course load-audio clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt shared/requirements.txt shared/requirements.lock functions/optimizer/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV_SAM)/.installed:
	$(PYTHON) -m venv $(VENV_SAM)
	$(VENV_SAM)/bin/pip install --quiet aws-sam-cli==1.170.0
	touch $@

venv: $(VENV)/.installed ## Create the virtual environment with the app's dependencies

sam-venv: $(VENV_SAM)/.installed ## Install the SAM CLI in its own virtual environment

test: venv sam-venv lint typecheck ## Run everything CI runs: lint, types, SAM validate/build, tests with coverage
	SAM_CLI=$(abspath $(SAM)) $(PY) -m pytest --cov --cov-report=term

lint: venv ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv ## mypy (strict) over the library, the handlers and the local tooling
	$(VENV)/bin/mypy shared/practice functions/practice_api/practice_api functions/account_worker/account_worker \
		functions/optimizer/optimizer functions/reminders/reminders functions/deploy_hooks/deploy_hooks local/practice_local

lock: venv ## Write shared/requirements.lock (every layer dependency pinned and hashed) from requirements.txt
	cd shared && ../$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.13 \
		--python-platform aarch64-manylinux2014 --no-header --output-file requirements.lock requirements.txt

audit: venv ## Check the layer's locked dependencies against PyPI's advisories (needs PyPI's JSON API)
	$(VENV)/bin/pip-audit --strict --disable-pip --progress-spinner off -r shared/requirements.lock

validate: sam-venv ## sam validate --lint
	$(SAM) validate --lint

build: sam-venv ## sam build (the deployable artefacts in .aws-sam/build)
	$(SAM) build

load-course: venv ## Load every course into a deployed table: make load-course TABLE_NAME=<name>
	@test -n "$(TABLE_NAME)" || { echo "usage: make load-course TABLE_NAME=<PracticeTableName output>"; exit 2; }
	TABLE_NAME=$(TABLE_NAME) $(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.load_course

load-audio: venv ## Upload the recordings to a deployed bucket: make load-audio AUDIO_BUCKET=<name>
	@test -n "$(AUDIO_BUCKET)" || { echo "usage: make load-audio AUDIO_BUCKET=<AudioBucketName output>"; exit 2; }
	AUDIO_BUCKET=$(AUDIO_BUCKET) $(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.load_audio

clean: ## Remove build output and virtual environments
	rm -rf .aws-sam $(VENV) $(VENV_SAM) .pytest_cache .mypy_cache .ruff_cache .coverage

# -- Running it locally (no AWS account, no Docker): local/practice_local ---------------------
.PHONY: run invoke openapi
HOST ?= 127.0.0.1
PORT ?= 3000
DYNAMODB_HOST ?= 127.0.0.1
DYNAMODB_PORT ?= 0

run: venv ## Serve the API on http://127.0.0.1:3000, embedded DynamoDB (PORT=, HOST=, RUN_ARGS=--no-audio)
	@$(LOCAL_PYTHONPATH) $(PY) -m practice_local.cloud.server --host $(HOST) --port $(PORT) \
		--dynamodb-host $(DYNAMODB_HOST) --dynamodb-port $(DYNAMODB_PORT) $(RUN_ARGS)

invoke: venv ## One event through the handler (no Docker): make invoke EVENT=events/get_daily_pack.json
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json"; exit 2; }
	@$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.invoke $(ARGS) $(EVENT)

.PHONY: build-courses check-content
build-courses: venv ## Rebuild content/courses and content/audio from open data (needs Debian's espeak-ng, lame, dict-freedict-spa-eng, dict-freedict-fra-eng)
	$(PY) -m pip install --quiet -r requirements-content.txt
	$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.build_course --audio $(COURSES)
	$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.check_content

check-content: venv ## Check every course file (schema, ids, references, translations, recordings)
	@$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.check_content

openapi: venv ## Regenerate docs/openapi.json from the handler's routes and models
	@$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.openapi

# -- Contract tests: schemathesis against the local server, from docs/openapi.json ------------
.PHONY: fuzz
FUZZ_EXAMPLES ?= 300

fuzz: venv ## Thousands of schemathesis cases against the local server, new seed (FUZZ_EXAMPLES=300)
	CONTRACT_PHASES=coverage,fuzzing,stateful CONTRACT_MAX_EXAMPLES=$(FUZZ_EXAMPLES) CONTRACT_SEED=random \
		$(PY) -m pytest -s -p no:cacheprovider tests/e2e/test_contract.py

# -- Chaos: the whole loop under injected faults (local/practice_local/chaos, docs/chaos.md) ----
.PHONY: chaos
CHAOS_ARGS ?= --rate 0.1 --days 30 --learners 5

chaos: venv ## Weeks of learners' lives with faults injected vs without: equal end state? (CHAOS_ARGS="--rate 0.1 --days 30 --learners 5 --seed N")
	@$(LOCAL_PYTHONPATH) POWERTOOLS_LOG_LEVEL=$${POWERTOOLS_LOG_LEVEL:-ERROR} $(PY) -m practice_local.chaos.run $(CHAOS_ARGS)

# -- Benchmarks: bench/ (figures in bench/results/, not committed) ----------------------------
.PHONY: bench
BENCH_ARGS ?=

bench: venv sam-venv ## Cold start, warm latency, DynamoDB requests, scaling: one table (BENCH_ARGS="--invokes 100")
	$(LOCAL_PYTHONPATH) $(PY) -m bench $(BENCH_ARGS)

.PHONY: bench-srs optimize
SRS_ARGS ?=
DAYS ?= 120
# USER is also the shell's login name: only a USER given on make's command line names a learner
USER_ID := $(if $(filter command line,$(origin USER)),$(USER),)

bench-srs: venv ## Fitted vs default FSRS parameters on 50 simulated learners + a control group (SRS_ARGS=)
	$(LOCAL_PYTHONPATH) $(PY) -m bench.srs $(SRS_ARGS)

optimize: venv ## Fit one learner's FSRS parameters on the embedded DynamoDB: make optimize USER=alice [DAYS=120]
	@test -n "$(USER_ID)" || { echo "usage: make optimize USER=<learner id> [DAYS=120] [DYNAMODB_URL=...]"; exit 2; }
	@$(LOCAL_PYTHONPATH) $(PY) -m practice_local.tools.optimize --user "$(USER_ID)" --days $(DAYS) $(if $(DYNAMODB_URL),--dynamodb-url $(DYNAMODB_URL))
