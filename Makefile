# lsbinit — build, demo and test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
RUNDIR  := $(CURDIR)/run
# Fuzzing budgets as counts of inputs (go test -fuzztime Nx), about ten
# seconds each on two cores: a duration races Go 1.26's fuzz coordinator at
# its deadline (golang/go#75804) and fails a loaded run with "context
# deadline exceeded" though nothing was found.
FUZZ_CONFIG   ?= 60000x
FUZZ_SCHEDULE ?= 250000x
FUZZ_PIDFILE  ?= 300000x

.PHONY: all build demo demo-stop test vet unit selftest fuzz cross boot bench clean

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
	@echo "     HELLO_RUNDIR=$(RUNDIR) bin/hello status -v; echo \$$?"
	@echo "Stop both with: make demo-stop"

demo-stop:
	@test -x bin/hello || $(MAKE) build
	HELLO_RUNDIR=$(RUNDIR) bin/hello stop
	DEMO_RUN=$(RUNDIR) bin/lsbinit -c examples/configs/ticker.conf stop

# The benchmarks (never part of test): the Go benchmarks of the hot paths,
# then lsbinit side by side with start-stop-daemon, init-d-script and
# libslack daemon on this machine, release builds: a fleet of BENCH_N
# services (bench/fleet.sh), READY=exec against real and dying daemons
# (bench/ready.sh), stop latency (bench/compare.sh), log throughput
# (bench/logs.sh), requests through restarts (bench/restart.sh) and
# `lsbinit list` over 200 running services (bench/list.sh). See
# README, "Performance".
BENCH_N ?= 200
BENCH_ROUNDS ?= 3
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/config ./internal/initd
	$(GO) test -run '^$$' -bench StopLatency -benchtime 20x .
	bash bench/fleet.sh $(BENCH_N) $(BENCH_ROUNDS)
	bash bench/ready.sh 10
	bash bench/compare.sh 30
	bash bench/logs.sh 512 3
	bash bench/restart.sh 50
	bash bench/list.sh 200 5
	bash bench/scale.sh 500

# The whole suite: vet, unit and process-level tests with the race
# detector, a short run of every fuzz target, the other platforms' builds,
# and the init systems booted in containers.
test: vet unit selftest fuzz cross boot

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 15m ./...

# The LSB action x state matrix, run by the binary itself.
selftest: build
	bin/lsbinit selftest

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_CONFIG) ./internal/config/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_SCHEDULE) ./internal/schedule/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePID$$' -fuzztime $(FUZZ_PIDFILE) ./pidfile/

cross:
	GOOS=darwin $(GO) build -o /dev/null ./...
	GOOS=freebsd $(GO) build -o /dev/null ./...

# systemd (Debian unstable and 12), sysvinit, OpenRC and runit booted as
# PID 1 with systemd-nspawn, each running testdata/boot/*.txtar: install,
# start, reboot, stop, uninstall, as a user would. Needs root, debootstrap
# and systemd-nspawn; the root file systems are built once into
# LSBINIT_BOOT_CACHE (default /var/cache/lsbinit-boot). See README,
# "Registering a service at boot".
boot:
	LSBINIT_BOOT=1 $(GO) test -count=1 -timeout 60m -run '^TestBoot$$' ./internal/boottest

clean:
	rm -rf bin run

# Packages: `make deb` (dpkg-buildpackage) and `make rpm` (rpmbuild) build
# from a copy of the working tree (without .git, bin/ and run/) in a
# temporary directory, offline: Go comes from PATH and modules from the
# module cache of the user running make. The packages land in bin/pkg/
# (PKGOUT=DIR to change).
# PKGREF=HEAD (or any commit) builds from that commit instead (git archive).
PKGOUT    ?= $(CURDIR)/bin/pkg
PKGENV     = GOCACHE="$$($(GO) env GOCACHE)" GOMODCACHE="$$($(GO) env GOMODCACHE)" \
	GOPATH="$$($(GO) env GOPATH)" GOPROXY="$$($(GO) env GOPROXY)" \
	GOTOOLCHAIN="$$($(GO) env GOTOOLCHAIN)" GO="$(GO)"
PKGREF    ?=
PKGCOPY    = $(if $(PKGREF),git archive --format=tar $(PKGREF),tar -C $(CURDIR) \
	--exclude=./.git --exclude=./bin --exclude=./run --exclude=./debian \
	--exclude=./packaging/debian/.debhelper -cf - .)
RPMVERSION = $(shell sed -n 's/^Version:[[:space:]]*//p' packaging/rpm/lsbinit.spec)

.PHONY: deb rpm

deb:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/lsbinit"; $(PKGCOPY) | tar -C "$$tmp/lsbinit" -xf -; \
	cp -R "$$tmp/lsbinit/packaging/debian" "$$tmp/lsbinit/debian"; \
	(cd "$$tmp/lsbinit" && env $(PKGENV) dpkg-buildpackage -us -uc -b -d); \
	mkdir -p $(PKGOUT); rm -f $(PKGOUT)/lsbinit_* $(PKGOUT)/lsbinit-dbgsym_*; cp "$$tmp"/*.deb "$$tmp"/*.changes "$$tmp"/*.buildinfo $(PKGOUT)/; \
	ls -1 $(PKGOUT)/*.deb

rpm:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir -p "$$tmp/SOURCES" "$$tmp/lsbinit-$(RPMVERSION)"; \
	$(PKGCOPY) | tar -C "$$tmp/lsbinit-$(RPMVERSION)" -xf -; \
	tar -C "$$tmp" -czf "$$tmp/SOURCES/lsbinit-$(RPMVERSION).tar.gz" "lsbinit-$(RPMVERSION)"; \
	env $(PKGENV) rpmbuild -bb --nodeps --define "_topdir $$tmp" packaging/rpm/lsbinit.spec; \
	mkdir -p $(PKGOUT); rm -f $(PKGOUT)/lsbinit-*.rpm; cp "$$tmp"/RPMS/*/*.rpm $(PKGOUT)/; \
	ls -1 $(PKGOUT)/*.rpm
