# libtracia — build, test, demo, install.
PREFIX ?= /usr/local
SCRATCH ?= .build
CONFIG ?= release
# The version is written once, in include/tracia.h (TRACIA_VERSION_MAJOR, _MINOR, _PATCH).
header_version = $(shell sed -n 's/^.define TRACIA_VERSION_$(1) \([0-9][0-9]*\)$$/\1/p' include/tracia.h)
VERSION := $(call header_version,MAJOR).$(call header_version,MINOR).$(call header_version,PATCH)
SOMAJOR := 0
SWIFT_BUILD = swift build -c $(CONFIG) --scratch-path $(SCRATCH)
BIN = $(SCRATCH)/$(CONFIG)

.PHONY: all version deps example-deps test-deps build test check test-swift test-c test-python lint demo install clean fuzz asan tsan valgrind load captures

all: build

# For packaging scripts: the version the build derives from the header.
version:
	@echo $(VERSION)

# apt-get install, as root or through sudo (fresh Debian machine).
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq

# What the build needs: the system libraries it links (and pkg-config, which finds them).
BUILD_PACKAGES = libcurl4-openssl-dev libjansson-dev libssl-dev zlib1g-dev pkg-config
deps:
	@pkg-config --exists libcurl jansson libcrypto zlib 2>/dev/null || { \
	  echo "installing $(BUILD_PACKAGES)"; $(APT_INSTALL) $(BUILD_PACKAGES); }

# The toolchains of the examples in Go (cgo), Rust (rustc alone) and Ruby (Fiddle and json, in
# Debian's ruby), each installed only where it is missing.
example-deps:
	@missing=; command -v go >/dev/null || missing="$$missing golang-go"; \
	command -v rustc >/dev/null || missing="$$missing rustc"; \
	ruby -e 'require "fiddle"; require "json"' 2>/dev/null || missing="$$missing ruby"; \
	[ -z "$$missing" ] || { echo "installing$$missing"; $(APT_INSTALL) $$missing; }

# What only the test command needs beyond the build: valgrind for the memcheck suite, venv for
# the Python suites' virtual environments, PyPy for the wheel suite (a Python other than the
# build's that Debian has), and the examples' toolchains.
test-deps: example-deps
	@missing=; command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v pypy3 >/dev/null || missing="$$missing pypy3"; \
	[ -z "$$missing" ] || { echo "installing$$missing"; $(APT_INSTALL) $$missing; }

build: deps
	$(SWIFT_BUILD) --product tracia
	$(SWIFT_BUILD) --product tracia-cli
	@mkdir -p build/lib build/bin
	@# A new file, then a rename: a process that has the library loaded keeps its own copy intact.
	cp $(BIN)/libtracia.so build/lib/.libtracia.so.new && mv -f build/lib/.libtracia.so.new build/lib/libtracia.so.$(VERSION)
	ln -sf libtracia.so.$(VERSION) build/lib/libtracia.so.$(SOMAJOR)
	ln -sf libtracia.so.$(SOMAJOR) build/lib/libtracia.so
	cp $(BIN)/tracia-cli build/bin/.tracia.new && mv -f build/bin/.tracia.new build/bin/tracia

# Every suite (see Tests/run-all.sh), ending with one line of totals.
test: build test-deps
	bash Tests/run-all.sh

# The quick round while developing: the build, then lint, the Swift unit, C and Python tests.
check: build
	bash Tests/run-all.sh lint swift c python

test-swift: deps
	SCRATCH=$(SCRATCH) bash Tests/swift-tests.sh

test-c: build
	bash Tests/c/run.sh

test-python: build
	bash bindings/python/run-tests.sh

demo: build
	./build/bin/tracia run --model mock/echo "Say hello to libtracia"

install: build
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 0755 build/lib/libtracia.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libtracia.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libtracia.so.$(SOMAJOR)
	ln -sf libtracia.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libtracia.so
	install -m 0644 include/tracia.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' tracia.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/tracia.pc
	install -m 0755 build/bin/tracia $(DESTDIR)$(PREFIX)/bin/tracia
	@# A library directory the loader searches (/usr/local/lib) is of use only once its cache
	@# knows the new library; any other prefix is found through a run path or LD_LIBRARY_PATH.
	@PATH=$$PATH:/usr/sbin:/sbin; if [ -z "$(DESTDIR)" ] && ldconfig -N -X -v 2>/dev/null | grep -q "^$(PREFIX)/lib:"; then \
	  if [ "$$(id -u)" = 0 ]; then echo "ldconfig"; ldconfig; \
	  else echo "$(PREFIX)/lib is on the loader's path: run 'sudo ldconfig' so programs find libtracia.so.$(SOMAJOR)"; fi; fi

# 1000 concurrent traced streams over the four providers' fake servers in one process.
load: build
	bash Tests/load/run.sh

# Every recorded real provider response replayed through libtracia and the provider's official SDK,
# field by field (Tests/captures/README.md). Not part of test: the recordings live beside the
# repository (../shared/data/provider-captures, or CAPTURES_DIR); without them it skips.
captures: build
	bash Tests/captures/run.sh

# The C and Swift tests under AddressSanitizer (+ UndefinedBehaviorSanitizer for the C side),
# ThreadSanitizer, and the C tests under valgrind memcheck.
asan: build
	bash Tests/sanitize.sh address

tsan: build
	bash Tests/sanitize.sh thread

valgrind: build test-deps
	bash Tests/sanitize.sh valgrind

# Each harness under libFuzzer + AddressSanitizer for FUZZ_SECONDS seconds.
FUZZ_SECONDS ?= 60
fuzz: deps
	bash fuzz/run.sh fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build $(SCRATCH)
