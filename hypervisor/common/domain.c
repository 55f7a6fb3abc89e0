/*
 * Domain and vCPU lifetime. Frames a domain owns are counted against its
 * limit and linked through their page_info, so teardown can return every one
 * of them. The initial domain hears of every other domain's shutdown and
 * destruction through VIRQ_DOM_EXC, as on Xen.
 */
#include <hv/arch.h>
#include <hv/console_ring.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/heap.h>
#include <hv/sched.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/shutdown.h>
#include <hv/time.h>
#include <xen/sched.h>
#include <xen/xen.h>

#define MAX_DOMAINS 256
#define DEFAULT_MAX_EVTCHNS 4096

static unsigned int nr_live_domains;
static bool any_crashed;            /* for the machine's exit status */
static unsigned int last_reason;
static struct domain *domain_table[MAX_DOMAINS];

static bool domain_running(const struct domain *d);

/* Is there an initial domain to deal with other domains' ends? */
static bool domain_has_toolstack(void)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (domain_table[i] && (domain_table[i]->flags & DOMCREATE_INITDOMAIN) &&
            domain_table[i]->state == DOMAIN_RUNNING) {
            return true;
        }
    }
    return false;
}

/* Tell the initial domain (the toolstack's) that another domain changed state. */
static void notify_dom_exc(const struct domain *d)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *t = domain_table[i];
        if (t && t != d && (t->flags & DOMCREATE_INITDOMAIN) && t->state == DOMAIN_RUNNING) {
            evtchn_send_global_virq(t, VIRQ_DOM_EXC);
        }
    }
}

struct domain *domain_lookup(domid_t id)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (domain_table[i] && domain_table[i]->id == id) {
            return domain_table[i];
        }
    }
    return NULL;
}

static int table_insert(struct domain *d)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (!domain_table[i]) {
            domain_table[i] = d;
            return 0;
        }
    }
    return -ENOSPC;
}

struct domain *domain_create(domid_t id, const char *name, uint32_t flags, uint64_t max_pages)
{
    struct domain *d = xzalloc(sizeof(*d));
    mfn_t si;

    if (!d) {
        return NULL;
    }
    if (domain_lookup(id)) {
        xfree(d);
        return NULL;
    }
    si = frame_alloc(0, DOMID_XEN);
    if (si == INVALID_MFN) {
        xfree(d);
        return NULL;
    }
    d->id = id;
    strlcpy_hv(d->name, name, sizeof(d->name));
    d->flags = flags;
    d->state = DOMAIN_RUNNING;
    d->shutdown_code = -1;
    d->max_pages = max_pages;
    d->created = now();
    d->page_head = FRAME_NONE;
    d->shared_info_mfn = si;
    d->shared_info = mfn_to_virt(si);
    memset(d->shared_info, 0, PAGE_SIZE);
    /* The shared_info frame belongs to the hypervisor but is the domain's to map;
     * its permanent reference keeps the guest's mappings from ever freeing it. */
    mfn_to_page(si)->aux = id;
    mfn_to_page(si)->count = 1;
    if (evtchn_domain_init(d, DEFAULT_MAX_EVTCHNS) ||
        gnttab_domain_init(d, GNTTAB_DEFAULT_MAX_FRAMES, GNTTAB_DEFAULT_MAX_MAPTRACK) ||
        table_insert(d)) {
        gnttab_domain_destroy(d);
        evtchn_domain_destroy(d);
        frame_free(si, 0);
        xfree(d);
        return NULL;
    }
    nr_live_domains++;
    return d;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v;

    if (id >= MAX_VCPUS || id >= XEN_LEGACY_MAX_VCPUS || d->vcpus[id]) {
        return NULL;
    }
    v = xzalloc(sizeof(*v));
    if (!v) {
        return NULL;
    }
    v->id = id;
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    /* Events start masked: a guest enables them when it is ready. */
    v->vcpu_info->evtchn_upcall_mask = 1;
    arch_vcpu_init(v);
    vcpu_timers_init(v);
    v->poll_port = -2;
    sched_vcpu_init(v, 0, SCHED_DEFAULT_WEIGHT);
    if (sched_add(v)) {
        d->vcpus[id] = NULL;
        xfree(v);
        return NULL;
    }
    d->vcpus[id] = v;
    if (id >= d->nr_vcpus) {
        d->nr_vcpus = id + 1;
    }
    return v;
}

mfn_t domain_alloc_frames(struct domain *d, unsigned int order)
{
    uint64_t n = 1ull << order;
    mfn_t mfn;

    if (d->tot_pages + n > d->max_pages) {
        return INVALID_MFN;
    }
    mfn = frame_alloc(order, d->id);
    if (mfn == INVALID_MFN) {
        return INVALID_MFN;
    }
    frame_split(mfn, order);    /* the guest may give frames back one at a time */
    for (uint64_t i = 0; i < n; i++) {
        struct page_info *pg = mfn_to_page(mfn + i);
        pg->count = 1;      /* the allocation reference, held until the domain frees it */
        pg->flags |= PGF_ALLOC_REF;
        pg->next = d->page_head;
        pg->prev = FRAME_NONE;
        if (d->page_head != FRAME_NONE) {
            mfn_to_page(d->page_head)->prev = (uint32_t)(mfn + i);
        }
        d->page_head = (uint32_t)(mfn + i);
    }
    d->tot_pages += n;
    return mfn;
}

void domain_free_frame(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    struct domain *d = domain_lookup(pg->owner);

    if (d) {
        if (pg->prev != FRAME_NONE) {
            mfn_to_page(pg->prev)->next = pg->next;
        } else {
            d->page_head = pg->next;
        }
        if (pg->next != FRAME_NONE) {
            mfn_to_page(pg->next)->prev = pg->prev;
        }
        d->tot_pages--;
    }
    pg->next = pg->prev = FRAME_NONE;
    frame_free(mfn, 0);
}

static enum shutdown_reason machine_reason(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return SHUTDOWN_POWEROFF;
    case SHUTDOWN_reboot:
        return SHUTDOWN_REBOOT;
    default:
        return SHUTDOWN_CRASH;
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash",
                                         "watchdog", "soft_reset" };

    if (d->state != DOMAIN_RUNNING) {
        return;
    }
    /* A code recorded with SCHEDOP_shutdown_code wins over the final reason. */
    if (d->shutdown_code >= 0) {
        reason = (unsigned int)d->shutdown_code;
    }
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            vcpu_pause(d->vcpus[i]);    /* it never runs again */
        }
    }
    if (d->console) {
        console_ring_drain(d);      /* its last words */
    }
    log_info("domain %u (%s) shut down: %s\n", d->id, d->name,
             reason < ARRAY_SIZE(names) ? names[reason] : "unknown reason");
    nr_live_domains--;
    any_crashed |= reason == SHUTDOWN_crash && !domain_has_toolstack();
    last_reason = reason;
    notify_dom_exc(d);
    /* With no toolstack yet, the initial domain's end is the machine's end. */
    if (d->flags & DOMCREATE_INITDOMAIN) {
        machine_shutdown(machine_reason(reason));
    }
    if (d->flags & DOMCREATE_AUTODESTROY) {
        d->state = DOMAIN_DYING;    /* reaped once it is off the CPU */
    } else if (nr_live_domains == 0) {
        machine_shutdown(machine_reason(reason));
    }
}

static void table_remove(struct domain *d)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (domain_table[i] == d) {
            domain_table[i] = NULL;
        }
    }
}

/* Drop the owner's allocation reference of every frame; unreferenced ones are freed. */
static void drop_allocations(struct domain *d)
{
    uint32_t m = d->page_head;

    while (m != FRAME_NONE) {
        struct page_info *pg = mfn_to_page(m);
        uint32_t next = pg->next;

        if (pg->flags & PGF_ALLOC_REF) {
            pg->flags &= (uint16_t)~PGF_ALLOC_REF;
            arch_put_frame(m);
        }
        m = next;
    }
}

void domain_destroy(struct domain *d)
{
    struct frame_stats before, after;
    uint32_t m;

    frame_get_stats(&before);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v) {
            vcpu_timers_stop(v);
            timer_stop(arch_timer_queue(), &v->singleshot_timer);
            timer_stop(arch_timer_queue(), &v->poll_timer);
            sched_remove(v);
        }
    }
    gnttab_domain_destroy(d);
    evtchn_domain_destroy(d);
    arch_domain_relinquish(d);
    drop_allocations(d);
    /* What is left is mapped by other domains: it is freed when they unmap it. */
    for (m = d->page_head; m != FRAME_NONE; m = mfn_to_page(m)->next) {
        mfn_to_page(m)->owner = DOMID_NONE;
    }
    if (d->tot_pages) {
        log_warn("domain %u: %llu frames still mapped by other domains\n", d->id,
                 (unsigned long long)d->tot_pages);
    }
    mfn_to_page(d->shared_info_mfn)->count = 0;
    mfn_to_page(d->shared_info_mfn)->aux = 0;
    frame_free(d->shared_info_mfn, 0);
    table_remove(d);
    notify_dom_exc(d);
    xfree(d->build_p2m);
    xfree(d->console);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        xfree(d->vcpus[i]);
    }
    frame_get_stats(&after);
    log_info("domain %u (%s) destroyed: %llu frames returned, %llu MiB free\n", d->id, d->name,
             (unsigned long long)(after.free_pages - before.free_pages),
             (unsigned long long)(after.free_pages >> 8));
    xfree(d);
}

static bool domain_running(const struct domain *d)
{
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i] && arch_vcpu_is_running(d->vcpus[i])) {
            return true;
        }
    }
    return false;
}

void domain_reap(void)
{
    bool reaped = false;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_table[i];
        if (d && d->state == DOMAIN_DYING && !domain_running(d)) {
            domain_destroy(d);
            reaped = true;
        }
    }
    if (reaped && nr_live_domains == 0) {
        struct heap_stats hs;
        heap_get_stats(&hs);
        log_info("all domains ended; heap %llu live allocations\n",
                 (unsigned long long)hs.live_allocs);
        machine_shutdown(any_crashed ? SHUTDOWN_CRASH : machine_reason(last_reason));
    }
}

void domain_pause(struct domain *d)
{
    d->ctl_pause++;
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            vcpu_pause(d->vcpus[i]);
        }
    }
}

int domain_unpause(struct domain *d)
{
    if (!d->ctl_pause) {
        return -EINVAL;
    }
    d->ctl_pause--;
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            vcpu_unpause(d->vcpus[i]);
        }
    }
    return 0;
}

void domain_kill(struct domain *d)
{
    if (d->state == DOMAIN_DYING) {
        return;
    }
    if (d->state == DOMAIN_RUNNING) {
        nr_live_domains--;
        for (unsigned int i = 0; i < MAX_VCPUS; i++) {
            if (d->vcpus[i]) {
                vcpu_pause(d->vcpus[i]);
            }
        }
    }
    d->state = DOMAIN_DYING;
    if (!domain_running(d)) {
        domain_destroy(d);
    }
}

struct domain *domain_next(domid_t from)
{
    struct domain *best = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_table[i];
        if (d && d->id >= from && (!best || d->id < best->id)) {
            best = d;
        }
    }
    return best;
}

unsigned int domain_count(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        n += domain_table[i] != NULL;
    }
    return n;
}

void domain_crash(struct domain *d, const char *why)
{
    log_warn("domain %u (%s) crashed: %s\n", d->id, d->name, why);
    domain_shutdown(d, SHUTDOWN_crash);
}
