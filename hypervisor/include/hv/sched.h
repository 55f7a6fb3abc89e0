/*
 * The scheduler: weighted fair sharing of CPUs between vCPUs.
 *
 * Each vCPU accumulates virtual time while it runs, at a rate inversely
 * proportional to its domain's weight; the runnable vCPU with the least
 * virtual time runs next, for at most a time slice. A vCPU that wakes after
 * sleeping restarts from the queue's minimum, so sleeping earns no credit to
 * starve others with. Hypercall handlers never switch context: they only
 * change a vCPU's state, and the exit path to the guest asks the scheduler
 * what runs next (the idle loop when nothing is runnable).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/types.h>

struct vcpu;

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_SLICE_NS 10000000     /* 10 ms */
#define SCHED_MAX_VCPUS 256

enum vcpu_sched_state {
    VCPU_OFFLINE = 0,   /* not started, or its domain has ended */
    VCPU_RUNNABLE,
    VCPU_BLOCKED,
};

struct sched_vcpu {
    enum vcpu_sched_state state;
    unsigned int pause_count;   /* runnable only when 0 */
    unsigned int cpu;           /* the CPU whose queue holds it */
    unsigned int weight;
    uint64_t vtime;             /* weighted virtual time, ns */
    s_time_t started;           /* when it last began running */
    bool queued;
    bool yielded;               /* SCHEDOP_yield: let any other runnable vCPU go first */
};

void sched_vcpu_init(struct vcpu *v, unsigned int cpu, unsigned int weight);
/* Put v on its CPU's queue (it runs once runnable and unpaused). 0 or -ENOSPC. */
int sched_add(struct vcpu *v);
void sched_remove(struct vcpu *v);

void vcpu_set_runnable(struct vcpu *v);      /* start, or wake from blocked */
void vcpu_set_blocked(struct vcpu *v);       /* the caller checked it has nothing to do */
void vcpu_wake(struct vcpu *v);              /* blocked -> runnable (an event arrived) */
void vcpu_yield(struct vcpu *v);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
/* vcpu_runnable(v): hv/domain.h (inline: every exit to a guest asks). */

/*
 * Decide what runs on cpu now: curr keeps the CPU until its slice ends or
 * it stops being runnable. Returns the vCPU to run (maybe curr) or NULL for
 * idle, and accounts curr's run time.
 */
struct vcpu *sched_pick(unsigned int cpu, struct vcpu *curr, s_time_t now);
/* A vCPU became runnable or a slice ended: the CPU should decide again. */
bool sched_need_resched(unsigned int cpu);
void sched_set_resched(unsigned int cpu);
/* When the running vCPU's slice ends (0: nobody else waits). */
s_time_t sched_slice_end(unsigned int cpu);

#endif /* HV_SCHED_H */
