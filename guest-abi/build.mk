# guest-abi: the Xen x86-64 PV interface (guest-abi/include/xen/), Xenolith's
# own interfaces (guest-abi/include/xenolith/) and portable code shared by the
# hypervisor and dom0 (guest-abi/lib/: the PV ELF loader).
#
# Exports:
#   GUEST_ABI_INCLUDE   include flag for users of the headers
#   GUEST_ABI_LIB_SRCS  guest-abi/lib/*.c, for the hypervisor and dom0 to
#                       compile into their own images with their own flags

GUEST_ABI_INCLUDE  := -Iguest-abi/include
GUEST_ABI_HEADERS  := $(sort $(shell find guest-abi/include -name '*.h'))
GUEST_ABI_LIB_SRCS := $(sort $(wildcard guest-abi/lib/*.c))

# Every header compiles on its own as C11 -pedantic and as C++17.  A header's
# check also reruns when any guest-abi header changes (they include each other).
$(foreach h,$(GUEST_ABI_HEADERS),$(eval $(call check_header,$(h),$(GUEST_ABI_INCLUDE))))
$(patsubst %,$(BUILD)/check-headers/%.ok,$(GUEST_ABI_HEADERS)): $(GUEST_ABI_HEADERS)

# Host library (ASan/UBSan) for tests/unit/guest-abi/.
$(eval $(call host_lib,guest-abi,$(GUEST_ABI_LIB_SRCS),$(GUEST_ABI_INCLUDE)))

# The same sources built freestanding, as the hypervisor and dom0 build them,
# so that `make all` catches anything that needs a hosted environment.
GUEST_ABI_FREESTANDING_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(GUEST_ABI_LIB_SRCS))
ALL_TARGETS += $(GUEST_ABI_FREESTANDING_OBJS)
$(GUEST_ABI_FREESTANDING_OBJS): $(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(FREESTANDING_CFLAGS) -fpie $(GUEST_ABI_INCLUDE) -c $< -o $@

# Unit-test fixtures: small PV kernels linked by the real toolchain.
GUEST_ABI_FIXTURE_DIR := $(BUILD)/tests/unit/guest-abi/fixtures
GUEST_ABI_FIXTURES := $(patsubst tests/unit/guest-abi/fixtures/%.S,$(GUEST_ABI_FIXTURE_DIR)/%.elf,\
                        $(wildcard tests/unit/guest-abi/fixtures/*.S))
$(GUEST_ABI_FIXTURE_DIR)/%.elf: tests/unit/guest-abi/fixtures/%.S tests/unit/guest-abi/fixtures/%.lds \
                                 tests/unit/guest-abi/fixtures/xen_notes.h guest-abi/include/xen/elfnote.h
	@mkdir -p $(@D)
	@echo "  FIXTURE $@"
	$(Q)$(CC) -c -x assembler-with-cpp $(GUEST_ABI_INCLUDE) $< -o $(@:.elf=.o)
	$(Q)$(LD) -nostdlib -z noexecstack -z max-page-size=4096 --no-warn-rwx-segments \
		-T $(word 2,$^) $(@:.elf=.o) -o $@
$(BUILD)/tests/unit/guest-abi/test_pv_elf: $(GUEST_ABI_FIXTURES)
