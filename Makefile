# The two commands a newcomer needs: `make run` and `make test`. Each first
# runs scripts/deps.sh, which installs what is missing (as root) or prints
# the one command that would.
GO ?= go

.PHONY: run test lint build vet fmt bench gobench deps

run:
	./scripts/deps.sh run
	$(GO) run ./cmd/acquis serve

# The whole suite (go test's default 10-minute limit per package is too
# short for internal/web on a loaded 2-core machine: 13–15 minutes measured
# there; 2.5 on a quiet one), then every fuzz target for a few seconds (FUZZTIME=2m
# ./scripts/fuzz.sh for a longer run).
test:
	./scripts/deps.sh test
	$(GO) test -timeout 45m ./...
	./scripts/fuzz.sh

# gofmt, go vet and staticcheck (pinned in scripts/deps.sh): CI runs this
# before the suite.
lint:
	./scripts/deps.sh lint
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	"$$($(GO) env GOPATH)/bin/staticcheck" ./...

build:
	$(GO) build -o bin/acquis ./cmd/acquis

vet: lint

# Every speed figure as a ratio to a limit measured in the same run
# (scripts/bench.sh); `make gobench` runs the Go benchmarks alone.
bench:
	./scripts/bench.sh

gobench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
