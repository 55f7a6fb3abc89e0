/*
 * Domains and vCPUs: the portable part. Architecture state (guest registers,
 * trap table, callbacks, page-table roots) is in struct arch_vcpu/arch_domain
 * from <asm/domain.h>.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/frame.h>
#include <hv/timer.h>
#include <hv/types.h>
#include <asm/domain.h>

#define MAX_VCPUS 8
#define DOMAIN_NAME_MAX 32

struct shared_info;
struct vcpu_info;

enum domain_state {
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,     /* shut down (or crashed); resources still held */
    DOMAIN_DYING,        /* being torn down */
};

/* domain_create() flags */
#define DOMCREATE_PRIVILEGED (1u << 0)
#define DOMCREATE_INITDOMAIN (1u << 1)

struct vcpu {
    unsigned int id;
    struct domain *domain;
    struct vcpu_info *vcpu_info;     /* hypervisor mapping of its vcpu_info */
    struct timer singleshot_timer;
    s_time_t singleshot_deadline;
    struct arch_vcpu arch;
};

struct domain {
    domid_t id;
    char name[DOMAIN_NAME_MAX];
    uint32_t flags;                  /* DOMCREATE_* */
    enum domain_state state;
    unsigned int shutdown_reason;    /* SHUTDOWN_* of the Xen ABI */
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    uint64_t tot_pages;              /* frames the domain owns */
    uint64_t max_pages;
    uint32_t page_head;              /* owned frames, linked through page_info */
    unsigned int nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    uint64_t vm_assist;              /* VMASST_TYPE_* bits enabled */
    struct arch_domain arch;
};

struct domain *domain_create(domid_t id, const char *name, uint32_t flags, uint64_t max_pages);
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/* Allocate a frame block for d (counted against max_pages); INVALID_MFN if none. */
mfn_t domain_alloc_frames(struct domain *d, unsigned int order);
/* Stop the domain with a reason (SHUTDOWN_poweroff, _crash, ...). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* A guest did something it must not survive: log why and shut it down as crashed. */
void domain_crash(struct domain *d, const char *why);
static inline bool is_privileged(const struct domain *d)
{
    return d->flags & DOMCREATE_PRIVILEGED;
}

/* Architecture state of a new vCPU (no page tables yet, guest kernel mode). */
void arch_vcpu_init(struct vcpu *v);

/* The vCPU running on this CPU (NULL when idle). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

#endif /* HV_DOMAIN_H */
