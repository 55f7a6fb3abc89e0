# The hypervisor: a freestanding image linked in the 0xffff8... hole, booted
# as a flat Multiboot 1/2 image.
HV_DIR   := hypervisor
HV_ARCH  := $(HV_DIR)/arch/x86
HV_OUT   := $(BUILD)/hypervisor
HV_ELF   := $(BUILD)/xenolith.elf
HV_BIN   := $(BUILD)/xenolith.bin
ISO      := $(BUILD)/xenolith.iso

HV_COMMON_SRCS := $(sort $(wildcard $(HV_DIR)/common/*.c))
HV_ARCH_SRCS   := $(filter-out $(HV_ARCH)/asm-offsets.c,$(sort $(wildcard $(HV_ARCH)/*.c $(HV_ARCH)/pv/*.c)))
HV_ASM_SRCS    := $(sort $(wildcard $(HV_ARCH)/*.asm $(HV_ARCH)/boot/*.asm $(HV_ARCH)/pv/*.asm))
HV_OBJS := $(patsubst %.c,$(HV_OUT)/%.o,$(HV_COMMON_SRCS) $(HV_ARCH_SRCS) $(GUEST_ABI_LIB_SRCS)) \
           $(patsubst %.asm,$(HV_OUT)/%.o,$(HV_ASM_SRCS))
HV_INC    := -I$(HV_DIR)/include -I$(HV_ARCH)/include -Iguest-abi/include
HV_CFLAGS := $(FREESTANDING_CFLAGS) -fpie -include $(HV_DIR)/include/hv/compiler.h $(HV_INC)
HV_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --build-id=none --no-warn-rwx-segments \
              -T $(HV_ARCH)/xenolith.ld

# Portable core, built for the host against arch/fake/ for CMocka tests.
# Every file of common/ is host-tested except:
#   string.c  the C library provides these on the host;
#   panic.c, main.c, symbols.c  they stop or inspect the running machine.
HV_NOT_HOST := string.c panic.c main.c symbols.c
HV_HOST_SRCS := $(filter-out $(addprefix $(HV_DIR)/common/,$(HV_NOT_HOST)),$(HV_COMMON_SRCS)) \
                $(sort $(wildcard $(HV_DIR)/arch/fake/*.c))
$(eval $(call host_lib,hypervisor,$(HV_HOST_SRCS),-I$(HV_DIR)/include -I$(HV_DIR)/arch/fake/include -Iguest-abi/include))

ALL_TARGETS += $(HV_BIN) $(HV_ELF)

$(HV_OUT)/%.o: %.c | $(HV_OUT)/asm-offsets.inc
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(HV_OUT)/%.o: %.asm $(HV_OUT)/asm-offsets.inc
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -I$(HV_OUT)/ -I$(HV_ARCH)/include/asm/ -MD $(@:.o=.d) -o $@ $<

$(HV_OUT)/asm-offsets.inc: $(HV_ARCH)/asm-offsets.c
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(CC) $(HV_CFLAGS) -S $< -o $(@:.inc=.s)
	$(Q)sed -n 's/.*->\([A-Z_0-9]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 \2/p' $(@:.inc=.s) > $@.tmp
	$(Q)mv $@.tmp $@

# Two links: the second adds the symbol table generated from the first.
$(HV_OUT)/syms-empty.c: scripts/gensyms.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) scripts/gensyms.py --empty > $@
$(HV_OUT)/syms-empty.o $(HV_OUT)/syms.o: %.o: %.c
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@
$(HV_OUT)/pass1.elf: $(HV_OBJS) $(HV_OUT)/syms-empty.o $(HV_ARCH)/xenolith.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/syms-empty.o
$(HV_OUT)/syms.c: $(HV_OUT)/pass1.elf scripts/gensyms.py
	$(Q)$(PYTHON) scripts/gensyms.py $< $@
$(HV_ELF): $(HV_OBJS) $(HV_OUT)/syms.o $(HV_ARCH)/xenolith.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/syms.o
	$(Q)$(PYTHON) scripts/gensyms.py --check $(HV_OUT)/pass1.elf $@
$(HV_BIN): $(HV_ELF)
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

$(ISO): $(HV_BIN) scripts/mkiso.sh
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh $@ $(HV_BIN) "$(RUN_ARGS)" $(RUN_MODULES)

# Internal headers compile on their own (freestanding).
$(foreach h,$(sort $(wildcard $(HV_DIR)/include/hv/*.h $(HV_ARCH)/include/asm/*.h)),\
  $(eval $(call check_header_c,$(h),-ffreestanding -fno-builtin $(HV_INC))))

# The PV MMU's reference and type accounting (arch/x86/pv/mm.c) is plain C:
# tests/unit/pvmm/ links it against the fake arch (arch/fake/pvmm_fake.c)
# plus the portable core, and the x86 headers that only define constants.
HV_PVMM_HOST_SRCS := $(HV_HOST_SRCS) $(HV_ARCH)/pv/mm.c $(HV_ARCH)/pv/descriptors_check.c \
                     $(HV_DIR)/arch/fake/pvmm/pvmm_fake.c
$(eval $(call host_lib,pvmm,$(HV_PVMM_HOST_SRCS),-I$(HV_DIR)/include -I$(HV_DIR)/arch/fake/include -I$(HV_ARCH)/include -Iguest-abi/include -DPVMM_HOST_TEST))
