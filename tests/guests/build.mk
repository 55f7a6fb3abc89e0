# Test guests: XTF-style PV kernels, one per directory tests/guests/<name>/
# (main.c, optional extra .c/.S files, optional guest.cfg read by
# tests/lib/guests.py).  Each links with the guest runtime into
# $(BUILD)/tests/guests/<name>.elf.
#
#   make test-xen          boot every guest as dom0 of real Xen 4.17 (the oracle)
#   make test-xen T=name   only guests whose name matches the glob

include guest-abi/runtime/runtime.mk

GUEST_NAMES := $(sort $(patsubst tests/guests/%/main.c,%,$(wildcard tests/guests/*/main.c)))
GUEST_ELFS  := $(patsubst %,$(BUILD)/tests/guests/%.elf,$(GUEST_NAMES))
ALL_TARGETS += $(GUEST_ELFS)

define guest_rules
$(1)_SRCS := $(sort $(wildcard tests/guests/$(1)/*.c tests/guests/$(1)/*.S))
$(1)_OBJS := $$(patsubst %,$(BUILD)/%.o,$$($(1)_SRCS))
$(BUILD)/tests/guests/$(1).elf: $$($(1)_OBJS) $(GUEST_RT_OBJS) $(GUEST_RT_LDS)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(LD) $(GUEST_RT_LDFLAGS) -T $(GUEST_RT_LDS) $$($(1)_OBJS) $(GUEST_RT_OBJS) -o $$@
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rules,$(g))))

$(BUILD)/tests/guests/%.c.o: tests/guests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -c $< -o $@

$(BUILD)/tests/guests/%.S.o: tests/guests/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_RT_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

test-xen: $(GUEST_ELFS)
	@$(PYTHON) tests/xen/run.py --build $(BUILD) $(if $(T),--only '$(T)') $(if $(J),-j $(J))
