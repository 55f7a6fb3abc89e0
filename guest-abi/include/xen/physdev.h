/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_physdev_op(cmd, arg), the subset a PV
 * guest without device passthrough uses.
 */
#ifndef XENOLITH_XEN_PHYSDEV_H
#define XENOLITH_XEN_PHYSDEV_H

#include "xen.h"

/* Set the virtual IOPL (0-3) that guest kernel port I/O is checked against. */
#define PHYSDEVOP_set_iopl 6
struct physdev_set_iopl {
    uint32_t iopl;
};
XEN_ABI_SIZE(struct physdev_set_iopl, 4);

/* Set a virtual I/O permission bitmap covering nr_ports ports. */
#define PHYSDEVOP_set_iobitmap 7
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap;
    uint32_t nr_ports;
    uint32_t _pad0;
};
XEN_ABI_SIZE(struct physdev_set_iobitmap, 16);
XEN_ABI_OFFSET(struct physdev_set_iobitmap, nr_ports, 8);

/* Physical-IRQ operations (privileged, for passthrough): numbers only. */
#define PHYSDEVOP_irq_status_query 5
#define PHYSDEVOP_apic_read        8
#define PHYSDEVOP_apic_write       9
#define PHYSDEVOP_alloc_irq_vector 10
#define PHYSDEVOP_free_irq_vector  11
#define PHYSDEVOP_eoi              12
#define PHYSDEVOP_map_pirq         13
#define PHYSDEVOP_unmap_pirq       14
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17
#define PHYSDEVOP_get_free_pirq    23
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28

#endif /* XENOLITH_XEN_PHYSDEV_H */
