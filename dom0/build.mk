# dom0: the service domain kernel, its ramdisk, and the small test guests the
# ramdisk carries.
#
#   $(BUILD)/dom0/dom0.elf       the PV kernel (guest runtime + dom0/kernel + dom0/xl
#                                + the toolstack library in dom0/toolstack)
#   $(BUILD)/dom0/ramdisk.cpio   cpio newc archive: guests/*.elf, configs/*.cfg
#   $(BUILD)/dom0/guests/*.elf   test guests of the toolstack (dom0/guests/<name>/)
#
# This fragment is read before guest-abi/build.mk and tests/guests/build.mk
# (the top Makefile includes */build.mk in name order), so everything those
# define is only used in recipes, where make expands it late.

DOM0_OUT     := $(BUILD)/dom0
DOM0_ELF     := $(DOM0_OUT)/dom0.elf
DOM0_RAMDISK := $(DOM0_OUT)/ramdisk.cpio
DOM0_IMAGES  := $(DOM0_ELF) $(DOM0_RAMDISK)

# The toolstack library (config parser, ramdisk reader, domain builder) has
# its own fragment for its host unit tests.
-include dom0/toolstack/toolstack.mk

# The runtime without its test harness: dom0 has its own start of day
# (dom0/kernel/start.c) instead of setup.c's test_main() and report.c.
DOM0_RT_SRCS := $(filter-out guest-abi/runtime/setup.c guest-abi/runtime/report.c,\
                  $(sort $(wildcard guest-abi/runtime/*.c guest-abi/runtime/*.S)))
DOM0_RT_OBJS := $(patsubst %,$(BUILD)/guest-rt/%.o,$(DOM0_RT_SRCS))
DOM0_RT_LDS  := guest-abi/runtime/link.lds

# xenstore-like's core and ring transport run inside dom0.
DOM0_XS_SRCS := $(sort $(wildcard xenstore-like/core/*.c)) xenstore-like/transport/ring.c

DOM0_SRCS := $(sort $(wildcard dom0/kernel/*.c dom0/xl/*.c)) \
             $(DOM0_TOOLSTACK_SRCS) $(DOM0_PV_LIB_SRCS) $(DOM0_XS_SRCS)
DOM0_OBJS := $(patsubst %.c,$(DOM0_OUT)/obj/%.o,$(DOM0_SRCS))

# Recursively expanded: GUEST_RT_CFLAGS comes from runtime.mk, read later.
DOM0_CFLAGS = $(GUEST_RT_CFLAGS) $(DOM0_TOOLSTACK_CFLAGS) -Idom0/include -Ixenstore-like/include \
              -Ixenstore-like/core

$(DOM0_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DOM0_CFLAGS) -c $< -o $@

$(DOM0_ELF): $(DOM0_OBJS) $(DOM0_RT_OBJS) $(DOM0_RT_LDS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_RT_LDFLAGS) -T $(DOM0_RT_LDS) $(DOM0_OBJS) $(DOM0_RT_OBJS) -o $@

# Test guests for the toolstack, linked with the whole runtime like tests/guests.
DOM0_GUEST_NAMES := $(sort $(patsubst dom0/guests/%/main.c,%,$(wildcard dom0/guests/*/main.c)))
DOM0_GUEST_ELFS  := $(patsubst %,$(DOM0_OUT)/guests/%.elf,$(DOM0_GUEST_NAMES))
GUEST_RT_ALL_OBJS := $(patsubst %,$(BUILD)/guest-rt/%.o,\
                       $(sort $(wildcard guest-abi/runtime/*.c guest-abi/runtime/*.S)))

define dom0_guest_rules
$(DOM0_OUT)/guests/$(1).elf: $(patsubst %.c,$(DOM0_OUT)/obj/%.o,$(sort $(wildcard dom0/guests/$(1)/*.c))) \
                             $(GUEST_RT_ALL_OBJS) $(DOM0_RT_LDS)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(LD) $$(GUEST_RT_LDFLAGS) -T $(DOM0_RT_LDS) $$(filter %.o,$$^) -o $$@
endef
$(foreach g,$(DOM0_GUEST_NAMES),$(eval $(call dom0_guest_rules,$(g))))

# The ramdisk: guest kernels and the example configs, as a cpio newc archive
# (the format Linux initramfs uses, written by GNU cpio).
DOM0_RD_GUESTS := $(DOM0_GUEST_ELFS) $(BUILD)/tests/guests/example.elf \
                  $(BUILD)/tests/guests/crash_nohandler.elf
DOM0_RD_CONFIGS := $(sort $(wildcard dom0/configs/*.cfg dom0/configs/*/*.cfg))

$(DOM0_RAMDISK): $(DOM0_RD_GUESTS) $(DOM0_RD_CONFIGS) dom0/build.mk
	@echo "  CPIO    $@"
	$(Q)rm -rf $(DOM0_OUT)/ramdisk && mkdir -p $(DOM0_OUT)/ramdisk/guests $(DOM0_OUT)/ramdisk/configs
	$(Q)cp $(DOM0_RD_GUESTS) $(DOM0_OUT)/ramdisk/guests/
	$(Q)cp -R dom0/configs/. $(DOM0_OUT)/ramdisk/configs/
	$(Q)cd $(DOM0_OUT)/ramdisk && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc --quiet --reproducible -R 0:0 > $(abspath $@).tmp
	$(Q)mv $@.tmp $@

ALL_TARGETS += $(DOM0_IMAGES) $(DOM0_GUEST_ELFS)
QEMU_IMAGES += $(DOM0_IMAGES)

# `make run`: the hypervisor boots dom0 with the ramdisk as its initrd (the
# second boot module: start_info mod_start/mod_len). The control channel is
# COM2, a Unix socket scripts/xlctl talks to (tests/lib/xqemu.py adds it when
# XENOLITH_CONTROL names the socket).
RUN_MODULES := $(DOM0_ELF) "" $(DOM0_RAMDISK) ""
DOM0_CONTROL_SOCKET := $(abspath $(DOM0_OUT))/control.sock
run gdb: $(DOM0_IMAGES)
run gdb: export XENOLITH_CONTROL = $(DOM0_CONTROL_SOCKET)
$(ISO): $(DOM0_IMAGES)

# dom0's own headers compile on their own (freestanding C, like the kernel).
DOM0_OWN_HEADERS := $(filter-out dom0/include/dom0/xlcfg.h dom0/include/dom0/ramdisk.h \
                      dom0/include/dom0/builder.h,$(sort $(wildcard dom0/include/dom0/*.h)))
$(foreach h,$(DOM0_OWN_HEADERS),$(eval $(call check_header_c,$(h),-ffreestanding -fno-builtin \
  -Iguest-abi/runtime/include -Iguest-abi/include -Idom0/include -Ixenstore-like/include)))
