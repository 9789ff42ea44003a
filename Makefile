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

.PHONY: all version deps build test test-swift test-c test-python lint demo install clean fuzz asan tsan valgrind load captures

all: build

# For packaging scripts: the version the build derives from the header.
version:
	@echo $(VERSION)

# Installs the two system libraries when they are missing (fresh Debian machine).
deps:
	@pkg-config --exists libcurl jansson libcrypto zlib 2>/dev/null || { \
	  echo "installing libcurl4-openssl-dev libjansson-dev libssl-dev zlib1g-dev"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libcurl4-openssl-dev libjansson-dev libssl-dev zlib1g-dev pkg-config; }

build: deps
	$(SWIFT_BUILD) --product tracia
	$(SWIFT_BUILD) --product tracia-cli
	@mkdir -p build/lib build/bin
	@# A new file, then a rename: a process that has the library loaded keeps its own copy intact.
	cp $(BIN)/libtracia.so build/lib/.libtracia.so.new && mv -f build/lib/.libtracia.so.new build/lib/libtracia.so.$(VERSION)
	ln -sf libtracia.so.$(VERSION) build/lib/libtracia.so.$(SOMAJOR)
	ln -sf libtracia.so.$(SOMAJOR) build/lib/libtracia.so
	cp $(BIN)/tracia-cli build/bin/.tracia.new && mv -f build/bin/.tracia.new build/bin/tracia

test: build
	bash Tests/run-all.sh

test-swift: deps
	swift test --scratch-path $(SCRATCH)

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

valgrind: build
	bash Tests/sanitize.sh valgrind

# Each harness under libFuzzer + AddressSanitizer for FUZZ_SECONDS seconds.
FUZZ_SECONDS ?= 60
fuzz: deps
	bash fuzz/run.sh fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build $(SCRATCH)
