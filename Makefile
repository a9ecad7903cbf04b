# The doors a newcomer uses. `make run` and `make test` work on a fresh Debian 12 machine:
# they install what is missing (apt-get, npm), build and go.
JOBS     ?= $(shell nproc)
DATA     ?= amity-data
LISTEN   ?= 127.0.0.1:8080
BUILD    := build
ASAN     := build-asan
FUZZ     := build-fuzz
FUZZ_SECONDS ?= 60
CMAKE    := cmake -G Ninja -Wno-dev

.PHONY: all build run test test-release test-asan deps deps-test deps-fuzz asan npm bench fuzz clean screenshots

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

deps-fuzz:
	@scripts/deps.sh fuzz

$(BUILD)/build.ninja: | deps
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS)

# First run: a data directory with the demo data; every run: serve it.
run: build
	@test -f $(DATA)/amity.db || $(BUILD)/src/amity --data $(DATA) demo
	$(BUILD)/src/amity --data $(DATA) serve --listen $(LISTEN)

$(ASAN)/build.ninja: | deps
	$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMITY_SANITIZE=ON -DAMITY_BENCH=OFF

asan: deps $(ASAN)/build.ninja
	cmake --build $(ASAN) -j$(JOBS)

npm: deps-test
	@cd tests/openapi && (test -d node_modules || npm ci --no-audit --no-fund --loglevel=error)

test-release: build npm
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test-asan: asan npm
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(ASAN) --output-on-failure -j$(JOBS)

# Every test, in the Release build and again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-release test-asan

# docs/screenshots/*.png, taken in Chromium against a fresh server with the demo data.
screenshots: build deps-test
	AMITY_BINARY=$(CURDIR)/$(BUILD)/src/amity node tests/e2e/screenshots.mjs

bench: build
	@scripts/deps.sh bench
	bench/amity-bench.sh

# The libFuzzer targets (fuzz/README.md), built with clang, each run FUZZ_SECONDS; fails on a crash.
$(FUZZ)/build.ninja: | deps-fuzz
	CC=clang CXX=clang++ $(CMAKE) -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMITY_FUZZ=ON \
	  -DAMITY_BENCH=OFF

fuzz: deps-fuzz $(FUZZ)/build.ninja
	cmake --build $(FUZZ) -j$(JOBS) --target fuzz_json_body fuzz_query fuzz_csv_import
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
