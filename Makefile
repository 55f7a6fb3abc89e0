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

# Install missing tools before anything is built (scripts/setup.sh is idempotent).
ifeq ($(filter clean format check-format setup,$(MAKECMDGOALS)),)
ifneq ($(shell scripts/setup.sh --check >/dev/null 2>&1; echo $$?),0)
$(info Some build tools are missing: running scripts/setup.sh)
ifneq ($(shell scripts/setup.sh 1>&2; echo $$?),0)
$(error scripts/setup.sh could not install what Xenolith needs (see above))
endif
endif
endif

include mk/config.mk
include mk/rules.mk

ALL_TARGETS   :=   # things `make all` builds
HOST_LIBS     :=   # component libraries built for host unit tests
HEADER_CHECKS :=   # stamp files, one per header compiled on its own
QEMU_IMAGES   :=   # what the QEMU tests boot
BENCH_TARGETS :=   # prerequisites of `make bench`

include $(sort $(filter-out tests/build.mk,$(wildcard */build.mk)))
include tests/build.mk

.PHONY: all run test test-unit test-qemu test-xen iso bench clean check-headers setup format check-format gdb
all: $(ALL_TARGETS)

setup:
	@scripts/setup.sh

run: $(HV_BIN)
	@scripts/run.sh $(HV_BIN) "$(RUN_ARGS)" $(RUN_MODULES)

iso: $(ISO)

test: all $(TEST_DEPS)
	@python3 tests/run.py --build $(BUILD) $(if $(T),--only '$(T)') $(if $(J),-j $(J))

test-unit: $(UNIT_TEST_BINS)
	@python3 tests/run.py --build $(BUILD) --tier unit $(if $(T),--only '$(T)')

test-qemu: all $(TEST_DEPS)
	@python3 tests/run.py --build $(BUILD) --tier qemu $(if $(T),--only '$(T)')

bench: all $(BENCH_TARGETS)
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
