# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go

.PHONY: run test build vet fmt bench

run:
	$(GO) run ./cmd/acquis serve

# The whole suite, then every fuzz target for a few seconds (FUZZTIME=2m
# ./scripts/fuzz.sh for a longer run).
test:
	$(GO) test ./...
	./scripts/fuzz.sh

build:
	$(GO) build -o bin/acquis ./cmd/acquis

vet:
	gofmt -l . | (! grep .) && $(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
