# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go

.PHONY: run test build vet fmt bench

run:
	$(GO) run ./cmd/acquis serve

test:
	$(GO) test ./...

build:
	$(GO) build -o bin/acquis ./cmd/acquis

vet:
	gofmt -l . | (! grep .) && $(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
