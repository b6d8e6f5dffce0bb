# The two commands a newcomer needs: `make run` and `make test`. Everything else composes them.
SHELL := /bin/bash
# The Lambda runtime is Python 3.13 (see docs/decisions.md): the project builds and tests with that interpreter,
# so assets ship bytecode Lambda can load. scripts/find_python.sh finds it (PATH, pyenv, /usr/bin) or says what is missing.
PYTHON ?= $(shell scripts/find_python.sh 3.13)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEMPLATE := cdk.out/Newsroom.template.json
# The CDK CLI is pinned by package.json/package-lock.json and installed next to the venv (npm ci).
CDK := node_modules/.bin/cdk
CLI_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)
# make deploy STAGE=prod: the stage's block of newsroom:stages in cdk.json (see README, Deploy)
STAGE ?=
CDK_CONTEXT := $(if $(STAGE),-c newsroom:stage=$(STAGE),)
PORT ?= 8000
MOTO_PORT ?= 4566
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20

.PHONY: help venv cdk-cli synth deploy destroy bootstrap run token redrive soak test lint typecheck test-unit test-integration test-infra test-e2e test-soak bench docs docs-check clean

help:
	@echo "make run    - set up, synthesize, start the local stack on moto, load samples (PORT=$(PORT))"
	@echo "             FAULT_RATE=0.1 FAULT_SEED=7 inject faults; LOCAL_CONCURRENCY=4 per function"
	@echo "make token ROLE=editor      - print a token the running local API accepts (beside make run)"
	@echo "make redrive DLQ=<name|url> - move a DLQ's messages back to its source queue (local; AWS=1 for AWS)"
	@echo "make test   - set up and run every test tier (lint, unit, integration, infra, e2e)"
	@echo "make soak   - 1,000 submissions over HTTP with faults and an outage; nothing lost, nothing twice"
	@echo "make bench  - cost per article (every AWS call counted), feed reads, cold start, enrichment speed"
	@echo "make synth  - synthesize the CDK app to cdk.out/ (offline, no AWS account)"
	@echo "make deploy - check the CDK bootstrap, synthesize, deploy to AWS, print outputs (STAGE=name)"
	@echo "make destroy - delete the stack (the table and the documents bucket are kept)"
	@echo "make bootstrap - CDK bootstrap of the current AWS account and region (once)"
	@echo "make docs   - regenerate docs/openapi.json and docs/events/ from the models"

venv: $(STAMP) $(CLI_STAMP)
cdk-cli: $(CLI_STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.13 is required (the Lambda runtime's version) and was not found: install it (e.g. pyenv install 3.13) or pass PYTHON=/path/to/python3.13"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "Python 3.13 is required, got " + sys.version.split()[0])'
	@if test -x $(PY) && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then echo "recreating $(VENV) for Python 3.13"; rm -rf $(VENV); fi
	@command -v node >/dev/null || { echo "Node.js is required (the CDK synthesizes through jsii)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# --no-compile: pip would byte-compile every installed module (the CDK library alone is ~200 service
	@# modules), about a minute on 2 cores; Python compiles what is imported, once, on first use.
	$(PY) -m pip install --quiet --no-compile -e '.[dev]'
	@# The Lambda dependency layer (wheels for arm64) is fetched now, with the rest of set-up, so that
	@# synthesizing needs no network afterwards.
	$(PY) -c 'from infra.staging import build_layers; print("layers:", build_layers())'
	rm -f $(VENV)/.installed-* && touch $@

# The pinned CDK CLI (deploy, destroy, bootstrap); synthesizing needs only the venv.
$(CLI_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required to install the pinned CDK CLI (it comes with Node.js)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-* && touch $@

synth: venv
	CDK_OUTDIR=cdk.out $(PY) -m infra.app

deploy: venv
	$(PY) -m infra.deploy check-bootstrap
	$(CDK) synth --quiet $(CDK_CONTEXT)
	$(CDK) deploy --app cdk.out Newsroom --require-approval broadening --outputs-file cdk.out/outputs.json
	$(PY) -m infra.deploy outputs cdk.out/outputs.json

destroy: venv
	$(CDK) destroy Newsroom $(CDK_CONTEXT)
	@echo "Kept on purpose: the DynamoDB table, the documents and log buckets, API Gateway's account logging"
	@echo "role (and the user pool when the stage has deletionProtection). Delete them by hand if meant."

bootstrap: venv
	$(CDK) bootstrap $(CDK_CONTEXT)

# FAULT_RATE (0-1), FAULT_SEED, FAULT_MODE (post-retry|transient), LOCAL_CONCURRENCY and
# LOCAL_RULE_RATE_SCALE are read from the environment by the runtime (see infra/local/cli.py).
run: synth
	PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) $(PY) -m infra.local --template $(TEMPLATE)

ROLE ?= editor
token: venv
	@PORT=$(PORT) $(PY) -m infra.local token --role $(ROLE)

redrive: venv
	@test -n "$(DLQ)" || { echo "usage: make redrive DLQ=<queue name, URL or ARN> [TO=<queue>] [AWS=1]"; exit 2; }
	MOTO_PORT=$(MOTO_PORT) $(PY) -m infra.local redrive $(DLQ) $(if $(TO),--to $(TO)) $(if $(AWS),--aws)

# cfn-lint (+ the serverless rules) on the synthesized template. W3005 (a DependsOn already implied by a
# reference) is how the CDK orders roles before functions: harmless, so not reported. Resource-level
# exceptions sit in each resource's Metadata with their reason (newsroom:cfn-lint-reasons).
lint: venv synth
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/cfn-lint $(TEMPLATE) --append-rules cfn_lint_serverless.rules --ignore-checks W3005

typecheck: venv
	$(VENV)/bin/mypy shared functions infra tests bench scripts

test-unit: venv
	$(VENV)/bin/pytest tests/unit -q -p no:cacheprovider --disable-socket -n 2

test-integration: venv
	$(VENV)/bin/pytest tests/integration -q -p no:cacheprovider -n 2

test-infra: venv
	$(VENV)/bin/pytest tests/infra -q -p no:cacheprovider

test-e2e: synth
	$(VENV)/bin/pytest tests/e2e -q -p no:cacheprovider

# A short soak in every test run; `make soak` is the full one (SOAK_SUBMISSIONS, FAULT_RATE, FAULT_SEED,
# SOAK_OUTAGE_S: seconds of EventBridge refusing PutEvents in the middle).
test-soak: synth
	$(PY) -m scripts.soak --submissions 100 --fault-rate 0.1 --outage 10

soak: synth
	$(PY) -m scripts.soak

test: lint typecheck docs-check test-unit test-integration test-infra test-e2e test-soak

# Cost per published article (every AWS call counted against moto), feed reads, cold start as Lambda
# sees it and enrichment speed; a few minutes on 2 cores. The cold-start part imports the handlers with
# the dependency layer built for this machine's architecture (fetched once with pip, kept in .build/).
bench: venv
	$(PY) -m bench

docs: venv
	$(PY) -m scripts.gen_docs

docs-check: venv
	$(PY) -m scripts.gen_docs --check

clean:
	rm -rf cdk.out .build .pytest_cache .ruff_cache .mypy_cache node_modules
