# lsbinit — build, demo and test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
RUNDIR  := $(CURDIR)/run
FUZZTIME ?= 10s

.PHONY: all build demo demo-stop test vet unit fuzz cross clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o bin/lsbinit .
	$(GO) build -o bin/hello ./examples/hello

# A demo that needs no root: a Go service built on the lsb library and a
# shell loop run by the lsbinit binary, pidfiles and logs under ./run/.
demo: build
	@mkdir -p $(RUNDIR)
	HELLO_RUNDIR=$(RUNDIR) bin/hello start
	DEMO_RUN=$(RUNDIR) bin/lsbinit -c examples/configs/ticker.conf start
	@echo
	HELLO_RUNDIR=$(RUNDIR) bin/hello status
	DEMO_RUN=$(RUNDIR) bin/lsbinit -c examples/configs/ticker.conf status
	@echo
	@echo "Try: curl http://127.0.0.1:8642/   tail -f run/ticker.log   cat run/hello.pid"
	@echo "Stop both with: make demo-stop"

demo-stop:
	@test -x bin/hello || $(MAKE) build
	HELLO_RUNDIR=$(RUNDIR) bin/hello stop
	DEMO_RUN=$(RUNDIR) bin/lsbinit -c examples/configs/ticker.conf stop

# The whole suite: vet, unit and process-level tests with the race
# detector, a short run of every fuzz target, and the other platforms' builds.
test: vet unit fuzz cross

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 15m ./...

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/config/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/schedule/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePID$$' -fuzztime $(FUZZTIME) ./pidfile/

cross:
	GOOS=darwin $(GO) build -o /dev/null ./...
	GOOS=freebsd $(GO) build -o /dev/null ./...

clean:
	rm -rf bin run
