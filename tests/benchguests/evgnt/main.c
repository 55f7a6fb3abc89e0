/* SPDX-License-Identifier: MIT */
/*
 * The event-channel and grant-table benchmark guest: figures, never
 * pass/fail on time.  Run by tests/bench/evtchn_gnttab.
 *
 * One PV kernel, booted unchanged as the initial domain of Xenolith and of
 * Xen 4.17.  Each figure is rdtsc cycles per operation: one warm-up pass,
 * then REPS timed passes of `iters` operations; the line gives the median
 * pass and the spread, in the format of the PV benchmark guest:
 *
 *     BENCH <name> cycles=<median> min=<min> max=<max> iters=<ops per pass> reps=<REPS>
 *
 * or "BENCH <name> error=<code>" (a negative errno, or a GNTST_* status,
 * after an "Error:" line saying which) when the operation failed; the result
 * is then ERROR but the other figures are still measured.  Under TCG rdtsc
 * counts host TSC ticks, not guest work: only side-by-side figures mean
 * anything.
 *
 * For reference, in the same boot:
 *   null_hypercall        xen_version(XENVER_version), as the PV benchmark guest's
 *
 * Event channels, on a loopback interdomain channel (port A offered to our
 * own domid, port B bound to it: a send on B raises A):
 *   evtchn_send_masked    EVTCHNOP_send on B while A is masked and already pending
 *   evtchn_send_upcall    EVTCHNOP_send on B with A unmasked and upcalls enabled:
 *                         the upcall is delivered on the way back, the runtime's
 *                         dispatcher clears A and calls a handler, HYPERVISOR_iret
 *   evtchn_loopback_poll  send on B, SCHEDOP_poll on A (masked; pending already, so
 *                         it returns at once), clear A: one single-domain round trip
 *   evtchn_loopback_block upcalls masked, send on B, SCHEDOP_block (which enables
 *                         upcalls and returns since one is pending), the upcall
 *
 * Grants, of 16 frames of our own granted to our own domid (refs 8..23):
 *   gnttab_map_unmap_bN   GNTTABOP_map_grant_ref(GNTMAP_host_map) at N addresses
 *                         in a pinned L1 of ours, then GNTTABOP_unmap_grant_ref of
 *                         them, N per call; cycles per grant (map + unmap)
 *   gnttab_map_bN         map calls alone: the 16 grants mapped N per call (timed),
 *                         then unmapped in one call (not timed)
 *   gnttab_unmap_bN       unmap calls alone: mapped in one call (not timed), unmapped
 *                         N per call (timed)
 *   gnttab_copy_bN        GNTTABOP_copy of 4 KiB from a grant to a frame of ours
 *                         (GNTCOPY_source_gref, dest DOMID_SELF gmfn), N per call;
 *                         cycles per 4 KiB
 *   memcpy_4k_movsq       the same 4 KiB copied in this guest with `rep movsq`
 *   memcpy_4k_movsb       ... with `rep movsb`
 *   memcpy_4k_bytes       ... with the runtime's byte-at-a-time memcpy
 *
 * With "peer=N" on its command line (Xenolith's xenolith.peer=, two domains
 * from boot modules, as tests/qemu/evtchn-pingpong.test) the guest instead
 * measures a true two-domain round trip: the lower domid offers a channel,
 * the other binds it, and the lower one times send + SCHEDOP_poll until the
 * answer is pending (evtchn_pingpong_2dom), the other answering each ping.
 *
 * Running and reporting a figure, the null hypercall, hooking the L1 in and
 * the memcpy loops are shared with tests/benchguests/pv and the floors:
 * ../common/pv.h and bench.h.
 */
#include <xen/grant_table.h>
#include "../common/pv.h"

const char test_title[] = "bench_evgnt: event-channel and grant-table costs (figures, not checks)";

#define NGNT       16u /* grants, granted frames, host-map slots */
#define GREF0      8u  /* the first grant reference used (0-7 are reserved) */
#define MAP_SLOT0  16u /* L1 index of the first host-map address */
#define L1_ENTRIES 512u
#define PTE_FLAGS  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
/* Round trips per timed pass of the two-domain figure: short, so that a host
 * preemption spoils one pass, not the median. */
#define PINGPONG_N 32u

/* Error codes of our own for a figure whose result was wrong (not a hypercall rc). */
#define ERR_NOT_PENDING (-1001) /* the port was not pending after the send */
#define ERR_UPCALLS     (-1002) /* not one upcall per send */
#define ERR_COPY_DATA   (-1003) /* the copied page does not hold the granted data */

/* Grant map/unmap figures: which calls are timed (their struct bench variant). */
enum { PART_BOTH, PART_MAP, PART_UNMAP };

/* ------------------------------------------------------------ event channels */

static domid_t me;
static evtchn_port_t port_a, port_b; /* loopback: a send on B raises A */
static volatile uint64_t hits;       /* upcalls seen on port A */

static void on_port_a(uint32_t port, struct cpu_regs *regs)
{
    hits++;
}

static inline long send(evtchn_port_t p)
{
    struct evtchn_send s = {.port = p};
    return hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static inline long poll1(evtchn_port_t *p)
{
    struct sched_poll sp = {.nr_ports = 1, .timeout = 0};
    xen_set_guest_handle(sp.ports, p);
    return hypercall_sched_op(SCHEDOP_poll, &sp);
}

static void unmask_local(evtchn_port_t p)
{
    __atomic_fetch_and(&shared_info.evtchn_mask[p / 64], ~(UINT64_C(1) << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

static long evtchn_setup(void)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = me};
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc) {
        printf("Error: EVTCHNOP_alloc_unbound(remote %u): %ld\n", me, rc);
        return rc;
    }
    port_a = a.port;
    evtchn_mask(port_a);
    struct evtchn_bind_interdomain b = {.remote_dom = me, .remote_port = port_a};
    rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (rc) {
        printf("Error: EVTCHNOP_bind_interdomain(%u, port %u): %ld\n", me, port_a, rc);
        return rc;
    }
    port_b = b.local_port;
    evtchn_mask(port_b);
    evtchn_clear_pending(port_b); /* a new binding starts pending */
    evtchn_clear_pending(port_a);
    if (port_a >= 64 || port_b >= 64) {
        printf("Error: ports %u/%u beyond the runtime's 64\n", port_a, port_b);
        return -XEN_EINVAL;
    }
    evtchn_set_handler(port_a, on_port_a);
    printf("evtchn: domain %u, loopback ports A=%u B=%u\n", me, port_a, port_b);
    return 0;
}

static uint64_t b_send_masked(const struct bench *b, uint64_t n, long *err)
{
    long bad = 0;

    evtchn_mask(port_a);
    if (!evtchn_is_pending(port_a))
        bad = send(port_b);
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        long rc = send(port_b);
        if (rc && !bad)
            bad = rc;
    }
    uint64_t t = rdtsc() - t0;
    if (!bad && !evtchn_is_pending(port_a)) {
        printf("Error: port A not pending after the sends\n");
        bad = ERR_NOT_PENDING;
    }
    *err = bad;
    return t;
}

static uint64_t b_send_upcall(const struct bench *b, uint64_t n, long *err)
{
    long bad = 0;

    evtchn_clear_pending(port_a);
    unmask_local(port_a);
    uint64_t h0 = hits;
    events_unmask();
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        long rc = send(port_b); /* the upcall arrives on the way back */
        if (rc && !bad)
            bad = rc;
    }
    uint64_t t = rdtsc() - t0;
    events_mask();
    evtchn_mask(port_a);
    if (!bad && hits - h0 != n) {
        printf("Error: %lu upcalls for %lu sends\n", hits - h0, n);
        bad = ERR_UPCALLS;
    }
    *err = bad;
    return t;
}

static uint64_t b_loopback_poll(const struct bench *b, uint64_t n, long *err)
{
    evtchn_port_t pa = port_a;
    long bad = 0;

    evtchn_mask(port_a);
    evtchn_clear_pending(port_a);
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        long rc = send(port_b);
        do {
            long r2 = poll1(&pa);
            rc = rc ? rc : r2;
        } while (!rc && !evtchn_is_pending(port_a));
        evtchn_clear_pending(port_a);
        if (rc && !bad)
            bad = rc;
        if (bad)
            break;
    }
    uint64_t t = rdtsc() - t0;
    *err = bad;
    return t;
}

static uint64_t b_loopback_block(const struct bench *b, uint64_t n, long *err)
{
    long bad = 0;

    evtchn_clear_pending(port_a);
    unmask_local(port_a);
    uint64_t h0 = hits;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        events_mask(); /* the upcall's iret left them enabled (as SCHEDOP_block did) */
        long rc = send(port_b);
        if (!rc)
            rc = hypercall_block(); /* enables upcalls; one is pending: no sleep */
        if (rc) {
            bad = rc;
            break;
        }
    }
    uint64_t t = rdtsc() - t0;
    events_mask();
    evtchn_mask(port_a);
    if (!bad && hits - h0 != n) {
        printf("Error: %lu upcalls for %lu send+block\n", hits - h0, n);
        bad = ERR_UPCALLS;
    }
    *err = bad;
    return t;
}

/* ------------------------------------------------------------ grant tables */

static uint64_t l1_page[L1_ENTRIES] __aligned(4096);
static uint8_t granted[NGNT][4096] __aligned(4096);
static uint8_t copy_dst[NGNT][4096] __aligned(4096);
static volatile struct grant_entry_v1 *gnttab; /* our grant table, mapped at L1 slot 0 */
static uint64_t bench_va;                      /* the 2 MiB l1_page maps */
static struct gnttab_map_grant_ref map_op[NGNT];
static struct gnttab_unmap_grant_ref unmap_op[NGNT];
static struct gnttab_copy copy_op[NGNT];

static inline long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

static uint64_t slot_va(unsigned int slot)
{
    return bench_va + (uint64_t)slot * PAGE_SIZE;
}

static long grant_setup(void)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    long rc;

    /* An empty L1 of ours, read-only, pinned and hooked into the kernel's L2. */
    if ((rc = pv_bench_l1_hook(l1_page, &bench_va)))
        return rc;
    xen_set_guest_handle(st.frame_list, &frame);
    rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status) {
        printf("Error: GNTTABOP_setup_table: rc %ld status %d\n", rc, st.status);
        return rc ? rc : st.status;
    }
    rc = hypercall_update_va_mapping(slot_va(0), (frame << 12) | PTE_FLAGS, UVMF_INVLPG);
    if (rc) {
        printf("Error: mapping grant frame %#lx: %ld\n", (unsigned long)frame, rc);
        return rc;
    }
    gnttab = (volatile struct grant_entry_v1 *)slot_va(0);

    for (unsigned int i = 0; i < NGNT; i++) {
        for (unsigned int j = 0; j < 4096; j += 8)
            *(uint64_t *)&granted[i][j] = ((uint64_t)i << 56) | j | 0x6a000000u;
        gnttab[GREF0 + i].domid = me;
        gnttab[GREF0 + i].frame = (uint32_t)virt_to_mfn(granted[i]);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        gnttab[GREF0 + i].flags = GTF_permit_access;

        map_op[i] = (struct gnttab_map_grant_ref){
            .host_addr = slot_va(MAP_SLOT0 + i),
            .flags = GNTMAP_host_map,
            .ref = GREF0 + i,
            .dom = me,
        };
        unmap_op[i] = (struct gnttab_unmap_grant_ref){.host_addr = slot_va(MAP_SLOT0 + i)};
        copy_op[i] = (struct gnttab_copy){
            .source = {.u.ref = GREF0 + i, .domid = me},
            .dest = {.u.gmfn = virt_to_mfn(copy_dst[i]), .domid = DOMID_SELF},
            .len = 4096,
            .flags = GNTCOPY_source_gref,
        };
    }
    printf("gnttab: frame %#lx at %#lx, refs %u-%u to domain %u, host maps at %#lx\n",
           (unsigned long)frame, slot_va(0), GREF0, GREF0 + NGNT - 1, me, slot_va(MAP_SLOT0));
    return 0;
}

/* Map grants [first, first + batch) in one call: its rdtsc cycles; a failure sets *err. */
static uint64_t map_batch(unsigned int first, unsigned int batch, long *err)
{
    uint64_t t0 = rdtsc();
    long rc = gnttab_op(GNTTABOP_map_grant_ref, &map_op[first], batch);
    uint64_t t = rdtsc() - t0;

    for (unsigned int i = first; i < first + batch; i++) {
        if (!rc && map_op[i].status != GNTST_okay)
            rc = map_op[i].status;
        unmap_op[i].handle = map_op[i].handle;
    }
    if (rc && !*err)
        *err = rc;
    return t;
}

static uint64_t unmap_batch(unsigned int first, unsigned int batch, long *err)
{
    uint64_t t0 = rdtsc();
    long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &unmap_op[first], batch);
    uint64_t t = rdtsc() - t0;

    for (unsigned int i = first; i < first + batch && !rc; i++)
        rc = unmap_op[i].status;
    if (rc && !*err)
        *err = rc;
    return t;
}

/*
 * PART_BOTH: map batch grants, unmap them, repeat; the whole loop is timed.
 * PART_MAP: map the 16 grants `batch` per call (timed), then unmap all 16 in
 * one call (not timed); PART_UNMAP the other way round.  So a timed call of
 * one kind follows calls of its own kind, and what an unmap leaves behind (a
 * hypervisor that flushes the whole TLB on unmap makes the next call refill
 * it) is charged to unmaps, not to the maps that follow them.
 */
static uint64_t b_map_unmap(const struct bench *b, uint64_t n, long *err)
{
    uint64_t t = 0;

    if (b->variant == PART_BOTH) {
        uint64_t t0 = rdtsc();
        for (uint64_t k = 0; k < n && !*err; k += b->batch) {
            unsigned int first = (unsigned int)(k % NGNT);
            map_batch(first, b->batch, err);
            if (!*err)
                unmap_batch(first, b->batch, err);
        }
        return rdtsc() - t0;
    }
    for (uint64_t k = 0; k < n && !*err; k += NGNT) {
        if (b->variant == PART_MAP) {
            for (unsigned int i = 0; i < NGNT && !*err; i += b->batch)
                t += map_batch(i, b->batch, err);
            if (!*err)
                unmap_batch(0, NGNT, err);
        } else {
            map_batch(0, NGNT, err);
            for (unsigned int i = 0; i < NGNT && !*err; i += b->batch)
                t += unmap_batch(i, b->batch, err);
        }
    }
    return t;
}

/* One map through the grant, checked by reading it, then unmapped. */
static long map_check(void)
{
    long err = 0;

    gnttab_op(GNTTABOP_map_grant_ref, &map_op[3], 1);
    if (map_op[3].status != GNTST_okay) {
        printf("Error: GNTTABOP_map_grant_ref(host_map, ref %u of domain %u): status %d\n",
               map_op[3].ref, me, map_op[3].status);
        return map_op[3].status;
    }
    uint64_t got = *(volatile uint64_t *)(slot_va(MAP_SLOT0 + 3) + 64);
    uint64_t want = *(uint64_t *)&granted[3][64];
    unmap_op[3].handle = map_op[3].handle;
    long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &unmap_op[3], 1);
    if (rc || unmap_op[3].status) {
        printf("Error: GNTTABOP_unmap_grant_ref: rc %ld status %d\n", rc, unmap_op[3].status);
        err = rc ? rc : unmap_op[3].status;
    }
    if (got != want) {
        printf("Error: the host mapping reads %#lx, the granted frame holds %#lx\n", got, want);
        test_fail("host mapping of a grant reads the wrong data");
    }
    if (gnttab[GREF0 + 3].flags & (GTF_reading | GTF_writing)) {
        printf("Error: grant flags %#x after the unmap\n", gnttab[GREF0 + 3].flags);
        test_fail("GTF_reading/writing left set after the unmap");
    }
    return err;
}

static uint64_t b_copy(const struct bench *b, uint64_t n, long *err)
{
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k += b->batch) {
        unsigned int first = (unsigned int)(k % NGNT);
        long rc = gnttab_op(GNTTABOP_copy, &copy_op[first], b->batch);
        for (unsigned int i = first; i < first + b->batch && !rc; i++)
            rc = copy_op[i].status;
        if (rc) {
            *err = rc;
            break;
        }
    }
    uint64_t t = rdtsc() - t0;
    if (!*err) {
        for (unsigned int i = 0; i < NGNT; i++) {
            if (memcmp(copy_dst[i], granted[i], 4096)) {
                printf("Error: copy %u does not hold the granted data\n", i);
                *err = ERR_COPY_DATA;
                break;
            }
        }
        memset(copy_dst, 0, sizeof(copy_dst)); /* the next pass must copy again */
    }
    return t;
}

/* ------------------------------------------------------------ two domains */

static unsigned int cmdline_peer(bool *found)
{
    const char *p = strstr((const char *)start_info->cmd_line, "peer=");
    unsigned int v = 0;

    *found = p != NULL;
    if (!p)
        return 0;
    for (p += 5; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (unsigned int)(*p - '0');
    return v;
}

static void wait_port(evtchn_port_t *port)
{
    while (!evtchn_is_pending(*port))
        poll1(port);
    evtchn_clear_pending(*port);
}

static void pingpong(domid_t peer)
{
    evtchn_port_t port = 0;
    bool first = me < peer;
    unsigned int rounds = (REPS + 1) * PINGPONG_N;

    printf("pingpong: domain %u, peer %u, %s\n", me, peer, first ? "timing" : "answering");
    if (first) {
        struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = peer};
        if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a)) {
            test_error("EVTCHNOP_alloc_unbound to %u failed", peer);
            return;
        }
        port = a.port;
        evtchn_mask(port);
        wait_port(&port); /* the peer has bound it (a binding raises our end) */
    } else {
        struct evtchn_bind_interdomain bi = {.remote_dom = peer};
        long rc = -1;
        for (unsigned int spins = 0; rc && spins < 100000; spins++) {
            for (evtchn_port_t p = 2; p < 8 && rc; p++) {
                bi.remote_port = p;
                rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
            }
            if (rc)
                hypercall_yield();
        }
        if (rc) {
            test_error("no port of domain %u could be bound: %ld", peer, rc);
            return;
        }
        port = bi.local_port;
        evtchn_mask(port);
        evtchn_clear_pending(port);
        send(port); /* here we are */
    }

    if (first) {
        uint64_t per10[REPS];
        for (unsigned int r = 0; r <= REPS; r++) {
            uint64_t t0 = rdtsc();
            for (unsigned int i = 0; i < PINGPONG_N; i++) {
                send(port);
                wait_port(&port);
            }
            if (r > 0) /* pass 0 is the warm-up */
                per10[r - 1] = (rdtsc() - t0) * 10 / PINGPONG_N;
        }
        bench_report("evtchn_pingpong_2dom", per10, PINGPONG_N);
    } else {
        for (unsigned int i = 0; i < rounds; i++) {
            wait_port(&port);
            send(port);
        }
    }
    if (test_status == TEST_RUNNING)
        test_success();
}

/* ------------------------------------------------------------ the run */

static const struct bench evtchn_benches[] = {
    {"null_hypercall", pv_bench_null_hypercall, 2000, 1, 0},
    {"evtchn_send_masked", b_send_masked, 2000, 1, 0},
    {"evtchn_send_upcall", b_send_upcall, 1000, 1, 0},
    {"evtchn_loopback_poll", b_loopback_poll, 1000, 1, 0},
    {"evtchn_loopback_block", b_loopback_block, 1000, 1, 0},
};

static const struct bench grant_map_benches[] = {
    {"gnttab_map_unmap_b1", b_map_unmap, 256, 1, PART_BOTH},
    {"gnttab_map_unmap_b16", b_map_unmap, 256, 16, PART_BOTH},
    {"gnttab_map_b1", b_map_unmap, 256, 1, PART_MAP},
    {"gnttab_map_b16", b_map_unmap, 256, 16, PART_MAP},
    {"gnttab_unmap_b1", b_map_unmap, 256, 1, PART_UNMAP},
    {"gnttab_unmap_b16", b_map_unmap, 256, 16, PART_UNMAP},
};

static const struct bench copy_benches[] = {
    {"gnttab_copy_b1", b_copy, 64, 1, 0},        {"gnttab_copy_b16", b_copy, 64, 16, 0},
    {"memcpy_4k_movsq", bench_memcpy, 64, 1, 0}, {"memcpy_4k_movsb", bench_memcpy, 64, 1, 1},
    {"memcpy_4k_bytes", bench_memcpy, 64, 1, 2},
};

void test_main(void)
{
    long ver = hypercall_xen_version(XENVER_version, NULL);
    bool has_peer;
    unsigned int peer = cmdline_peer(&has_peer);

    printf("BENCH-INFO hypervisor %ld.%ld\n", ver >> 16, ver & 0xffff);
    events_mask();
    me = evtchn_self_domid();
    if (has_peer) {
        pingpong((domid_t)peer);
        return;
    }

    long erc = evtchn_setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(evtchn_benches); i++) {
        if (erc)
            pv_bench_error(evtchn_benches[i].name, erc);
        else
            pv_bench_run(&evtchn_benches[i]);
    }

    long grc = grant_setup();
    if (grc) {
        for (unsigned int i = 0; i < ARRAY_SIZE(grant_map_benches); i++)
            pv_bench_error(grant_map_benches[i].name, grc);
        for (unsigned int i = 0; i < 2; i++)
            pv_bench_error(copy_benches[i].name, grc);
    } else {
        long rc = map_check();
        if (rc) {
            for (unsigned int i = 0; i < ARRAY_SIZE(grant_map_benches); i++)
                pv_bench_error(grant_map_benches[i].name, rc);
        } else {
            for (unsigned int i = 0; i < ARRAY_SIZE(grant_map_benches); i++)
                pv_bench_run(&grant_map_benches[i]);
        }
        for (unsigned int i = 0; i < 2; i++)
            pv_bench_run(&copy_benches[i]);
    }
    bench_memcpy_setup();
    for (unsigned int i = 2; i < ARRAY_SIZE(copy_benches); i++)
        pv_bench_run(&copy_benches[i]);
    if (test_status == TEST_RUNNING)
        test_success();
}
