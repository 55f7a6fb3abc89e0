# Xenolith top-level Makefile.
# Every component contributes a fragment, <component>/build.mk, that appends to the
# lists below; this file only holds the targets users type.
MAKEFLAGS += -rR --no-print-directory
.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

TOP   := $(CURDIR)
BUILD ?= build
# Extra hypervisor command line for `make run` (e.g. RUN_ARGS="loglvl=debug").
RUN_ARGS ?=

include mk/config.mk
include mk/rules.mk

ALL_TARGETS   :=   # things `make all` builds
HOST_LIBS     :=   # component libraries built for host unit tests
HEADER_CHECKS :=   # stamp files, one per header compiled on its own
QEMU_IMAGES   :=   # what the QEMU tests boot
BENCH_TARGETS :=   # prerequisites of `make bench`

include $(sort $(filter-out tests/build.mk,$(wildcard */build.mk)))
include tests/build.mk

.PHONY: all run test test-unit test-qemu iso bench clean check-headers setup format check-format gdb
all: $(ALL_TARGETS)

setup:
	@scripts/setup.sh

run: $(HV_BIN) setup
	@scripts/run.sh $(HV_BIN) "$(RUN_ARGS)" $(RUN_MODULES)

iso: $(ISO)

test: setup all $(TEST_DEPS)
	@python3 tests/run.py --build $(BUILD) $(if $(T),--only '$(T)') $(if $(J),-j $(J))

test-unit: setup $(UNIT_TEST_BINS)
	@python3 tests/run.py --build $(BUILD) --tier unit $(if $(T),--only '$(T)')

test-qemu: setup all $(TEST_DEPS)
	@python3 tests/run.py --build $(BUILD) --tier qemu $(if $(T),--only '$(T)')

bench: setup all $(BENCH_TARGETS)
	@python3 tests/bench.py --build $(BUILD)

check-headers: $(HEADER_CHECKS)
	@echo "check-headers: $(words $(HEADER_CHECKS)) header checks passed"

gdb: $(HV_BIN)
	@scripts/run.sh --gdb $(HV_BIN) "$(RUN_ARGS)" $(RUN_MODULES)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

check-format:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD)
