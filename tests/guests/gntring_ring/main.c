/* SPDX-License-Identifier: MIT */
/*
 * A split-driver ring between two domains started from boot modules
 * (tests/qemu/gnttab-ring.test): "role=front" and "role=back".
 *
 * The frontend grants two of its pages to the backend, with fixed references
 * (no xenstore):
 *   ref 9  read-only: an info page (magic, the ring's reference and frame,
 *          the event-channel port it offers the backend, the request count);
 *   ref 8  writable:  the shared ring (xen/io/ring.h layout, 32 slots of
 *          64 bytes), initialised before it is granted.
 * The backend polls GNTTABOP_map_grant_ref of ref 9 (read-only) until the
 * frontend has written it, reads the info, unmaps it, maps the ring
 * writable, binds the port and says so with one event.  Then NREQ requests
 * flow in bursts of varying size (the ring fills up), each answered by a
 * response that is a function of its payload; both ends check every payload
 * and every index; notifications are held off as ring.h says (the producer
 * notifies only when the consumer asked).  A last request asks the backend
 * to unmap; the frontend then waits for GTF_reading/GTF_writing to clear,
 * ends access to both grants and reclaims its pages.
 *
 * Also checked: the PTEs the mappings make (frame, RW or not), a write
 * through the read-only mapping faults, the granter sees its entries busy
 * while mapped and cannot end access then, after unmap the address is empty
 * and the handle dead, and the backend's own frames under the mapped
 * addresses are untouched.
 */
#include <rt/runtime.h>
#include <xen/io/ring.h>
#include "../gntring_common/gntring.h"

const char test_title[] = "gntring_ring: a granted request/response ring with event notifications";

#define RING_REF 8
#define INFO_REF 9
#define NREQ     400
#define MAGIC    UINT64_C(0x676e7472696e6721)

enum { OP_DATA = 1, OP_UNMAP = 2 };

struct ring_req {
    uint32_t id;
    uint16_t op;
    uint16_t len;
    uint8_t data[56];
};
struct ring_rsp {
    uint32_t id;
    int16_t status;
    uint16_t len;
    uint32_t sum;
    uint32_t pad;
    uint8_t data[48];
};
_Static_assert(sizeof(struct ring_req) == 64 && sizeof(struct ring_rsp) == 64, "64-byte slots");

XEN_RING_DEFINE(gr, struct ring_req, struct ring_rsp);

struct info {
    uint64_t magic;
    uint32_t ring_ref;
    uint32_t port;
    uint64_t ring_mfn;
    uint32_t nreq;
    uint32_t pad;
};

/* Request id's payload and the response the backend must give. */
static uint16_t req_len(uint32_t id)
{
    return (uint16_t)(1 + (id * 7) % 48);
}
static uint8_t req_byte(uint32_t id, unsigned int j)
{
    return (uint8_t)(id * 31 + j * 7 + 3);
}
static void make_rsp(const struct ring_req *q, struct ring_rsp *r)
{
    uint32_t sum = 0;

    memset(r, 0, sizeof(*r));
    r->id = q->id;
    r->len = q->len;
    for (unsigned int i = 0; i < q->len; i++) {
        r->data[i] = (uint8_t)(q->data[q->len - 1 - i] ^ 0xa5);
        sum = sum * 33 + q->data[i];
    }
    r->sum = sum;
}

/* ------------------------------------------------------------------ frontend */

static uint8_t ring_page[4096] __aligned(4096);
static uint8_t info_page[4096] __aligned(4096);

static void front(void)
{
    struct gr_sring *s = (struct gr_sring *)ring_page;
    struct info *inf = (struct info *)info_page;
    struct gr_front_ring f;
    evtchn_port_t port;
    uint32_t next = 0, done = 0, notifies = 0, waits = 0, bad = 0;
    uint64_t until;

    gt_setup();
    port = evt_offer(peer_id);

    gr_sring_init(s);
    gr_front_init(&f, s, sizeof(ring_page));
    CHECK_EQ(f.nr_ents, 32);
    memset(inf, 0, sizeof(*inf));
    inf->ring_ref = RING_REF;
    inf->port = port;
    inf->ring_mfn = virt_to_mfn(ring_page);
    inf->nreq = NREQ;
    inf->magic = MAGIC;
    grant(RING_REF, peer_id, virt_to_mfn(ring_page), GTF_permit_access);
    grant(INFO_REF, peer_id, virt_to_mfn(info_page), GTF_permit_access | GTF_readonly);
    printf("front: ring ref %u (frame %#lx), info ref %u, port %u offered to d%u\n", RING_REF,
           virt_to_mfn(ring_page), INFO_REF, port, peer_id);

    evt_wait(port, "the backend to map the ring and bind");
    /* The backend holds the ring mapped writable and has unmapped the info page. */
    CHECK_EQ(gflags(RING_REF), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(INFO_REF), GTF_permit_access | GTF_readonly);
    CHECK(!end_access(RING_REF), "ended access to a mapped grant");
    CHECK_EQ(gflags(RING_REF), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ((uint32_t)(gword(RING_REF) >> 32), virt_to_mfn(ring_page));
    CHECK_EQ((domid_t)(gword(RING_REF) >> 16), peer_id);

    until = pvclock_ns() + WAIT_NS;
    while (done < NREQ + 1) {
        uint32_t burst = 1 + (next * 13) % 40, n;
        bool pushed = false;

        while (next <= NREQ && burst-- && !gr_front_full(&f)) {
            struct ring_req *q = gr_front_next_request(&f), r = {0};
            r.id = next;
            r.op = next == NREQ ? OP_UNMAP : OP_DATA;
            r.len = next == NREQ ? 0 : req_len(next);
            for (unsigned int j = 0; j < r.len; j++)
                r.data[j] = req_byte(next, j);
            xen_ring_copy_to_shared(q, &r, sizeof(r));
            next++;
            pushed = true;
        }
        if (pushed && gr_front_push_requests(&f)) {
            token_pass(port);
            notifies++;
        }
        if (gr_front_unconsumed_responses(&f, &n) < 0)
            GIVE_UP("the backend's rsp_prod is implausible");
        if (n == 0 && (next > NREQ || gr_front_full(&f))) {
            /* Nothing to send: ask for a notification, look again, sleep. */
            evtchn_clear_pending(port);
            if (gr_front_final_check_for_responses(&f, &n) < 0)
                GIVE_UP("the backend's rsp_prod is implausible");
            if (n == 0) {
                if (!evt_wait_until(port, until))
                    GIVE_UP("timed out with %u of %u responses", done, NREQ + 1);
                waits++;
                continue;
            }
        }
        while (n--) {
            struct ring_rsp r, want;
            struct ring_req q = {0};
            gr_front_take_response(&f, &r);
            q.id = done;
            q.len = done == NREQ ? 0 : req_len(done);
            for (unsigned int j = 0; j < q.len; j++)
                q.data[j] = req_byte(done, j);
            make_rsp(&q, &want);
            if (memcmp(&r, &want, sizeof(r)) && bad++ < 5)
                test_fail("response %u: id %u len %u sum %#x, expected id %u len %u sum %#x", done,
                          r.id, r.len, r.sum, want.id, want.len, want.sum);
            done++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(done, NREQ + 1);
    CHECK_EQ(xen_ring_read_idx(&s->req_prod), NREQ + 1);
    CHECK_EQ(xen_ring_read_idx(&s->rsp_prod), NREQ + 1);
    printf("front: %u responses checked, %u notifications sent, %u sleeps\n", done, notifies,
           waits);
    CHECK(notifies >= 1 && notifies <= NREQ + 1, "%u notifications", notifies);

    /* The backend unmaps after answering the last request: wait for the flags to clear. */
    uint64_t polls = 0;
    bool ended = false;
    until = pvclock_ns() + WAIT_NS;
    while (!(ended = end_access(RING_REF)) && pvclock_ns() < until) {
        polls++;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    CHECK(ended, "the ring grant still reads %#x after %lu polls", gflags(RING_REF), polls);
    printf("front: ring grant released after %lu polls\n", polls);
    CHECK_EQ(gword(RING_REF), ((uint64_t)virt_to_mfn(ring_page) << 32) | ((uint64_t)peer_id << 16));
    CHECK(end_access(INFO_REF), "info grant still in use: %#x", gflags(INFO_REF));
    CHECK_EQ(gflags(INFO_REF), 0);

    /* Reclaimed: ours again, whatever the backend last wrote stays readable. */
    CHECK_EQ(((struct ring_rsp *)&s->ring[NREQ & 31])->id, NREQ);
    pat_fill(ring_page, 5);
    CHECK_EQ(pat_mismatch(ring_page, 5, 0, 4096, 0), -1);
    CHECK_EQ(evtchn_close(port), 0);
}

/* ------------------------------------------------------------------ backend */

static uint8_t va_info[4096] __aligned(4096);
static uint8_t va_ring[4096] __aligned(4096);

static void back(void)
{
    struct gnttab_map_grant_ref mi, mr;
    struct evtchn_bind_interdomain b = {.remote_dom = peer_id};
    struct gr_back_ring br;
    struct info inf;
    uint64_t v, e, until;
    uint32_t served = 0, notifies = 0, waits = 0, bad = 0, since = 0;
    evtchn_port_t port;
    bool quit = false;
    int16_t st;

    /* Our own pages under both addresses carry patterns: they must survive. */
    pat_fill(va_info, 11);
    pat_fill(va_ring, 12);

    /* The info page, read-only, over our present mapping of va_info. */
    st = map_poll(&mi, INFO_REF, peer_id, (uintptr_t)va_info, GNTMAP_host_map | GNTMAP_readonly,
                  deadline());
    if (st != GNTST_okay)
        GIVE_UP("mapping the info grant: status %d", st);
    e = pt_l1e(va_info);
    CHECK_EQ(e & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW), mi.dev_bus_addr | _PAGE_PRESENT);
    CHECK(e & _PAGE_NX, "grant PTE %#lx is executable", e);
    xen_ring_copy_from_shared(&inf, va_info, sizeof(inf));
    if (inf.magic != MAGIC)
        GIVE_UP("info page magic %#lx", inf.magic);
    printf("back: info via ref %u: ring ref %u frame %#lx, port %u, %u requests\n", INFO_REF,
           inf.ring_ref, inf.ring_mfn, inf.port, inf.nreq);
    CHECK_EQ(inf.ring_ref, RING_REF);
    CHECK_EQ(inf.nreq, NREQ);
    CHECK_EQ(pt_probe_write(va_info, 1), PF_WRITE_P); /* read-only mapping */
    CHECK_EQ(*(volatile uint64_t *)va_info, MAGIC);
    CHECK_EQ(unmap1((uintptr_t)va_info, 0, mi.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(va_info), 0);
    CHECK_EQ(pt_probe_read(va_info, &v), EXINFO(X86_EXC_PF, 0));
    CHECK_EQ(unmap1((uintptr_t)va_info, 0, mi.handle), GNTST_bad_handle);
    CHECK_EQ(remap_page(va_info, PROT_RW), 0);
    CHECK_EQ(pat_mismatch(va_info, 11, 0, 4096, 0), -1);

    /* The ring, writable, at an address we emptied first (as Linux does). */
    CHECK_EQ(unmap_page(va_ring), 0);
    st = map1(&mr, inf.ring_ref, peer_id, (uintptr_t)va_ring, GNTMAP_host_map);
    if (st != GNTST_okay)
        GIVE_UP("mapping the ring grant: status %d", st);
    CHECK_EQ(mr.dev_bus_addr, inf.ring_mfn << 12);
    CHECK_EQ(pt_l1e(va_ring) & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW),
             mr.dev_bus_addr | _PAGE_PRESENT | _PAGE_RW);

    b.remote_port = inf.port;
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b), 0);
    port = b.local_port;
    evtchn_mask(port);
    evtchn_clear_pending(port);
    gr_back_init(&br, (struct gr_sring *)va_ring, sizeof(va_ring));
    CHECK_EQ(br.nr_ents, 32);
    token_pass(port);

    until = pvclock_ns() + WAIT_NS;
    while (!quit) {
        uint32_t n;

        evtchn_clear_pending(port);
        if (gr_back_final_check_for_requests(&br, &n) < 0)
            GIVE_UP("the frontend's req_prod is implausible");
        if (n == 0) {
            if (!evt_wait_until(port, until))
                GIVE_UP("timed out after %u requests", served);
            waits++;
            continue;
        }
        while (n-- && !quit) {
            struct ring_req q;
            struct ring_rsp r;
            bool ok;

            gr_back_take_request(&br, &q);
            ok = q.id == served && q.len <= 48;
            if (ok && served < NREQ) {
                ok = q.op == OP_DATA && q.len == req_len(served);
                for (unsigned int j = 0; ok && j < 56; j++)
                    ok = q.data[j] == (j < q.len ? req_byte(served, j) : 0);
            } else if (ok) {
                ok = q.op == OP_UNMAP && q.len == 0;
            }
            if (!ok && bad++ < 5)
                test_fail("request %u: id %u op %u len %u", served, q.id, q.op, q.len);
            quit = q.op == OP_UNMAP || served >= NREQ;
            make_rsp(&q, &r);
            gr_back_put_response(&br, &r);
            served++;
            /* Publish in groups of 1..5 (always before sleeping or leaving). */
            if (++since >= 1 + served % 5 || n == 0 || quit) {
                since = 0;
                if (gr_back_push_responses(&br)) {
                    token_pass(port);
                    notifies++;
                }
            }
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(served, NREQ + 1);
    printf("back: %u requests served, %u notifications sent, %u sleeps\n", served, notifies, waits);

    /* Unmap: the address empties, the handle dies, our own frame is intact. */
    CHECK_EQ(unmap1((uintptr_t)va_ring, 0, mr.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(va_ring), 0);
    CHECK_EQ(pt_probe_read(va_ring, &v), EXINFO(X86_EXC_PF, 0));
    CHECK_EQ(unmap1((uintptr_t)va_ring, 0, mr.handle), GNTST_bad_handle);
    CHECK_EQ(remap_page(va_ring, PROT_RW), 0);
    CHECK_EQ(pat_mismatch(va_ring, 12, 0, 4096, 0), -1);
}

void test_main(void)
{
    find_ids();
    printf("domain %u, peer %u, %s\n", self_id, peer_id,
           cmdline_has("role=front") ? "frontend" : "backend");
    if (cmdline_has("role=front"))
        front();
    else if (cmdline_has("role=back"))
        back();
    else
        test_error("no role=front|back on the command line");
}
