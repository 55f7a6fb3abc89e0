# xenstore-like: the xenstore core (portable, no I/O), its ring transport, the
# hosted daemon `xenstored` for Linux, and a libFuzzer target for the parser.
XS_CORE_SRCS := $(sort $(wildcard xenstore-like/core/*.c))
XS_RING_SRCS := xenstore-like/transport/ring.c
XS_INCLUDES  := -Iguest-abi/include -Ixenstore-like/include
XS_HEADERS   := $(sort $(wildcard xenstore-like/include/xenstore/*.h))

# Host library for the CMocka tests in tests/unit/xenstore/ (with sanitizers).
$(eval $(call host_lib,xenstore,$(XS_CORE_SRCS) $(XS_RING_SRCS),$(XS_INCLUDES) -Ixenstore-like/core))

# Every public header compiles on its own, as C11 and as C++. guest-abi/build.mk
# checks every header under guest-abi/ (xs_wire.h too); define the check here
# only if it did not, so that the rule exists exactly once.
XS_WIRE_CHECK := $(BUILD)/check-headers/guest-abi/include/xen/io/xs_wire.h.ok
$(if $(filter $(XS_WIRE_CHECK),$(HEADER_CHECKS)),,\
  $(eval $(call check_header,guest-abi/include/xen/io/xs_wire.h,-Iguest-abi/include)))
$(foreach h,$(XS_HEADERS) xenstore-like/core/xs_internal.h,\
  $(eval $(call check_header,$(h),$(XS_INCLUDES))))

# The hosted daemon: a normal optimised Linux program, no sanitizers.
XS_DAEMON_SRCS := $(XS_CORE_SRCS) $(XS_RING_SRCS) xenstore-like/hosted/xenstored.c
XS_DAEMON_OBJS := $(patsubst %.c,$(BUILD)/xenstored-obj/%.o,$(XS_DAEMON_SRCS))
XS_DAEMON_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -MMD -MP \
        $(WARN) $(XS_INCLUDES) -Ixenstore-like/core

$(XS_DAEMON_OBJS): $(BUILD)/xenstored-obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XS_DAEMON_CFLAGS) -c $< -o $@

$(BUILD)/xenstored: $(XS_DAEMON_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $^ -o $@

# libFuzzer target for the message parser and everything behind it.
XS_FUZZ_SRCS := $(XS_CORE_SRCS) xenstore-like/fuzz/fuzz_wire.c
XS_FUZZ_BIN  := $(BUILD)/fuzz/xenstore-fuzz
FUZZ_TIME    ?= 300

$(XS_FUZZ_BIN): $(XS_FUZZ_SRCS) $(wildcard xenstore-like/core/*.h) $(XS_HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)clang -std=c11 -D_DEFAULT_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(XS_INCLUDES) -Ixenstore-like/core \
		$(XS_FUZZ_SRCS) -o $@

.PHONY: fuzz-xenstore
fuzz-xenstore: $(XS_FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus-xenstore
	@python3 xenstore-like/fuzz/seeds.py $(BUILD)/fuzz/corpus-xenstore
	$(XS_FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=16384 \
		$(BUILD)/fuzz/corpus-xenstore

# Xen's own test-xenstore against the hosted daemon (fetches Debian's xen-utils).
.PHONY: xenstore-xen-tests
xenstore-xen-tests: $(BUILD)/xenstored
	@xenstore-like/hosted/xen-tests.sh $(BUILD)

# The core and ring transport built freestanding, as the service domain will,
# so that `make all` catches any dependence on a hosted C library.
XS_FREESTANDING_OBJS := $(patsubst %.c,$(BUILD)/freestanding/%.o,$(XS_CORE_SRCS) $(XS_RING_SRCS))
$(XS_FREESTANDING_OBJS): $(BUILD)/freestanding/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(FREESTANDING_CFLAGS) -fpie $(XS_INCLUDES) -Ixenstore-like/core -c $< -o $@

ALL_TARGETS   += $(BUILD)/xenstored $(XS_FREESTANDING_OBJS)
TEST_DEPS     += $(BUILD)/xenstored $(XS_FUZZ_BIN)
BENCH_TARGETS += $(BUILD)/xenstored
