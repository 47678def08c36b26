# salesperf — the commands a developer and CI use. See README.md.
#   make run    install what is missing, build, start salesperfd with demo data
#   make test   install what is missing, build, run every test and make deploy-check
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DATA_DIR ?= ./data
CTEST_FLAGS ?=

.PHONY: all deps configure build test deploy-check run bench fmt lint clean

all: build

deps:
	@bash tools/deps/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DSALESPERF_WERROR=$${SALESPERF_WERROR:-OFF} $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)
	@$(MAKE) --no-print-directory deploy-check

# Everything about deploy/ and helm/ that can be verified without a cluster (deploy/README.md).
deploy-check:
	@bash deploy/check.sh $(BUILD_DIR)

run: build
	@bash tools/run.sh $(BUILD_DIR) $(DATA_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

fmt:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

lint: configure
	@bash tools/lint.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
