# Test tiers: unit tests (CMocka on the host) are discovered here; QEMU tests are
# spec files under tests/qemu/ read by tests/run.py.
#
# A unit test tests/unit/<component>/test_<name>.c is linked against the
# component's host library $(BUILD)/host/lib<component>.a (see mk/rules.mk).
UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_TEST_BINS := $(patsubst %.c,$(BUILD)/%,$(UNIT_TEST_SRCS))

define unit_test
$(BUILD)/$(basename $(1)): $(1) $(BUILD)/host/lib$(2).a
	@mkdir -p $$(@D)
	@echo "  HOSTLD  $$@"
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(HOST_CFLAGS_$(2)) -Itests/unit/include $$< \
		$(BUILD)/host/lib$(2).a $$(HOST_LDFLAGS) $$(CMOCKA_LIBS) -o $$@
endef
$(foreach t,$(UNIT_TEST_SRCS),$(eval $(call unit_test,$(t),$(word 3,$(subst /, ,$(t))))))

TEST_DEPS += $(UNIT_TEST_BINS) $(BUILD)/tests/grub-test.iso

# The GRUB boot test boots its own ISO with a known module.
$(BUILD)/tests/grub-test.iso: $(HV_BIN) scripts/mkiso.sh tests/qemu/grub-module.txt $(BUILD)/tests/guests/example.elf
	@mkdir -p $(@D)
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh $@ $(HV_BIN) "loglvl=debug dom0_mem=32M" \
		$(BUILD)/tests/guests/example.elf "hello world=1 x" tests/qemu/grub-module.txt "initrd"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Test guests (XTF-style PV kernels) and the Xen 4.17 oracle harness.
-include tests/guests/build.mk
-include tests/benchguests/build.mk
