# gms-operator developer entry points. node_modules/.bin comes first on PATH so every target
# runs the project's pinned Node 24 (the `node` devDependency), not the machine's Node 20.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: all install build typecheck lint format test test-unit test-integration test-k8s test-e2e e2e bench run demo tools crds docs clean cluster-up cluster-up-full cluster-down cluster-status chart-crds

all: build

install:
	npm ci

build:
	tsc -p tsconfig.build.json

typecheck:
	tsc -p tsconfig.json --noEmit

lint:
	eslint .
	prettier --check .

format:
	prettier --write .

## test: everything CI runs (README's test command is `make test`)
test: build typecheck lint test-unit test-integration test-k8s test-e2e

test-unit:
	vitest run --project unit

test-integration:
	vitest run --project integration --passWithNoTests

test-k8s: tools
	vitest run --project k8s --passWithNoTests

test-e2e e2e: build
	vitest run --project e2e --passWithNoTests

## tools: build (or reuse from ~/.cache/gms-operator/bin) etcd, kube-*, kubectl, helm, kwok
tools:
	hack/build-tools.sh

## cluster-up: etcd + kube-apiserver on loopback; KUBECONFIG=.cache/cluster/kubeconfig (docs/testing.md)
cluster-up: tools
	hack/cluster.sh up

## cluster-up-full: also kube-controller-manager, kube-scheduler, kwok and 3 fake nodes (pods become Ready)
cluster-up-full: tools
	hack/cluster.sh up --full

cluster-down:
	hack/cluster.sh down

cluster-status:
	hack/cluster.sh status

## crds, docs: regenerate crds/, schemas/ and docs/options.md from src/api + src/catalog
## (ADR 0003; test/unit/api/drift.test.ts fails when they are stale), the precompiled schema
## validators in src/validate/generated (ADR 0015; schema-validators.test.ts), then sync the chart
crds docs:
	npm run generate
	npm run generate:validators
	$(MAKE) chart-crds

## chart-crds: copy the generated crds/ into the Helm chart (the chart test fails on drift)
chart-crds:
	rm -f charts/gms-operator/crds/*.yaml
	cp crds/*.yaml charts/gms-operator/crds/

bench: build
	node bench/run.js

## run: the README's run command (the main job on the bundled examples)
run: build
	node bin/gmsctl.js validate examples/ --exclude 'examples/bad/**'
	node bin/gmsctl.js render -f examples/ --exclude 'examples/bad/**' -o out/

## demo: the whole local setup from examples/ (Chat Server simulator, 3 gateway nodes, HAProxy or
## nginx) plus a self-check chat; runs until Ctrl-C (CI / no terminal: check, stop, exit 0/1).
## Options: make demo DEMO_ARGS='--once --port 0'
demo: build
	node bin/gmsctl.js demo $(DEMO_ARGS)

clean:
	rm -rf dist out coverage
