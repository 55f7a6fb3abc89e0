/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_callback_op(cmd, arg) - registering the
 * entry points the hypervisor bounces to.
 */
#ifndef XENOLITH_XEN_CALLBACK_H
#define XENOLITH_XEN_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event               0 /* event upcall */
#define CALLBACKTYPE_failsafe            1 /* segment reload failed on return to the guest */
#define CALLBACKTYPE_syscall             2 /* 64-bit `syscall` from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5 /* compat `sysenter` */
#define CALLBACKTYPE_syscall32           7 /* compat-mode `syscall` */

#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1u << _CALLBACKF_mask_events) /* mask upcalls on entry */

/* arg: struct callback_register. */
#define CALLBACKOP_register 0
struct callback_register {
    uint16_t type;  /* CALLBACKTYPE_* */
    uint16_t flags; /* CALLBACKF_* */
    uint32_t _pad0;
    xen_callback_t address; /* guest virtual address */
};
XEN_ABI_SIZE(struct callback_register, 16);
XEN_ABI_OFFSET(struct callback_register, type, 0);
XEN_ABI_OFFSET(struct callback_register, flags, 2);
XEN_ABI_OFFSET(struct callback_register, address, 8);

/* arg: struct callback_unregister. */
#define CALLBACKOP_unregister 1
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
XEN_ABI_SIZE(struct callback_unregister, 4);

#endif /* XENOLITH_XEN_CALLBACK_H */
