/* SPDX-License-Identifier: MIT */
/*
 * Xen ABI definitions the guest runtime needs that guest-abi/include/xen/
 * does not have (yet).  Each is a fact of the Xen x86-64 PV interface and
 * belongs in a public header; until it moves there it lives here.
 */
#ifndef RT_MISSING_H
#define RT_MISSING_H

#include <xen/xen.h>

/* TODO(guest-abi): move to <xen/arch-x86_64.h>: kernel-mode CS as it appears
 * in a bounce frame (RPL cleared), used by XTF and Linux as __KERNEL_CS. */
#ifndef FLAT_RING3_CS64_KERNEL_FRAME
#define FLAT_RING3_CS64_KERNEL_FRAME 0xe030
#endif

/* TODO(guest-abi): move to <xen/xen.h>: the hypercall page's iret slot
 * (stub 23) is jumped to with flags already pushed; it pushes rcx, r11, rax
 * before `syscall`.  Byte layouts of the two stub kinds, as Xen writes them
 * for a 64-bit PV kernel. */
#define XEN_HYPERCALL_STUB_BYTES(i)                                                                \
    0x51, 0x41, 0x53, 0xb8, (i)&0xff, 0, 0, 0, 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3
#define XEN_HYPERCALL_IRET_STUB_BYTES 0x51, 0x41, 0x53, 0x50, 0xb8, 0x17, 0, 0, 0, 0x0f, 0x05

#endif /* RT_MISSING_H */
