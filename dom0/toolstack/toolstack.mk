# The dom0 toolstack: xl.cfg parser, cpio "newc" ramdisk reader and the PV
# domain builder. Included by dom0/build.mk.
#
# Exports:
#   DOM0_TOOLSTACK_SRCS    the toolstack's sources, for the dom0 kernel build,
#                          which compiles them with GUEST_RT_CFLAGS (freestanding)
#   DOM0_PV_LIB_SRCS       guest-abi/lib/pv_elf.c and pv_layout.c, which they call
#   DOM0_TOOLSTACK_CFLAGS  include flags they need on top of GUEST_RT_CFLAGS
#
# Host library libdom0.a for tests/unit/dom0/: the toolstack plus the guest-abi
# ELF and layout code it calls. Other dom0 sources that want host tests set
# DOM0_HOST_SRCS (and DOM0_HOST_CFLAGS) before this file is included: the
# library is defined once, here.
#
# This file is read before guest-abi/build.mk (the top level includes
# fragments in name order), so it names the guest-abi paths literally.

DOM0_TOOLSTACK_SRCS   := dom0/toolstack/xlcfg.c dom0/toolstack/ramdisk.c dom0/toolstack/builder.c
DOM0_TOOLSTACK_CFLAGS := -Idom0/include -Idom0/toolstack -Iguest-abi/include \
                         -Iguest-abi/runtime/include
DOM0_PV_LIB_SRCS      := guest-abi/lib/pv_elf.c guest-abi/lib/pv_layout.c

$(eval $(call host_lib,dom0,$(DOM0_HOST_SRCS) $(DOM0_TOOLSTACK_SRCS) $(DOM0_PV_LIB_SRCS),\
  $(DOM0_HOST_CFLAGS) $(DOM0_TOOLSTACK_CFLAGS)))

# Test fixtures. ramdisk: archives written by the real cpio tool, in the two
# "new ASCII" flavours (newc without and crc with checksums), from a tree
# with a nested directory, an empty file, a hard link and a symlink.
# builder: the XTF-like kernel that guest-abi/build.mk links for its tests.
DOM0_FIXTURE_DIR := $(BUILD)/tests/unit/dom0/fixtures
$(DOM0_FIXTURE_DIR)/newc.cpio $(DOM0_FIXTURE_DIR)/crc.cpio: dom0/toolstack/toolstack.mk
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(@:.cpio=.tree) && mkdir -p $(@:.cpio=.tree)/boot/guests
	$(Q)printf 'name = "alpha"\nkernel = "boot/guests/alpha.elf"\n' > $(@:.cpio=.tree)/alpha.cfg
	$(Q)head -c 5000 /dev/zero | tr '\0' 'k' > $(@:.cpio=.tree)/boot/guests/alpha.elf
	$(Q): > $(@:.cpio=.tree)/boot/empty
	$(Q)printf 'linked\n' > $(@:.cpio=.tree)/boot/one && ln $(@:.cpio=.tree)/boot/one $(@:.cpio=.tree)/boot/two
	$(Q)ln -s alpha.cfg $(@:.cpio=.tree)/link.cfg
	$(Q)cd $(@:.cpio=.tree) && find . | LC_ALL=C sort | \
		cpio -o --quiet -H $(if $(filter %/crc.cpio,$@),crc,newc) > $(abspath $@).tmp
	$(Q)mv $@.tmp $@
$(BUILD)/tests/unit/dom0/test_ramdisk: $(DOM0_FIXTURE_DIR)/newc.cpio $(DOM0_FIXTURE_DIR)/crc.cpio
$(BUILD)/tests/unit/dom0/test_builder: $(BUILD)/tests/unit/guest-abi/fixtures/xtf_like.elf

# Public headers compile on their own, as C11 and C++.
$(foreach h,$(sort $(wildcard dom0/include/dom0/xlcfg.h dom0/include/dom0/ramdisk.h \
                              dom0/include/dom0/builder.h)),\
  $(eval $(call check_header,$(h),$(DOM0_TOOLSTACK_CFLAGS))))
