# The guest-side runtime: start of day, hypercalls, console, printf, traps,
# events, time and test reporting for PV guest kernels (test guests now,
# later dom0).  Included by tests/guests/build.mk.
#
# Every *.c and *.S here is part of it (GUEST_RT_SRCS below), among them
# pt.c: page-table walks, single mmu_updates and access probes for guests
# that work on their own page tables (declared in include/rt/pt.h, which a
# guest includes itself: rt/runtime.h does not).
#
# Exports:
#   GUEST_RT_CFLAGS   flags for C code linked with the runtime
#   GUEST_RT_OBJS     the runtime's objects
#   GUEST_RT_LDS      its linker script
#   GUEST_RT_LDFLAGS  link flags

GUEST_RT_DIR     := guest-abi/runtime
GUEST_RT_CFLAGS  := $(FREESTANDING_CFLAGS) -fno-pic -fno-pie -mno-red-zone \
                    -fno-tree-loop-distribute-patterns -I$(GUEST_RT_DIR)/include $(GUEST_ABI_INCLUDE)
GUEST_RT_LDS     := $(GUEST_RT_DIR)/link.lds
GUEST_RT_LDFLAGS := -nostdlib -static -no-pie -z noexecstack -z max-page-size=4096 \
                    --no-warn-rwx-segments --build-id=none
GUEST_RT_SRCS    := $(sort $(wildcard $(GUEST_RT_DIR)/*.c $(GUEST_RT_DIR)/*.S))
GUEST_RT_OBJS    := $(patsubst %,$(BUILD)/guest-rt/%.o,$(GUEST_RT_SRCS))

$(BUILD)/guest-rt/%.c.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -c $< -o $@

$(BUILD)/guest-rt/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
