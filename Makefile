# Roundtable's everyday commands. `make test` is what CI runs.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/roundtable/roundtable.Version=$(VERSION)

.PHONY: test deps build demo vet fmt

NOTES := $(CURDIR)/tmp/test-notes

## test: install what the tests need when missing, then run every test; what
## a run skipped (PostgreSQL, Chromium, benchmark data) is printed at the end
test: deps
	@mkdir -p $(dir $(NOTES)) && rm -f $(NOTES)
	@status=0; ROUNDTABLE_TEST_NOTES=$(NOTES) $(GO) test -count=1 -timeout 20m ./... || status=$$?; \
	if [ -s $(NOTES) ]; then \
		echo; echo '************************************************************************'; \
		echo '*** NOT TESTED in this run:'; sort -u $(NOTES) | sed 's/^/***   - /'; \
		echo '************************************************************************'; \
	fi; exit $$status

## deps: install Chromium (Debian) and the test tools' npm packages when missing
deps:
	./scripts/test-deps.sh

## build: build ./roundtable with the version from git
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o roundtable ./cmd/roundtable

## demo: serve http://localhost:8080 with demo data
demo:
	$(GO) run ./cmd/roundtable demo

## vet: report suspicious code
vet:
	$(GO) vet ./...

## fmt: format the Go code
fmt:
	$(GO) fmt ./...
