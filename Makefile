# SPDX-License-Identifier: GPL-3.0-or-later
# The two set-up commands: `make demo` and `make test`.  Both install the
# Debian packages that are missing (scripts/install-deps.sh), then build
# with meson into build/ (and build-asan/ for the sanitizer run).

BUILD      ?= build
BUILD_ASAN ?= build-asan

.PHONY: all deps demo test test-fast clean bench

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

demo: all
	./$(BUILD)/mixdown demo

# Every test, in the release build and again under ASan + UBSan.
test: all $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	./tests/run.sh $(BUILD) $(BUILD_ASAN)

# The release build only (quicker while working).
test-fast: all
	./tests/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
