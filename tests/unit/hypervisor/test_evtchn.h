/*
 * Shared set-up for the event-channel unit tests (test_evtchn*.c): fake
 * machine memory with a frame table, and three domains created afresh for
 * every test and destroyed by its teardown (which checks that every heap
 * allocation and frame came back): t_d0 privileged with two vCPUs, t_d1
 * with two vCPUs, t_d2 with one. Event-channel operations are issued as a
 * guest would, through do_event_channel_op as the domain's vCPU 0.
 *
 * A snapshot records every domain's port table (which buckets exist and
 * every port in them), its shared_info page (pending and mask bitmaps, and
 * each vcpu_info's pending_sel and upcall_pending), each vCPU's VIRQ table
 * and poll state, and the port limit; T_UNCHANGED() fails, naming the first
 * difference, if anything changed since. Every refusal is checked with it.
 *
 * The expected errno values are Xen 4.17's (xen/common/event_channel.c,
 * event_2l.c, event_fifo.c), including the order in which it checks.
 */
#ifndef TESTS_UNIT_EVTCHN_TEST_H
#define TESTS_UNIT_EVTCHN_TEST_H

#include "hv_test.h"

#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <xen/xen.h>

#define T_NR_FRAMES         1024
#define T_NPORTS            (EVTCHN_BUCKETS * EVTCHNS_PER_BUCKET) /* 4096: the 2-level limit */
#define T_NOBODY            77                                    /* a domid no domain has */
#define EVTCHNOP_reset_cont 14 /* Xen's continuation of EVTCHNOP_reset */

static struct page_info *t_table;
static struct domain *t_d0, *t_d1, *t_d2;
static struct domain **t_all[] = {&t_d0, &t_d1, &t_d2};
static uint64_t t_base_free, t_base_allocs;

/*
 * Link seam: the hypercall layer's preemption and continuation, so that
 * common/hypercall.c and its table of x86 handlers are not linked.
 */
bool hypercall_preempt_check(void)
{
    return false;
}

long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    (void)nr, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return HYPERCALL_CONTINUATION;
}

/* Ports the hypervisor itself serves (ECS_XEN): what the last send on one passed. */
static unsigned int t_xen_calls;
static struct domain *t_xen_dom;
static evtchn_port_t t_xen_port;
static void *t_xen_data;

static void t_xen_fn(struct domain *d, evtchn_port_t port, void *data)
{
    t_xen_calls++;
    t_xen_dom = d;
    t_xen_port = port;
    t_xen_data = data;
}

/* Frames free or held by the heap: everything but what domains hold. */
static uint64_t t_free_frames(void)
{
    struct frame_stats fs;
    struct heap_stats hs;

    frame_get_stats(&fs);
    heap_get_stats(&hs);
    return fs.free_pages + hs.pages;
}

static uint64_t t_live_allocs(void)
{
    struct heap_stats hs;

    heap_get_stats(&hs);
    return hs.live_allocs;
}

static int t_group_setup(void **state)
{
    (void)state;
    fake_mem_init(T_NR_FRAMES);
    t_table = calloc(T_NR_FRAMES, sizeof(*t_table));
    if (!t_table) {
        return -1;
    }
    frame_init(t_table, T_NR_FRAMES);
    frame_add_free(1, T_NR_FRAMES - 1);
    return 0;
}

static int t_group_teardown(void **state)
{
    (void)state;
    return 0;
}

static struct domain *t_domain(domid_t id, uint32_t flags, unsigned int vcpus)
{
    struct domain *d = domain_create(id, "t", flags, 64);

    assert_non_null(d);
    for (unsigned int i = 0; i < vcpus; i++) {
        assert_non_null(vcpu_create(d, i));
    }
    return d;
}

static int t_setup(void **state)
{
    (void)state;
    fake_fault_start = fake_fault_end = 0;
    t_xen_calls = 0;
    t_xen_dom = NULL;
    t_xen_port = 0;
    t_xen_data = NULL;
    set_current_vcpu(NULL);
    /* Heap pages are taken from the frame allocator: measure both before anything exists. */
    t_base_free = t_free_frames();
    t_base_allocs = t_live_allocs();
    t_d0 = t_domain(0, DOMCREATE_PRIVILEGED, 2);
    t_d1 = t_domain(1, 0, 2);
    t_d2 = t_domain(2, 0, 1);
    return 0;
}

static void t_destroy(struct domain **d)
{
    if (*d) {
        domain_destroy(*d);
        *d = NULL;
    }
}

static int t_teardown(void **state)
{
    (void)state;
    fake_fault_start = fake_fault_end = 0;
    set_current_vcpu(NULL);
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        t_destroy(t_all[i]);
    }
    assert_int_equal(t_live_allocs(), t_base_allocs);
    assert_int_equal(t_free_frames(), t_base_free);
    return 0;
}

#define T_TEST(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

/* ------------------------------------------------------------ issuing ops */

/* EVTCHNOP_cmd as vCPU 0 of d. */
static inline long t_op(struct domain *d, uint64_t cmd, void *arg)
{
    set_current_vcpu(d->vcpus[0]);
    return do_event_channel_op(cmd, (uint64_t)(uintptr_t)arg, 0, 0, 0);
}

/* The operations, returning the new port or -errno. */
static inline long t_alloc(struct domain *d, domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
    long rc = t_op(d, EVTCHNOP_alloc_unbound, &a);

    if (rc) {
        assert_int_equal(a.port, 0xdead); /* nothing written back on a refusal */
        return rc;
    }
    return a.port;
}

static inline long t_bind(struct domain *d, domid_t rdom, evtchn_port_t rport)
{
    struct evtchn_bind_interdomain b = {
        .remote_dom = rdom, .remote_port = rport, .local_port = 0xdead};
    long rc = t_op(d, EVTCHNOP_bind_interdomain, &b);

    if (rc) {
        assert_int_equal(b.local_port, 0xdead);
        return rc;
    }
    return b.local_port;
}

static inline long t_virq(struct domain *d, uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu, .port = 0xdead};
    long rc = t_op(d, EVTCHNOP_bind_virq, &b);

    if (rc) {
        assert_int_equal(b.port, 0xdead);
        return rc;
    }
    return b.port;
}

static inline long t_ipi(struct domain *d, uint32_t vcpu)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu, .port = 0xdead};
    long rc = t_op(d, EVTCHNOP_bind_ipi, &b);

    if (rc) {
        assert_int_equal(b.port, 0xdead);
        return rc;
    }
    return b.port;
}

static inline long t_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn_close c = {.port = port};
    return t_op(d, EVTCHNOP_close, &c);
}

static inline long t_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};
    return t_op(d, EVTCHNOP_send, &s);
}

static inline long t_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn_unmask u = {.port = port};
    return t_op(d, EVTCHNOP_unmask, &u);
}

static inline long t_bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};
    return t_op(d, EVTCHNOP_bind_vcpu, &b);
}

static inline long t_reset(struct domain *d, domid_t dom)
{
    struct evtchn_reset r = {.dom = dom};
    return t_op(d, EVTCHNOP_reset, &r);
}

/* EVTCHNOP_status of dom:port as d; the struct comes back in *st. */
static inline long t_status(struct domain *d, domid_t dom, evtchn_port_t port,
                            struct evtchn_status *st)
{
    memset(st, 0x5a, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return t_op(d, EVTCHNOP_status, st);
}

/* The state of d's own port as its status reports it (asserting the call works). */
static inline uint32_t t_state(struct domain *d, evtchn_port_t port)
{
    struct evtchn_status st;

    assert_int_equal(t_status(d, DOMID_SELF, port, &st), 0);
    return st.status;
}

/* -------------------------------------------------------- shared_info bits */

static inline bool t_pending(struct domain *d, evtchn_port_t p)
{
    return (d->shared_info->evtchn_pending[p / 64] >> (p % 64)) & 1;
}

static inline bool t_masked(struct domain *d, evtchn_port_t p)
{
    return (d->shared_info->evtchn_mask[p / 64] >> (p % 64)) & 1;
}

static inline void t_set_mask(struct domain *d, evtchn_port_t p, bool on)
{
    if (on) {
        d->shared_info->evtchn_mask[p / 64] |= 1ull << (p % 64);
    } else {
        d->shared_info->evtchn_mask[p / 64] &= ~(1ull << (p % 64));
    }
}

static inline void t_clear_pending(struct domain *d, evtchn_port_t p)
{
    d->shared_info->evtchn_pending[p / 64] &= ~(1ull << (p % 64));
}

static inline uint64_t t_sel(struct domain *d, unsigned int vcpu)
{
    return d->shared_info->vcpu_info[vcpu].evtchn_pending_sel;
}

static inline uint8_t t_upcall(struct domain *d, unsigned int vcpu)
{
    return d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What a guest's upcall handler does first: take the flag and the selector. */
static inline void t_ack_upcall(struct domain *d, unsigned int vcpu)
{
    d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending = 0;
    d->shared_info->vcpu_info[vcpu].evtchn_pending_sel = 0;
}

/* Nothing pending anywhere in d: bitmaps, selectors, upcall flags. */
static inline void t_quiet(struct domain *d)
{
    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            t_ack_upcall(d, i);
        }
    }
}

/* ------------------------------------------------------------- snapshots */

struct t_dsnap {
    bool present;
    unsigned int max_evtchns;
    bool bucket[EVTCHN_BUCKETS];
    struct evtchn ports[EVTCHN_BUCKETS][EVTCHNS_PER_BUCKET];
    uint8_t shared[PAGE_SIZE];
    evtchn_port_t virq[MAX_VCPUS][NR_VIRQS];
    int poll_port[MAX_VCPUS];
};

static struct t_dsnap t_snap_buf[3];

static void t_snap_domain(struct domain *d, struct t_dsnap *s)
{
    memset(s, 0, sizeof(*s));
    if (!d) {
        return;
    }
    s->present = true;
    s->max_evtchns = d->max_evtchns;
    for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
        s->bucket[b] = d->evtchn[b] != NULL;
        if (d->evtchn[b]) {
            memcpy(s->ports[b], d->evtchn[b], sizeof(s->ports[b]));
        }
    }
    memcpy(s->shared, d->shared_info, PAGE_SIZE);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            memcpy(s->virq[i], d->vcpus[i]->virq_to_evtchn, sizeof(s->virq[i]));
            s->poll_port[i] = d->vcpus[i]->poll_port;
        }
    }
}

static inline void t_snap(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        t_snap_domain(*t_all[i], &t_snap_buf[i]);
    }
}

static const char *const t_field_names[] = {"state", "notify_vcpu", "binding"};

static void t_unchanged_domain(const char *file, int line, unsigned int idx)
{
    static struct t_dsnap now_;
    const struct t_dsnap *was = &t_snap_buf[idx];

    t_snap_domain(*t_all[idx], &now_);
    if (was->present != now_.present) {
        fail_msg("%s:%d: domain %u appeared or went", file, line, idx);
    }
    if (was->max_evtchns != now_.max_evtchns) {
        fail_msg("%s:%d: d%u port limit %u -> %u", file, line, idx, was->max_evtchns,
                 now_.max_evtchns);
    }
    for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
        if (was->bucket[b] != now_.bucket[b]) {
            fail_msg("%s:%d: d%u bucket %u (ports %u-%u) %s", file, line, idx, b,
                     b * EVTCHNS_PER_BUCKET, (b + 1) * EVTCHNS_PER_BUCKET - 1,
                     now_.bucket[b] ? "appeared" : "went");
        }
        for (unsigned int p = 0; p < EVTCHNS_PER_BUCKET; p++) {
            const struct evtchn *a = &was->ports[b][p], *c = &now_.ports[b][p];
            if (memcmp(a, c, sizeof(*a))) {
                unsigned int f = a->state != c->state               ? 0
                                 : a->notify_vcpu != c->notify_vcpu ? 1
                                                                    : 2;
                fail_msg("%s:%d: d%u port %u changed (%s): state %u -> %u", file, line, idx,
                         b * EVTCHNS_PER_BUCKET + p, t_field_names[f], a->state, c->state);
            }
        }
    }
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
        uint64_t x, y;
        memcpy(&x, was->shared + i * 8, 8);
        memcpy(&y, now_.shared + i * 8, 8);
        if (x != y) {
            fail_msg("%s:%d: d%u shared_info word %u (byte %#x) changed: %#llx -> %#llx", file,
                     line, idx, i, i * 8, (unsigned long long)x, (unsigned long long)y);
        }
    }
    for (unsigned int v = 0; v < MAX_VCPUS; v++) {
        if (memcmp(was->virq[v], now_.virq[v], sizeof(was->virq[v]))) {
            fail_msg("%s:%d: d%u vCPU %u VIRQ table changed", file, line, idx, v);
        }
        if (was->poll_port[v] != now_.poll_port[v]) {
            fail_msg("%s:%d: d%u vCPU %u poll state changed", file, line, idx, v);
        }
    }
}

/* Fail unless no domain's event-channel state changed since t_snap(). */
#define T_UNCHANGED() t_unchanged(__FILE__, __LINE__)
static inline void t_unchanged(const char *file, int line)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        t_unchanged_domain(file, line, i);
    }
}

/* A refused operation: exactly this errno, and nothing changed anywhere. */
#define T_REFUSED(call, err)                                                                       \
    do {                                                                                           \
        t_snap();                                                                                  \
        assert_int_equal((call), -(err));                                                          \
        T_UNCHANGED();                                                                             \
    } while (0)

/* An operation that succeeds and changes nothing (a dropped send, say). */
#define T_NOOP(call)                                                                               \
    do {                                                                                           \
        t_snap();                                                                                  \
        assert_int_equal((call), 0);                                                               \
        T_UNCHANGED();                                                                             \
    } while (0)

#endif /* TESTS_UNIT_EVTCHN_TEST_H */
