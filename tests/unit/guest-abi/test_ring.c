/* SPDX-License-Identifier: MIT */
/*
 * CMocka tests of the shared-ring header (guest-abi/include/xen/io/ring.h)
 * and of ABI facts best checked at run time: both ring ends driven in one
 * process, index wrap at 2^32, hostile producer indices, the notification
 * hold-off, and layout spot checks that mirror the static assertions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Every header together in one translation unit: no clashes between them. */
#include "xen/arch-x86_64.h"
#include "xen/callback.h"
#include "xen/elfnote.h"
#include "xen/errno.h"
#include "xen/event_channel.h"
#include "xen/features.h"
#include "xen/grant_table.h"
#include "xen/memory.h"
#include "xen/physdev.h"
#include "xen/sched.h"
#include "xen/types.h"
#include "xen/vcpu.h"
#include "xen/version.h"
#include "xen/xen.h"
#include "xen/io/blkif.h"
#include "xen/io/console.h"
#include "xen/io/netif.h"
#include "xen/io/protocols.h"
#include "xen/io/ring.h"
#include "xen/io/xenbus.h"
#include "xenolith/elf64.h"
#include "xenolith/pv_elf.h"

/* A test ring with easily checked payloads. */
struct t_req {
    uint32_t id;
    uint32_t payload;
};
struct t_rsp {
    uint32_t id;
    int32_t status;
};
XEN_RING_DEFINE(t, struct t_req, struct t_rsp);

#define PAGE 4096

struct pair {
    struct {
        struct t_sring s; /* the start of a one-page shared area */
    } * shared;
    struct t_front_ring f;
    struct t_back_ring b;
};

static void pair_init(struct pair *p, RING_IDX start)
{
    p->shared = calloc(1, PAGE);
    assert_non_null(p->shared);
    t_sring_init(&p->shared->s);
    /* A ring attached at `start`: both shared producer indices stand there. */
    p->shared->s.req_prod = start;
    p->shared->s.rsp_prod = start;
    p->shared->s.req_event = start + 1;
    p->shared->s.rsp_event = start + 1;
    t_front_attach(&p->f, &p->shared->s, PAGE, start);
    t_back_attach(&p->b, &p->shared->s, PAGE, start);
}

static void pair_fini(struct pair *p)
{
    free(p->shared);
}

/* Frontend queues n requests with ids from *next_id. */
static void queue_requests(struct pair *p, unsigned int n, uint32_t *next_id)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        struct t_req *r = t_front_next_request(&p->f);

        assert_non_null(r);
        r->id = (*next_id)++;
        r->payload = r->id * 3u;
    }
    t_front_push_requests(&p->f);
}

/* Backend answers everything pending; returns how many. */
static unsigned int serve(struct pair *p)
{
    unsigned int served = 0;
    uint32_t n;

    assert_int_equal(t_back_unconsumed_requests(&p->b, &n), 0);
    while (n-- > 0) {
        struct t_req req;
        struct t_rsp rsp;

        t_back_take_request(&p->b, &req);
        assert_int_equal(req.payload, req.id * 3u);
        rsp.id = req.id;
        rsp.status = (int32_t)req.id;
        t_back_put_response(&p->b, &rsp);
        served++;
    }
    t_back_push_responses(&p->b);
    return served;
}

/* Frontend consumes every response, checking ids run from *expect_id. */
static unsigned int collect(struct pair *p, uint32_t *expect_id)
{
    unsigned int got = 0;
    uint32_t n;

    assert_int_equal(t_front_unconsumed_responses(&p->f, &n), 0);
    while (n-- > 0) {
        struct t_rsp rsp;

        t_front_take_response(&p->f, &rsp);
        assert_int_equal(rsp.id, *expect_id);
        assert_int_equal(rsp.status, (int32_t)*expect_id);
        (*expect_id)++;
        got++;
    }
    return got;
}

static void test_ring_sizes(void **state)
{
    /* 64-byte header + power-of-two slots. */
    assert_int_equal(t_ring_entries(PAGE), 256);         /* (4096-64)/8 = 504 -> 256 */
    assert_int_equal(blkif_ring_entries(PAGE), 32);      /* 4032/112 = 36 -> 32 */
    assert_int_equal(blkif_ring_entries(4 * PAGE), 128); /* ring-page-order 2 */
    assert_int_equal(netif_tx_ring_entries(PAGE), 256);
    assert_int_equal(netif_rx_ring_entries(PAGE), 256);
    assert_int_equal(xen_ring_entries(63, 8), 0);
    assert_int_equal(xen_ring_entries(64 + 7, 8), 0);
    assert_int_equal(xen_ring_entries(64 + 8, 8), 1);
    assert_int_equal(xen_ring_entries(PAGE, 0), 0);
    assert_int_equal(xen_ring_pow2_floor(UINT64_C(1) << 40), UINT32_C(1) << 31);
    assert_int_equal(XEN_RING_POW2_FLOOR(1000), 512);
    assert_int_equal(XEN_RING_POW2_FLOOR(0), 0);
    assert_int_equal(XEN_RING_POW2_FLOOR(0xffffffffu), 0x80000000u);
    assert_int_equal(offsetof(struct blkif_sring, ring), XEN_RING_HEADER_SIZE);
}

static void test_ring_roundtrip(void **state)
{
    struct pair p;
    uint32_t next = 0, expect = 0;
    uint32_t n;

    pair_init(&p, 0);
    assert_int_equal(p.shared->s.req_event, 1);
    assert_int_equal(t_front_free_requests(&p.f), 256);

    queue_requests(&p, 10, &next);
    assert_int_equal(t_front_free_requests(&p.f), 246);
    assert_int_equal(serve(&p), 10);
    assert_int_equal(collect(&p, &expect), 10);
    assert_int_equal(t_front_free_requests(&p.f), 256);

    /* Fill the ring completely: the 257th request does not fit. */
    queue_requests(&p, 256, &next);
    assert_true(t_front_full(&p.f));
    assert_null(t_front_next_request(&p.f));
    assert_int_equal(serve(&p), 256);
    assert_int_equal(collect(&p, &expect), 256);

    /* Nothing left on either side. */
    assert_int_equal(t_back_final_check_for_requests(&p.b, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(t_front_final_check_for_responses(&p.f, &n), 0);
    assert_int_equal(n, 0);
    pair_fini(&p);
}

static void test_ring_wraps_at_2_32(void **state)
{
    struct pair p;
    uint32_t next = 0, expect = 0;
    unsigned int round;

    /* Start 100 below the wrap and run well past it, with uneven batches. */
    pair_init(&p, UINT32_MAX - 100);
    for (round = 0; round < 50; round++) {
        unsigned int batch = 1 + (round * 37) % 200;

        queue_requests(&p, batch, &next);
        assert_int_equal(serve(&p), batch);
        assert_int_equal(collect(&p, &expect), batch);
        assert_int_equal(t_front_free_requests(&p.f), 256);
    }
    /* The free-running indices did wrap. */
    assert_true(p.f.req_prod_pvt < 0x10000);
    assert_int_equal(p.f.req_prod_pvt, (RING_IDX)(UINT32_MAX - 100 + next));
    assert_int_equal(p.shared->s.req_prod, p.f.req_prod_pvt);
    assert_int_equal(p.b.req_cons, p.f.req_prod_pvt);

    /* A full ring straddling the wrap. */
    queue_requests(&p, 256, &next);
    assert_true(t_front_full(&p.f));
    assert_int_equal(serve(&p), 256);
    assert_int_equal(collect(&p, &expect), 256);
    pair_fini(&p);
}

static void test_ring_hostile_req_prod(void **state)
{
    struct pair p;
    uint32_t next = 0, n = 77;
    struct t_req req;

    pair_init(&p, UINT32_MAX - 3); /* near the wrap, to catch signedness slips */

    /* A frontend claiming more requests than the ring holds. */
    p.shared->s.req_prod = p.b.rsp_prod_pvt + 257;
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), -1);
    assert_int_equal(n, 0);
    assert_int_equal(t_back_final_check_for_requests(&p.b, &n), -1);
    /* Exactly full is plausible. */
    p.shared->s.req_prod = p.b.rsp_prod_pvt + 256;
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), 0);
    assert_int_equal(n, 256);
    /* Maximally hostile: "2^32 - 1 requests". */
    p.shared->s.req_prod = p.b.rsp_prod_pvt - 1;
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), -1);

    /* Consume some, then the frontend moves req_prod backwards. */
    p.shared->s.req_prod = p.b.req_cons;
    queue_requests(&p, 5, &next);
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), 0);
    assert_int_equal(n, 5);
    t_back_take_request(&p.b, &req);
    t_back_take_request(&p.b, &req);
    p.shared->s.req_prod = p.b.req_cons - 1;
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), -1);

    /* Responses outstanding reduce what a frontend may claim: with 2
     * requests taken but not answered, 255 more would overflow the ring. */
    p.shared->s.req_prod = p.b.rsp_prod_pvt + 256;
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), 0);
    assert_int_equal(n, 254);
    pair_fini(&p);
}

static void test_ring_hostile_rsp_prod(void **state)
{
    struct pair p;
    uint32_t next = 0, n;

    pair_init(&p, 0x7ffffffe);
    queue_requests(&p, 3, &next);
    /* A backend claiming responses to requests never made. */
    p.shared->s.rsp_prod = p.f.rsp_cons + 4;
    assert_int_equal(t_front_unconsumed_responses(&p.f, &n), -1);
    assert_int_equal(t_front_final_check_for_responses(&p.f, &n), -1);
    p.shared->s.rsp_prod = p.f.rsp_cons - 1;
    assert_int_equal(t_front_unconsumed_responses(&p.f, &n), -1);
    p.shared->s.rsp_prod = p.f.rsp_cons + 3;
    assert_int_equal(t_front_unconsumed_responses(&p.f, &n), 0);
    assert_int_equal(n, 3);
    pair_fini(&p);
}

static void test_ring_copy_before_use(void **state)
{
    struct pair p;
    uint32_t next = 7, n;
    struct t_req req;
    struct t_rsp rsp = {0xdead, -1};

    pair_init(&p, 0);
    queue_requests(&p, 1, &next);
    assert_int_equal(t_back_unconsumed_requests(&p.b, &n), 0);
    t_back_take_request(&p.b, &req);
    /* The frontend rewrites the slot after the backend took it: the copy stands. */
    p.shared->s.ring[0].req.payload = 0;
    assert_int_equal(req.id, 7);
    assert_int_equal(req.payload, 21);

    /* A response fills its whole struct in the slot. */
    memset(&p.shared->s.ring[0], 0x5a, sizeof(p.shared->s.ring[0]));
    t_back_put_response(&p.b, &rsp);
    assert_int_equal(p.shared->s.ring[0].rsp.id, 0xdead);
    assert_int_equal(p.shared->s.ring[0].rsp.status, -1);
    pair_fini(&p);
}

static void test_ring_notify_holdoff(void **state)
{
    struct pair p;
    uint32_t next = 0, expect = 0, n;
    struct t_req *r;
    struct t_rsp rsp;
    struct t_req req;

    pair_init(&p, UINT32_MAX - 1);
    /* Fresh ring: req_event = start + 1, so the first request notifies. */
    r = t_front_next_request(&p.f);
    r->id = next++;
    r->payload = 0;
    assert_true(t_front_push_requests(&p.f));
    /* The backend has not re-armed: further requests do not notify. */
    r = t_front_next_request(&p.f);
    r->id = next++;
    r->payload = 3;
    assert_false(t_front_push_requests(&p.f));

    /* The backend drains, then re-arms with the final check. */
    assert_int_equal(t_back_final_check_for_requests(&p.b, &n), 0);
    assert_int_equal(n, 2);
    t_back_take_request(&p.b, &req);
    t_back_take_request(&p.b, &req);
    assert_int_equal(t_back_final_check_for_requests(&p.b, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(p.shared->s.req_event, p.b.req_cons + 1);
    /* Now the next request (crossing the wrap) notifies again. */
    queue_requests(&p, 1, &next);
    assert_int_equal(p.shared->s.req_prod, 1); /* wrapped */

    /* Responses: the frontend armed rsp_event at start + 1. */
    rsp.id = 0;
    rsp.status = 0;
    t_back_put_response(&p.b, &rsp);
    assert_true(t_back_push_responses(&p.b));
    rsp.id = 1;
    rsp.status = 1;
    t_back_put_response(&p.b, &rsp);
    assert_false(t_back_push_responses(&p.b));
    assert_int_equal(collect(&p, &expect), 2);
    assert_int_equal(t_front_final_check_for_responses(&p.f, &n), 0);
    assert_int_equal(p.shared->s.rsp_event, p.f.rsp_cons + 1);
    assert_int_equal(xen_ring_need_notify(10, 12, 11), 1);
    assert_int_equal(xen_ring_need_notify(10, 12, 12), 1);
    assert_int_equal(xen_ring_need_notify(10, 12, 13), 0);
    assert_int_equal(xen_ring_need_notify(10, 12, 10), 0);
    assert_int_equal(xen_ring_need_notify(UINT32_MAX, 1, 0), 1);
    pair_fini(&p);
}

/* Runtime mirrors of what guests rely on most (the headers assert all of it). */
static void test_layout_spot_checks(void **state)
{
    struct start_info si;
    struct xen_e820_entry e;

    assert_int_equal(sizeof(struct start_info), 1168);
    assert_int_equal(offsetof(struct start_info, flags), 48);
    assert_int_equal(offsetof(struct start_info, console.domU.evtchn), 80);
    assert_int_equal(offsetof(struct start_info, first_p2m_pfn), 1152);
    assert_int_equal(sizeof(si.cmd_line), MAX_GUEST_CMDLINE);
    assert_int_equal(sizeof(struct shared_info), 3136);
    assert_int_equal(offsetof(struct shared_info, evtchn_mask), 2560);
    assert_int_equal(offsetof(struct shared_info, arch), 3088);
    assert_int_equal(sizeof(struct vcpu_info), 64);
    assert_int_equal(offsetof(struct vcpu_info, time), 32);
    assert_int_equal(sizeof(struct vcpu_time_info), 32);
    assert_int_equal(sizeof(struct iret_context), 72);
    assert_int_equal(sizeof(struct vcpu_guest_context), 5168);
    assert_int_equal(sizeof(struct trap_info), 16);
    assert_int_equal(sizeof(struct mmuext_op), 24);
    assert_int_equal(sizeof(struct gnttab_copy), 40);
    assert_int_equal(sizeof(struct evtchn_status), 24);
    assert_int_equal(sizeof(struct blkif_request), 112);
    assert_int_equal(sizeof(struct xencons_interface), 3092);
    assert_int_equal(sizeof(XEN_GUEST_HANDLE(uint8)), 8);
    assert_int_equal(EVTCHN_2L_NR_CHANNELS, 64 * 64);
    assert_int_equal(__HYPERVISOR_iret, 23);
    assert_int_equal(XEN_ENOSYS, 38);
    assert_int_equal(FLAT_KERNEL_CS, 0xe033);
    assert_int_equal(FLAT_KERNEL_SS, 0xe02b);

    /* E820 entries are 20 bytes, packed back to back. */
    xen_e820_set(&e, UINT64_C(0x123456789000), UINT64_C(0x100000000), XEN_E820_RAM);
    assert_int_equal(xen_e820_addr(&e), UINT64_C(0x123456789000));
    assert_int_equal(xen_e820_size(&e), UINT64_C(0x100000000));
    {
        uint8_t raw[20];
        uint64_t addr;

        memcpy(raw, &e, sizeof(raw));
        memcpy(&addr, raw, 8); /* little-endian: the 64-bit field as Linux reads it */
        assert_int_equal(addr, UINT64_C(0x123456789000));
    }

    /* The console rings mask free-running indices. */
    assert_int_equal(xencons_mask_out(2048 + 5), 5);
    assert_int_equal(xencons_mask_in(UINT32_MAX), 1023);
}

static void test_guest_handles(void **state)
{
    struct gnttab_setup_table st;
    xen_pfn_t frames[4];

    memset(&st, 0, sizeof(st));
    assert_true(xen_guest_handle_is_null(st.frame_list));
    xen_set_guest_handle(st.frame_list, frames);
    assert_int_equal(st.frame_list.p, (uint64_t)(uintptr_t)frames);
    assert_false(xen_guest_handle_is_null(st.frame_list));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_sizes),
        cmocka_unit_test(test_ring_roundtrip),
        cmocka_unit_test(test_ring_wraps_at_2_32),
        cmocka_unit_test(test_ring_hostile_req_prod),
        cmocka_unit_test(test_ring_hostile_rsp_prod),
        cmocka_unit_test(test_ring_copy_before_use),
        cmocka_unit_test(test_ring_notify_holdoff),
        cmocka_unit_test(test_layout_spot_checks),
        cmocka_unit_test(test_guest_handles),
    };

    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
