/*
 * Event channels, 2-level ABI (Xen's): ports are bits in the shared_info
 * pending and mask bitmaps; raising one sets the vCPU's selector bit and
 * upcall flag so the guest's event callback runs on its next return.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>
#include <xen/event_channel.h>

struct domain;
struct vcpu;

#define EVTCHNS_PER_BUCKET 64
#define EVTCHN_BUCKETS (4096 / EVTCHNS_PER_BUCKET)

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED,       /* port 0: never handed out */
    ECS_UNBOUND,        /* waiting for u.remote_domid to bind */
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
    ECS_XEN,            /* the other end is the hypervisor itself (u.xen) */
};

typedef void (*evtchn_xen_fn)(struct domain *d, evtchn_port_t port, void *data);

struct evtchn {
    uint8_t state;
    uint16_t notify_vcpu;
    union {
        domid_t remote_domid;
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t virq;
        struct {
            evtchn_xen_fn fn;   /* called when the guest sends on the port */
            void *data;
        } xen;
    } u;
};

/* Set up d's ports (port 0 reserved, limit max_ports). 0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d, unsigned int max_ports);
/* Close every port (the other ends become unbound) and free the tables. */
void evtchn_domain_destroy(struct domain *d);

/* Raise a per-vCPU VIRQ (timer, debug) or a global one (bound on any vCPU). */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
void evtchn_send_global_virq(struct domain *d, unsigned int virq);
bool evtchn_is_pending(struct domain *d, evtchn_port_t port);
bool evtchn_port_valid(struct domain *d, evtchn_port_t port);

/* For builders: an unbound port of d offered to remote. 0 or -errno. */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port);
/* Connect local_dom to remote_dom:remote_port as the guest op would. */
int evtchn_bind_interdomain_port(struct domain *ld, struct domain *rd,
                                 evtchn_port_t rport, evtchn_port_t *lport);

/* A port of d whose other end is the hypervisor (console rings of boot-module domains). */
int evtchn_alloc_xen_port(struct domain *d, evtchn_xen_fn fn, void *data, evtchn_port_t *port);

/* Architecture: make sure v notices its pending upcall soon (wake or IPI it). */
void arch_vcpu_kick(struct vcpu *v);

#endif /* HV_EVENT_H */
