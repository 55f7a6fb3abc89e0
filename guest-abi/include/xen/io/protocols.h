/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: values of the "protocol" xenstore key a frontend
 * writes to say which structure layout its rings use.
 */
#ifndef XENOLITH_XEN_IO_PROTOCOLS_H
#define XENOLITH_XEN_IO_PROTOCOLS_H

#include "../types.h"

#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM    "arm-abi"
/* Only 64-bit x86 guests exist here. */
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_64

XEN_ABI_ASSERT(sizeof(XEN_IO_PROTO_ABI_NATIVE) == 11, "protocol name");

#endif /* XENOLITH_XEN_IO_PROTOCOLS_H */
