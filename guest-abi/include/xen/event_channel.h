/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_event_channel_op(cmd, arg).
 *
 * An event channel is a port number local to a domain.  Ports are bound to
 * a remote domain's port (interdomain), a VIRQ or an IPI; EVTCHNOP_send
 * raises the remote end.  Delivery is described in xen.h (shared_info).
 */
#ifndef XENOLITH_XEN_EVENT_CHANNEL_H
#define XENOLITH_XEN_EVENT_CHANNEL_H

#include "xen.h"

typedef uint32_t evtchn_port_t;
XEN_DEFINE_GUEST_HANDLE(evtchn_port);

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11 /* FIFO ABI */
#define EVTCHNOP_expand_array     12 /* FIFO ABI */
#define EVTCHNOP_set_priority     13 /* FIFO ABI */

/* Allocate a port that remote_dom may later bind to.  dom: DOMID_SELF or
 * (privileged) another domain.  OUT: port. */
struct evtchn_alloc_unbound {
    domid_t dom;
    domid_t remote_dom;
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, remote_dom, 2);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    uint16_t _pad0;
    evtchn_port_t remote_port;
    evtchn_port_t local_port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8);

/* Bind a VIRQ_* to a new port, delivered to vcpu. */
struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);
XEN_ABI_OFFSET(struct evtchn_bind_virq, port, 8);

/* Bind a physical IRQ (privileged). */
#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;     /* BIND_PIRQ__* */
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_pirq, 12);

/* A port for inter-vCPU notifications, delivered to vcpu. */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_bind_ipi, 8);

struct evtchn_close {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_close, 4);

struct evtchn_send {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_send, 4);

/* What a port is bound to. */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5
struct evtchn_status {
    domid_t dom; /* IN: DOMID_SELF or (privileged) another domain */
    uint16_t _pad0;
    evtchn_port_t port; /* IN */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT: vCPU it is delivered to */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            uint16_t _pad0;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u; /* OUT */
};
XEN_ABI_SIZE(struct evtchn_status, 24);
XEN_ABI_OFFSET(struct evtchn_status, port, 4);
XEN_ABI_OFFSET(struct evtchn_status, status, 8);
XEN_ABI_OFFSET(struct evtchn_status, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_status, u, 16);
XEN_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);

/* Deliver port's events to another vCPU. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
XEN_ABI_SIZE(struct evtchn_bind_vcpu, 8);

/* Clear the mask bit and re-raise the upcall if the port is pending. */
struct evtchn_unmask {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_unmask, 4);

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};
XEN_ABI_SIZE(struct evtchn_reset, 2);

/* FIFO ABI: register a vCPU's control block. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits; /* OUT */
    uint8_t _pad[7];
};
XEN_ABI_SIZE(struct evtchn_init_control, 24);
XEN_ABI_OFFSET(struct evtchn_init_control, offset, 8);
XEN_ABI_OFFSET(struct evtchn_init_control, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_init_control, link_bits, 16);

/* FIFO ABI: add a page of event words. */
struct evtchn_expand_array {
    uint64_t array_gfn;
};
XEN_ABI_SIZE(struct evtchn_expand_array, 8);

/* FIFO ABI: set a port's priority queue. */
struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
XEN_ABI_SIZE(struct evtchn_set_priority, 8);

/* Argument of the obsolete __HYPERVISOR_event_channel_op_compat. */
struct evtchn_op {
    uint32_t cmd;
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_pirq bind_pirq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
    } u;
};
XEN_ABI_SIZE(struct evtchn_op, 28);
XEN_ABI_OFFSET(struct evtchn_op, u, 4);

/* FIFO ABI constants. */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       16
#define EVTCHN_FIFO_PENDING          31
#define EVTCHN_FIFO_MASKED           30
#define EVTCHN_FIFO_LINKED           29
#define EVTCHN_FIFO_BUSY             28
#define EVTCHN_FIFO_LINK_BITS        17
#define EVTCHN_FIFO_LINK_MASK        ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS      (1u << EVTCHN_FIFO_LINK_BITS)
typedef uint32_t event_word_t;

struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
XEN_ABI_SIZE(struct evtchn_fifo_control_block, 72);

#endif /* XENOLITH_XEN_EVENT_CHANNEL_H */
