/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the gntring_* test guests: two or three domains started
 * from boot modules (tests/qemu/gnttab-*.test) that share pages through
 * their grant tables.  This directory has no main.c, so it is not a guest;
 * each guest includes this header once.
 *
 * Finding each other without a toolstack or xenstore:
 *  - our own domid: an unbound event channel offered to ourselves names it;
 *  - the peer's: "peer=N" on our command line (xenolith.peer=NAME on the
 *    module); the role: "role=NAME";
 *  - grant references are fixed by each test (the granter writes them, the
 *    other side polls until the map or copy succeeds, within a deadline);
 *  - event channels: one side offers an unbound port to the other, which
 *    finds it by trying to bind the offerer's low ports.
 *
 * Every wait is bounded (WAIT_NS of system time); a timeout is a FAILURE and
 * ends the test, so a broken peer cannot hang the run.
 *
 * Our domid, the grant table (its first frame: gt_setup()), entries and the
 * one-operation map / unmap / copy come from ../gnttab_common/gnttab.h, as
 * for the single-domain gnttab_* guests; this header adds what only several
 * domains need: the peer, event channels, bounded waits, polled maps and a
 * data pattern.
 *
 * Frames the guest owns are reached at VA = PFN << 12 (the runtime's layout).
 */
#ifndef GNTRING_H
#define GNTRING_H

/* One grant-table frame is enough for the references these tests use. */
#define GT_FRAMES 1
#include "../gnttab_common/gnttab.h"

#define MS_NS   UINT64_C(1000000)
#define WAIT_NS (20000 * MS_NS) /* the longest any step waits for a peer */

static domid_t peer_id GT_UNUSED;

/* A step that cannot go on: FAILURE, result line, shutdown. */
#define GIVE_UP(...)                                                                               \
    do {                                                                                           \
        test_fail(__VA_ARGS__);                                                                    \
        test_finish();                                                                             \
    } while (0)

static inline uint64_t deadline(void)
{
    return pvclock_ns() + WAIT_NS;
}

/* --- who we are ----------------------------------------------------------- */

/* The number after "key=" on the command line, or `dflt`. */
static inline unsigned int cmdline_num(const char *key, unsigned int dflt)
{
    const char *p = strstr((const char *)start_info->cmd_line, key);
    unsigned int v = 0;

    if (!p)
        return dflt;
    p += strlen(key);
    if (*p < '0' || *p > '9')
        return dflt;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (unsigned int)(*p - '0');
    return v;
}

/* True if "word" appears on the command line as a whole word. */
static inline bool cmdline_has(const char *word)
{
    const char *c = (const char *)start_info->cmd_line, *p = c;
    size_t n = strlen(word);

    while ((p = strstr(p, word))) {
        if ((p == c || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
        p += n;
    }
    return false;
}

/* self_id and peer_id; an ERROR result without a peer. */
static inline void find_ids(void)
{
    self_id = evtchn_self_domid();
    peer_id = (domid_t)cmdline_num("peer=", 0);
    if (!peer_id || peer_id == self_id || self_id == 0) {
        test_error("domid %u, peer %u: run this guest through its tests/qemu/gnttab-*.test",
                   self_id, peer_id);
        test_finish();
    }
}

/* --- event channels ------------------------------------------------------- */

static inline long evt_send(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_send, &s);
}

/* Wait until `port` is pending (then clear it), or until `until`: false. */
static inline bool evt_wait_until(evtchn_port_t port, uint64_t until)
{
    struct sched_poll sp = {.nr_ports = 1, .timeout = until};

    xen_set_guest_handle(sp.ports, &port);
    while (!evtchn_is_pending(port)) {
        if (pvclock_ns() >= until)
            return false;
        hypercall_sched_op(SCHEDOP_poll, &sp);
    }
    evtchn_clear_pending(port);
    return true;
}

/* Wait for an event or give up (FAILURE) after WAIT_NS. */
static inline void evt_wait(evtchn_port_t port, const char *what)
{
    if (!evt_wait_until(port, deadline()))
        GIVE_UP("timed out waiting for %s (port %u)", what, port);
}

/* Offer an unbound port to `remote`; the port (masked: we poll it). */
static inline evtchn_port_t evt_offer(domid_t remote)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc)
        GIVE_UP("alloc_unbound for d%u: %ld", remote, rc);
    evtchn_mask(a.port);
    return a.port;
}

/*
 * Bind to the port `remote` offered us: try its low ports until one binds
 * (ports not offered to us are refused), within WAIT_NS.  0 on timeout.
 */
static inline evtchn_port_t evt_find_and_bind(domid_t remote, uint64_t until)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote};

    for (;;) {
        for (evtchn_port_t p = 1; p < 16; p++) {
            b.remote_port = p;
            if (hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b) == 0) {
                evtchn_mask(b.local_port);
                evtchn_clear_pending(b.local_port); /* a new binding starts pending */
                return b.local_port;
            }
        }
        if (pvclock_ns() >= until)
            return 0;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

/*
 * Token passing over one channel: the holder works, then passes the token
 * with one send and waits for it to come back.  Both ends strictly
 * alternate, so no two sends ever merge into one pending bit.
 */
static inline void token_pass(evtchn_port_t port)
{
    long rc = evt_send(port);
    if (rc)
        GIVE_UP("send on port %u: %ld", port, rc);
}

/* --- maps that wait for the granter --------------------------------------- */

/* map1, retried until it succeeds or `until` passes (the granter may not
 * have written the entry yet); the last status. */
static inline int16_t map_poll(struct gnttab_map_grant_ref *m, grant_ref_t ref, domid_t dom,
                               uint64_t host_addr, uint32_t flags, uint64_t until)
{
    int16_t st;

    while ((st = map1(m, ref, dom, host_addr, flags)) != GNTST_okay && pvclock_ns() < until)
        hypercall_sched_op(SCHEDOP_yield, NULL);
    return st;
}

/* --- a data pattern ------------------------------------------------------- */

/* A deterministic pattern: qword i of a page seeded with `seed`. */
static inline uint64_t pat(uint64_t seed, unsigned int i)
{
    uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull + i * 0x100000001b3ull;
    return x ^ (x >> 29);
}
static inline void pat_fill(volatile void *page, uint64_t seed)
{
    for (unsigned int i = 0; i < 512; i++)
        ((volatile uint64_t *)page)[i] = pat(seed, i);
}
/* Byte b of the pattern. */
static inline uint8_t pat_byte(uint64_t seed, unsigned int b)
{
    return (uint8_t)(pat(seed, b / 8) >> (8 * (b % 8)));
}
/* Index of the first byte in [from, to) that differs from the pattern
 * shifted by `shift` bytes (byte i holds pattern byte i + shift), or -1. */
static inline int pat_mismatch(const volatile void *page, uint64_t seed, unsigned int from,
                               unsigned int to, int shift)
{
    for (unsigned int i = from; i < to; i++)
        if (((const volatile uint8_t *)page)[i] != pat_byte(seed, (unsigned int)((int)i + shift)))
            return (int)i;
    return -1;
}

#endif /* GNTRING_H */
