# Benchmark guests (issues 3 and 4), run by tests/bench/pv:
#   $(BUILD)/tests/benchguests/pv.elf     the PV benchmark guest, built with the
#                                         guest runtime, booted on Xenolith and
#                                         on Xen 4.17
#   $(BUILD)/tests/benchguests/floor.bin  the bare-metal floor (Multiboot 1 flat
#                                         image for QEMU -kernel)
#
# Included by tests/build.mk after tests/guests/build.mk (which brings in the
# guest runtime).  It also works on its own, which is how tests/bench/pv
# builds the images:
#   make -rR -f tests/benchguests/build.mk BUILD=build
ifndef GUEST_RT_CFLAGS
# Stand-alone: the toolchain, the rules and the guest runtime.
.DEFAULT_GOAL := bench-guests
include mk/config.mk
include mk/rules.mk
GUEST_ABI_INCLUDE ?= -Iguest-abi/include
include guest-abi/runtime/runtime.mk
-include $(shell find $(BUILD)/guest-rt $(BUILD)/tests/benchguests -name '*.d' 2>/dev/null)
endif

BENCHGUEST_DIR := $(BUILD)/tests/benchguests

# Shared by the images (tests/benchguests/common/): bench.c runs and reports
# a figure in every image; pv.c is the PV guests' side, floor.c the
# bare-metal floors' (console, exit, syscall set-up); copy.c the memcpy
# figures of the event-channel/grant guest and its floor.
BENCHGUEST_COMMON_OBJS := $(BUILD)/tests/benchguests/common/bench.c.o
BENCHGUEST_PV_COMMON   := $(BENCHGUEST_COMMON_OBJS) $(BUILD)/tests/benchguests/common/pv.c.o
BENCHGUEST_FLOOR_COMMON := $(BENCHGUEST_COMMON_OBJS) $(BUILD)/tests/benchguests/common/floor.c.o
# The memcpy_4k_* figures, in the event-channel/grant guest and its floor.
BENCHGUEST_COPY        := $(BUILD)/tests/benchguests/common/copy.c.o
BENCHGUEST_PV  := $(BENCHGUEST_DIR)/pv.elf
BENCHGUEST_FLOOR := $(BENCHGUEST_DIR)/floor.bin
BENCHGUESTS    := $(BENCHGUEST_PV) $(BENCHGUEST_FLOOR)
BENCH_TARGETS  += $(BENCHGUESTS)

.PHONY: bench-guests
bench-guests: $(BENCHGUESTS)

BENCHGUEST_PV_SRCS := $(sort $(wildcard tests/benchguests/pv/*.c tests/benchguests/pv/*.S))
BENCHGUEST_PV_OBJS := $(patsubst %,$(BUILD)/%.o,$(BENCHGUEST_PV_SRCS)) $(BENCHGUEST_PV_COMMON)

$(BENCHGUEST_PV): $(BENCHGUEST_PV_OBJS) $(GUEST_RT_OBJS) $(GUEST_RT_LDS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_RT_LDFLAGS) -T $(GUEST_RT_LDS) $(BENCHGUEST_PV_OBJS) $(GUEST_RT_OBJS) -o $@

# The floor borrows the runtime's printf and string functions (plain C, no
# hypercalls); its own console_write is COM1 (common/floor.c).
BENCHGUEST_FLOOR_SRCS := $(sort $(wildcard tests/benchguests/floor/*.c tests/benchguests/floor/*.S))
BENCHGUEST_FLOOR_OBJS := $(patsubst %,$(BUILD)/%.o,$(BENCHGUEST_FLOOR_SRCS)) $(BENCHGUEST_FLOOR_COMMON)
BENCHGUEST_FLOOR_RT   := $(BUILD)/guest-rt/$(GUEST_RT_DIR)/printf.c.o $(BUILD)/guest-rt/$(GUEST_RT_DIR)/lib.c.o

$(BENCHGUEST_DIR)/floor.elf: $(BENCHGUEST_FLOOR_OBJS) $(BENCHGUEST_FLOOR_RT) tests/benchguests/floor/floor.lds
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_RT_LDFLAGS) -T tests/benchguests/floor/floor.lds \
		$(BENCHGUEST_FLOOR_OBJS) $(BENCHGUEST_FLOOR_RT) -o $@

$(BENCHGUEST_FLOOR): $(BENCHGUEST_DIR)/floor.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

# Event channels and grant tables (tests/bench/evtchn_gnttab):
#   $(BUILD)/tests/benchguests/evgnt.elf        the benchmark guest (Xenolith and Xen 4.17;
#                                               with peer=N, the two-domain ping-pong)
#   $(BUILD)/tests/benchguests/evgnt_floor.bin  its bare-metal floor: the PV floor's
#                                               head.S and linker script, its own C
BENCHGUEST_EVGNT       := $(BENCHGUEST_DIR)/evgnt.elf
BENCHGUEST_EVGNT_FLOOR := $(BENCHGUEST_DIR)/evgnt_floor.bin
BENCH_TARGETS          += $(BENCHGUEST_EVGNT) $(BENCHGUEST_EVGNT_FLOOR)
bench-guests: $(BENCHGUEST_EVGNT) $(BENCHGUEST_EVGNT_FLOOR)

BENCHGUEST_EVGNT_SRCS := $(sort $(wildcard tests/benchguests/evgnt/*.c tests/benchguests/evgnt/*.S))
BENCHGUEST_EVGNT_OBJS := $(patsubst %,$(BUILD)/%.o,$(BENCHGUEST_EVGNT_SRCS)) $(BENCHGUEST_PV_COMMON) \
                         $(BENCHGUEST_COPY)

$(BENCHGUEST_EVGNT): $(BENCHGUEST_EVGNT_OBJS) $(GUEST_RT_OBJS) $(GUEST_RT_LDS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_RT_LDFLAGS) -T $(GUEST_RT_LDS) $(BENCHGUEST_EVGNT_OBJS) $(GUEST_RT_OBJS) -o $@

BENCHGUEST_EVGNT_FLOOR_SRCS := $(sort $(wildcard tests/benchguests/evgnt_floor/*.c tests/benchguests/evgnt_floor/*.S))
BENCHGUEST_EVGNT_FLOOR_OBJS := $(BUILD)/tests/benchguests/floor/head.S.o \
                               $(patsubst %,$(BUILD)/%.o,$(BENCHGUEST_EVGNT_FLOOR_SRCS)) \
                               $(BENCHGUEST_FLOOR_COMMON) $(BENCHGUEST_COPY)

$(BENCHGUEST_DIR)/evgnt_floor.elf: $(BENCHGUEST_EVGNT_FLOOR_OBJS) $(BENCHGUEST_FLOOR_RT) tests/benchguests/floor/floor.lds
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_RT_LDFLAGS) -T tests/benchguests/floor/floor.lds \
		$(BENCHGUEST_EVGNT_FLOOR_OBJS) $(BENCHGUEST_FLOOR_RT) -o $@

$(BENCHGUEST_EVGNT_FLOOR): $(BENCHGUEST_DIR)/evgnt_floor.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/tests/benchguests/%.c.o: tests/benchguests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -c $< -o $@

$(BUILD)/tests/benchguests/%.S.o: tests/benchguests/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
