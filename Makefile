# Lattice: the two commands a newcomer needs are `make run` and `make test`.
GO        ?= go
BIN       := bin/lattice
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
DATA_DIR  ?= ./data
# `make test` must stay well under CI's limit; packages run in parallel.
TEST_TIMEOUT ?= 20m

.PHONY: build run test test-deps unit fuzz lint bench-go bench clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/lattice

## run: start a standalone node on the embedded SQLite metastore in $(DATA_DIR);
## on first start, load the SSB sample (project ssb, SF $(SAMPLE_SF)) in the background
SAMPLE_SF ?= 0.1
run: build
	@./$(BIN) sample ssb --sf $(SAMPLE_SF) --if-missing --wait 60s & \
	./$(BIN) serve --set lattice.storage.data-dir=$(DATA_DIR)

## test-deps: install (as root) and start the real components tests use
test-deps:
	./scripts/test-deps.sh

## test: every test, with the race detector, against real components
test: test-deps
	. ./.testenv/env && $(GO) vet ./... && \
	  $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./... && \
	  $(MAKE) --no-print-directory fuzz

## fuzz: run each fuzz target briefly (the corpora live in testdata/fuzz).
## A count, not a duration: with -fuzztime 10s Go's fuzzing coordinator can
## fail a target with a bare "context deadline exceeded" (no input found)
## when the deadline races a worker's last call on a busy machine.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzStartup$$' -fuzztime 10000x ./wire
	$(GO) test -run '^$$' -fuzz '^FuzzMessages$$' -fuzztime 10000x ./wire
	$(GO) test -run '^$$' -fuzz '^FuzzCubeStatements$$' -fuzztime 10000x ./planner

## unit: fast tests only (no external components)
unit:
	$(GO) test -short ./...

lint:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./... || echo "staticcheck unavailable; gofmt and vet passed"

## bench-go: protocol and engine microbenchmarks
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./wire
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./planner

## bench: the SSB benchmark, Lattice vs DuckDB vs PostgreSQL (bench/ is its own module)
SF   ?= 1
RUNS ?= 5
bench: build test-deps
	. ./.testenv/env && cd bench && $(GO) run ./cmd/ssbbench -sf $(SF) -runs $(RUNS) -lattice-bin ../$(BIN)

clean:
	rm -rf bin
