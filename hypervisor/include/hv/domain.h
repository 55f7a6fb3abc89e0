/*
 * Domains and vCPUs: the portable part. Architecture state (guest registers,
 * trap table, callbacks, page-table roots) is in struct arch_vcpu/arch_domain
 * from <asm/domain.h>.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/event.h>
#include <hv/frame.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <hv/types.h>
#include <asm/domain.h>

#define MAX_VCPUS 8
#define DOMAIN_NAME_MAX 32

struct shared_info;
struct vcpu_info;
struct grant_table;
struct console_ring;

enum domain_state {
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,     /* shut down (or crashed); resources still held */
    DOMAIN_DYING,        /* being torn down */
};

/* domain_create() flags */
#define DOMCREATE_PRIVILEGED (1u << 0)
#define DOMCREATE_INITDOMAIN (1u << 1)
#define DOMCREATE_AUTODESTROY (1u << 2)  /* destroyed as soon as it shuts down (boot modules) */

struct vcpu {
    unsigned int id;
    struct domain *domain;
    struct vcpu_info *vcpu_info;     /* hypervisor mapping of its vcpu_info */
    evtchn_port_t virq_to_evtchn[24];   /* NR_VIRQS */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    s_time_t periodic_period;
    s_time_t periodic_last;          /* when the last periodic tick was sent */
    mfn_t vcpu_info_mfn;             /* INVALID_MFN: still in shared_info */
    uint64_t runstate_va;            /* guest VA of its runstate area, 0 = none */
    struct {
        int state;                   /* RUNSTATE_* */
        s_time_t entry;              /* when it entered the state */
        uint64_t time[4];            /* ns spent in each state */
    } runstate;
    int poll_port;                   /* SCHEDOP_poll: a port, -1 any of its set, -2 not polling */
    struct timer poll_timer;
    bool in_multicall;
    struct sched_vcpu sched;
    struct arch_vcpu arch;
};

/* Neither blocked nor offline, and nobody holds it paused. */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    return v->sched.state == VCPU_RUNNABLE && v->sched.pause_count == 0;
}

struct domain {
    domid_t id;
    char name[DOMAIN_NAME_MAX];
    uint32_t flags;                  /* DOMCREATE_* */
    enum domain_state state;
    unsigned int shutdown_reason;    /* SHUTDOWN_* of the Xen ABI */
    int shutdown_code;               /* SCHEDOP_shutdown_code's reason, -1 if none */
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    uint64_t tot_pages;              /* frames the domain owns */
    uint64_t max_pages;
    uint32_t page_head;              /* owned frames, linked through page_info */
    unsigned int nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    uint64_t vm_assist;              /* VMASST_TYPE_* bits enabled */
    struct evtchn *evtchn[EVTCHN_BUCKETS];  /* allocated 64 ports at a time */
    struct grant_table *grant_table; /* common/grant_table.c */
    struct console_ring *console;    /* when the hypervisor serves its console */
    unsigned int max_evtchns;        /* ports 0 .. max_evtchns - 1 */
    unsigned int ctl_pause;          /* pauses by the toolstack (XL_DOMCTL_PAUSE, creation) */
    s_time_t created, first_run;     /* system time; first_run 0 until a vCPU first ran */
    uint64_t *build_p2m;             /* frames POPULATE added, in pfn order, until it runs */
    uint64_t build_nr, build_cap;
    struct arch_domain arch;
};

struct domain *domain_create(domid_t id, const char *name, uint32_t flags, uint64_t max_pages);
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/*
 * Allocate 2^order contiguous frames for d (counted against max_pages), each
 * holding the allocation reference; INVALID_MFN if the limit or memory runs out.
 */
mfn_t domain_alloc_frames(struct domain *d, unsigned int order);
/* Return a frame nobody references any more (count 0) to the free pool. */
void domain_free_frame(mfn_t mfn);
/* Stop the domain with a reason (SHUTDOWN_poweroff, _crash, ...). */
void domain_shutdown(struct domain *d, unsigned int reason);
/*
 * Tear a domain down and return every frame it holds to the free pool (frames
 * another domain still maps are freed when it unmaps them). The domain must
 * not be running on any CPU.
 */
void domain_destroy(struct domain *d);
/* Destroy the dying domains that are off the CPUs; ends the machine when none is left. */
void domain_reap(void);
/* Architecture: drop base pointers, pins, descriptor tables and other frame references. */
void arch_domain_relinquish(struct domain *d);
/* Architecture: drop one general reference of a frame (freeing it at zero). */
void arch_put_frame(mfn_t mfn);
/* Architecture: is v loaded on some CPU right now? */
bool arch_vcpu_is_running(const struct vcpu *v);

/*
 * The toolstack's hold on a domain: pause (nested), unpause (-EINVAL when
 * not paused by it), and kill: end it now whatever its state (destroyed at
 * once when off the CPUs, else by the reaper).
 */
void domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
void domain_kill(struct domain *d);
/* The live domain with the lowest id >= from, or NULL (listing). */
struct domain *domain_next(domid_t from);
unsigned int domain_count(void);

/* A guest did something it must not survive: log why and shut it down as crashed. */
void domain_crash(struct domain *d, const char *why);
static inline bool is_privileged(const struct domain *d)
{
    return d->flags & DOMCREATE_PRIVILEGED;
}

/* Record a runstate change (RUNSTATE_*) and update the guest's runstate area. */
void vcpu_runstate_change(struct vcpu *v, int state);
/*
 * Set up the vCPU's timers. The periodic timer runs only while the vCPU
 * runs (as on Xen): vcpu_timers_start when it starts running (sending one
 * catch-up tick if a period passed), vcpu_timers_stop when it blocks.
 */
void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_start(struct vcpu *v);
void vcpu_timers_stop(struct vcpu *v);
/* SCHEDOP_poll's timeout (common/sched_op.c). */
void vcpu_poll_timeout(struct timer *t, void *data);

/* Take a lasting writable reference on a frame d owns (vcpu_info pages). 0 or -errno. */
int arch_get_writable_frame(struct domain *d, mfn_t mfn);

/* Architecture state of a new vCPU (no page tables yet, guest kernel mode). */
void arch_vcpu_init(struct vcpu *v);

/* The domain with this id, or NULL. DOMID_SELF is not resolved here. */
struct domain *domain_lookup(domid_t id);

/* The vCPU running on this CPU (NULL when idle). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

#endif /* HV_DOMAIN_H */
