# Toolchains and flags, stated once.
CC       ?= gcc
HOSTCC   ?= gcc
CXX      ?= g++
LD       := ld
NASM     := nasm
OBJCOPY  := objcopy
PYTHON   := python3
# make's built-in defaults (cc, g++) vanish under -rR: set them unless the user did.
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin CXX),default)
CXX := g++
endif

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
        -Wundef -Wvla -Wwrite-strings -Wredundant-decls -Wno-unused-parameter

# Freestanding code: the hypervisor (ring 0), dom0 and test guests (ring 3 PV).
# -fpie: the hypervisor is linked in the 0xffff8... hole, outside the
# range -mcmodel=kernel can address, so code is position independent and the
# final link is static (as Xen does with -fpic).
FREESTANDING_CFLAGS := -std=gnu11 -ffreestanding -nostdinc \
        -isystem $(shell $(CC) -print-file-name=include) \
        -fno-builtin -fno-common -fno-strict-aliasing -fno-stack-protector \
        -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-plt \
        -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mgeneral-regs-only \
        -O2 -g -MMD -MP $(WARN)

NASMFLAGS := -f elf64 -g -F dwarf -w+all -w+error

# Host builds of portable core logic for CMocka unit tests.
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer \
        -fsanitize=address,undefined -fno-sanitize-recover=all \
        -DXENOLITH_HOST_TEST -MMD -MP $(WARN)
HOST_LDFLAGS := -fsanitize=address,undefined
CMOCKA_LIBS  := -lcmocka
