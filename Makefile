# danvan: two commands on a fresh machine.
#   make run    build, write the demo data, serve the dashboard (refreshing in the background)
#   make test   the whole test suite (installs Chromium for browser tests when missing)

GO      ?= go
BIN     := bin/danvan
DATA    ?= data
ADDR    ?= 127.0.0.1:8080
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build run test test-short test-long lint fuzz bench deps clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/danvan

# The server answers at once; its first refresh (ingest, models, publication)
# runs in the background, and the pages say that no data is published yet
# until it is done (the log then lists the demo's deliberately bad files).
run: build
	@if [ ! -d "$(DATA)/inbox" ]; then ./$(BIN) demo --data $(DATA); fi
	./$(BIN) serve --data $(DATA) --addr $(ADDR) --refresh-at-start

# deps installs what the tests need beyond Go: Debian's chromium for the
# browser tests and poppler-utils to look at printed pages.
deps:
	@bash .ci/deps

# The browser tests save screenshots (1366 and 390 px) and printed PDFs of
# every page here, to look at.
ARTIFACTS ?= $(CURDIR)/.cache/test-artifacts

test: deps
	$(GO) vet ./...
	DANVAN_SCREENSHOTS=$${DANVAN_SCREENSHOTS:-$(ARTIFACTS)} $(GO) test -count=1 -timeout 40m ./...
# The tests of state shared by goroutines (an Extractor used by several at
# once, the workbook's sheets read ahead, the reference read at start-up)
# only find a race under the race detector.
	$(GO) test -race -count=1 -run 'Concurrent|ReadAhead|ReferenceOnce' ./pipeline/narrative ./pipeline/ingest ./cmd/danvan/internal/prefetch

test-short:
	$(GO) test -short ./...

# test-long kills `danvan run` at 100 random moments (make test: 50), each
# before the run ended, and checks that the run after the kills converges to
# the uninterrupted run's bytes; and reads the issue's large legitimate files
# (a 1,000,000-row workbook, 2,000,000 rows naming unknown units, 226 MB of
# JSON Lines) within 1 GiB of RSS and a minute of CPU (TestHeavyInputs).
KILL_TRIALS ?= 100
test-long:
	DANVAN_KILL_TRIALS=$(KILL_TRIALS) $(GO) test -count=1 -timeout 60m -run '^TestRunKilledAtRandomMoments$$' -v ./cmd/danvan/
	DANVAN_LONG=1 $(GO) test -count=1 -timeout 60m -run '^TestHeavyInputs$$' -v ./cmd/danvan/

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff

# fuzz runs every fuzz target for a while; `make test` replays their seed corpora.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

bench: build
	@bash .ci/deps --bench
	$(GO) build -o bin/danvan-bench ./cmd/danvan-bench
	./bin/danvan-bench --danvan $(BIN) --work $${BENCH_DIR:-.cache/bench}

clean:
	rm -rf bin .cache
