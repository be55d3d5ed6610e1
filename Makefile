# SPDX-License-Identifier: GPL-3.0-or-later
# The two set-up commands: `make demo` and `make test`.  Both install the
# Debian packages that are missing (scripts/install-deps.sh), then build
# with meson into build/ (and build-asan/ for the sanitizer run) with every
# optional part (meson_options.txt) enabled: a missing library is an error
# here, not a smaller build.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_HEADLESS ?= build-headless
FEATURES   := -Djack=enabled -Dosc=enabled -Dlv2=enabled -Dreport=enabled -Dserve=enabled
FUZZ_SECONDS ?= 300

.PHONY: all deps demo test test-fast fuzz clean bench bench-live bench-serve bench-batch bench-assist

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/install-deps.sh
	@./scripts/install-test-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release $(FEATURES)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false $(FEATURES)

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) --buildtype=debugoptimized -Dfuzzing=true \
	  -Db_sanitize=address,undefined -Db_lundef=false $(FEATURES)

# The headless render library and command: none of the optional parts.
$(BUILD_HEADLESS)/build.ninja:
	meson setup $(BUILD_HEADLESS) --buildtype=release -Djack=disabled -Dosc=disabled -Dlv2=disabled \
	  -Dreport=disabled -Dserve=disabled

demo: all
	./$(BUILD)/mixdown demo

# Every test (`meson test`: tests/meson.build), in the release build and
# again under ASan + UBSan, a smoke run of the fuzzers over their seeds and
# regressions, and the tests of the build without the optional parts.
# The browser tests (tests/browser/, in the release build) need node,
# chromium and playwright-core: scripts/install-test-deps.sh.
# Ends with `N passed, N failed`.
test: all $(BUILD_ASAN)/build.ninja $(BUILD_FUZZ)/build.ninja $(BUILD_HEADLESS)/build.ninja
	./scripts/install-test-deps.sh
	ninja -C $(BUILD_ASAN)
	ninja -C $(BUILD_FUZZ)
	ninja -C $(BUILD_HEADLESS)
	./tests/run.sh $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_HEADLESS)

# Fuzz each harness for FUZZ_SECONDS (default 300); crashes land in
# $(BUILD_FUZZ)/fuzz-crashes and belong in tests/fuzz/regressions/ once fixed.
fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)
	./tests/fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

# The release build only (quicker while working).
test-fast: all
	./tests/run.sh $(BUILD)

# The mix benchmark against ecasound, sox and ffmpeg (those installed;
# scripts/install-bench-deps.sh installs them).  Results: bench/RESULTS.md.
bench: all
	./scripts/install-bench-deps.sh
	./bench/run.sh $(BUILD)

# The live audio thread's DSP load and worst period through a real-time
# jackd -d dummy (a measurement; results: bench/RESULTS.md).
bench-live: all
	./bench/live.sh $(BUILD)

# mixdown serve's CPU at 32 and 128 tracks with a headless listener, and
# the page's frame rate with 128 strips in chromium (a measurement;
# results: bench/RESULTS.md).
bench-serve: all
	./bench/serve.sh $(BUILD)

# Throughput of mixdown batch run against a shell loop of mixdown render
# and GNU parallel running it, on 100 short items (a measurement; results:
# bench/RESULTS.md).
bench-batch: all
	./bench/batch.sh $(BUILD)

# Each mix assistant analysing 60 minutes of audio: wall and CPU time,
# peak memory (a measurement; results: bench/RESULTS.md).
bench-assist: all
	./bench/assist.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_HEADLESS)
