/*
 * The privileged control interface (guest-abi xenolith/domctl.h), served by
 * common/domctl.c, and what it needs from the architecture.
 */
#ifndef HV_DOMCTL_H
#define HV_DOMCTL_H

#include <hv/types.h>

struct domain;
struct vcpu;
struct vcpu_guest_context;

long do_domctl(uint64_t uop, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

/* CPUs the hypervisor runs on. */
unsigned int arch_nr_cpus(void);
/* Frame mfn became pfn of its owner (the machine-to-phys table). */
void arch_frame_assigned(mfn_t mfn, uint64_t pfn);
/*
 * Load a vCPU's initial state from a guest context (validated: page tables,
 * selectors, callbacks). 0 or -errno with nothing changed.
 */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *c);
/* Write the hypercall stubs into frame mfn of d. 0 or -EINVAL. */
int arch_hypercall_page(struct domain *d, mfn_t mfn);

#endif /* HV_DOMCTL_H */
