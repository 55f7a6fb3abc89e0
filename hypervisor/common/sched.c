/* Weighted fair scheduling by virtual time: see hv/sched.h. */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/spinlock.h>

#define SCHED_MAX_CPUS 64

struct runqueue {
    unsigned int nr;
    struct vcpu *vcpus[SCHED_MAX_VCPUS];
    bool need_resched;
    s_time_t slice_end;
};

static struct runqueue queues[SCHED_MAX_CPUS];
static spinlock_t sched_lock = SPINLOCK_INIT;

void sched_vcpu_init(struct vcpu *v, unsigned int cpu, unsigned int weight)
{
    v->sched.state = VCPU_OFFLINE;
    v->sched.pause_count = 0;
    v->sched.cpu = cpu < SCHED_MAX_CPUS ? cpu : 0;
    v->sched.weight = weight ? weight : SCHED_DEFAULT_WEIGHT;
    v->sched.vtime = 0;
    v->sched.queued = false;
}


/* The least virtual time among runnable vCPUs on q (0 if none). */
static uint64_t min_vtime(const struct runqueue *q)
{
    uint64_t m = UINT64_MAX;

    for (unsigned int i = 0; i < q->nr; i++) {
        if (vcpu_runnable(q->vcpus[i]) && q->vcpus[i]->sched.vtime < m) {
            m = q->vcpus[i]->sched.vtime;
        }
    }
    return m == UINT64_MAX ? 0 : m;
}

int sched_add(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    struct runqueue *q = &queues[v->sched.cpu];
    int rc = 0;

    if (v->sched.queued) {
        rc = 0;
    } else if (q->nr == SCHED_MAX_VCPUS) {
        rc = -ENOSPC;
    } else {
        v->sched.vtime = min_vtime(q);
        q->vcpus[q->nr++] = v;
        v->sched.queued = true;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

void sched_remove(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    struct runqueue *q = &queues[v->sched.cpu];

    for (unsigned int i = 0; i < q->nr; i++) {
        if (q->vcpus[i] == v) {
            q->vcpus[i] = q->vcpus[--q->nr];
            break;
        }
    }
    v->sched.queued = false;
    v->sched.state = VCPU_OFFLINE;
    q->need_resched = true;
    spin_unlock_irqrestore(&sched_lock, flags);
}

static void make_runnable(struct vcpu *v)
{
    struct runqueue *q = &queues[v->sched.cpu];
    uint64_t floor = min_vtime(q);

    /* Sleeping earns no credit: start from the queue's current minimum. */
    if (v->sched.vtime < floor) {
        v->sched.vtime = floor;
    }
    v->sched.state = VCPU_RUNNABLE;
    q->need_resched = true;
}

void vcpu_set_runnable(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    make_runnable(v);
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_set_blocked(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    if (v->sched.state == VCPU_RUNNABLE) {
        v->sched.state = VCPU_BLOCKED;
        queues[v->sched.cpu].need_resched = true;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    if (v->sched.state == VCPU_BLOCKED) {
        make_runnable(v);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_yield(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    v->sched.yielded = true;
    queues[v->sched.cpu].need_resched = true;
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_pause(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    v->sched.pause_count++;
    queues[v->sched.cpu].need_resched = true;
    spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_unpause(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);

    if (v->sched.pause_count && --v->sched.pause_count == 0 &&
        v->sched.state == VCPU_RUNNABLE) {
        make_runnable(v);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

struct vcpu *sched_pick(unsigned int cpu, struct vcpu *curr, s_time_t now)
{
    unsigned long flags = spin_lock_irqsave(&sched_lock);
    struct runqueue *q = &queues[cpu];
    struct vcpu *best = NULL;

    if (curr) {
        s_time_t ran = now - curr->sched.started;
        if (ran > 0) {
            curr->sched.vtime += (uint64_t)ran * SCHED_DEFAULT_WEIGHT / curr->sched.weight;
        }
        curr->sched.started = now;
        /* The running vCPU keeps its slice unless it stopped or the slice is over. */
        if (vcpu_runnable(curr) && now < q->slice_end && !q->need_resched) {
            spin_unlock_irqrestore(&sched_lock, flags);
            return curr;
        }
    }
    /* Least virtual time wins; on a tie the vCPU that was not running (just woken). */
    for (unsigned int i = 0; i < q->nr; i++) {
        struct vcpu *v = q->vcpus[i];
        if (vcpu_runnable(v) && !v->sched.yielded &&
            (!best || v->sched.vtime < best->sched.vtime ||
             (v->sched.vtime == best->sched.vtime && best == curr))) {
            best = v;
        }
    }
    if (!best && curr && vcpu_runnable(curr)) {
        best = curr;    /* it yielded, but nobody else wants the CPU */
    }
    if (curr) {
        curr->sched.yielded = false;
    }
    q->need_resched = false;
    if (best) {
        best->sched.started = now;
        q->slice_end = now + SCHED_SLICE_NS;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return best;
}

bool sched_need_resched(unsigned int cpu)
{
    return queues[cpu].need_resched;
}

void sched_set_resched(unsigned int cpu)
{
    queues[cpu].need_resched = true;
}

s_time_t sched_slice_end(unsigned int cpu)
{
    return queues[cpu].slice_end;
}
