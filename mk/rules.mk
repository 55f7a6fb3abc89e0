# Generic build rules shared by all components.
# Objects mirror the source tree: foo/bar.c -> $(BUILD)/<flavour>/foo/bar.o

Q := $(if $(V),,@)

# $(call host_lib,name,sources,extra-cflags): build $(BUILD)/host/lib<name>.a
# from portable sources, compiled for the host with sanitizers. Unit tests in
# tests/unit/<name>/ link against it.
define host_lib
HOST_LIBS += $(BUILD)/host/lib$(1).a
HOST_CFLAGS_$(1) := $(3)
$(BUILD)/host/lib$(1).a: $(patsubst %.c,$(BUILD)/host/$(1)/%.o,$(2))
	@mkdir -p $$(@D)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
$(patsubst %.c,$(BUILD)/host/$(1)/%.o,$(2)): $(BUILD)/host/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$<"
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $(3) -c $$< -o $$@
endef

# $(call check_header,header,cflags): compile one header alone as C11 and C++.
define check_header
HEADER_CHECKS += $(BUILD)/check-headers/$(1).ok
$(BUILD)/check-headers/$(1).ok: $(1)
	@mkdir -p $$(@D)
	$$(Q)printf '#include "%s"\n' $$(abspath $$<) > $$(@:.ok=.c)
	$$(Q)$$(CC) -std=c11 -fsyntax-only -Wall -Wextra -Werror -pedantic $(2) $$(@:.ok=.c)
	$$(Q)$$(CXX) -x c++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror $(2) $$(@:.ok=.c)
	$$(Q)touch $$@
endef

# $(call check_header_c,header,cflags): internal headers, C only (gnu11).
define check_header_c
HEADER_CHECKS += $(BUILD)/check-headers/$(1).ok
$(BUILD)/check-headers/$(1).ok: $(1)
	@mkdir -p $$(@D)
	$$(Q)printf '#include "%s"\n' $$(abspath $$<) > $$(@:.ok=.c)
	$$(Q)$$(CC) -std=gnu11 -fsyntax-only -Wall -Wextra -Werror $(2) $$(@:.ok=.c)
	$$(Q)touch $$@
endef
