/* SPDX-License-Identifier: MIT */
/*
 * Two domains started from boot modules ping-pong over an interdomain event
 * channel. Each finds its own domid (alloc_unbound to itself, then status)
 * and its peer's from "peer=N" on its command line. The lower domid offers
 * an unbound port to the peer; the other finds it by trying to bind the
 * peer's ports; then they take turns: send, poll for the answer, 200 times.
 * Also checked on the way: binding a port not offered to us, sending on a
 * closed port, and that closing one end leaves the other unbound.
 */
#include <rt/runtime.h>

const char test_title[] = "evtchn_pingpong: two domains, an interdomain channel, 200 round trips";

#define ROUNDS 200

static unsigned int cmdline_peer(void)
{
    const char *c = (const char *)start_info->cmd_line, *p = strstr(c, "peer=");
    unsigned int v = 0;

    if (!p)
        panic("no peer=N on the command line: '%s'", c);
    for (p += 5; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (unsigned int)(*p - '0');
    return v;
}

static void wait_port(evtchn_port_t port)
{
    struct sched_poll sp = { .nr_ports = 1, .timeout = 0 };

    xen_set_guest_handle(sp.ports, &port);
    while (!evtchn_is_pending(port))
        hypercall_sched_op(SCHEDOP_poll, &sp);
    evtchn_clear_pending(port);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return hypercall_event_channel_op(EVTCHNOP_send, &s);
}

void test_main(void)
{
    domid_t me = evtchn_self_domid(), peer = (domid_t)cmdline_peer();
    evtchn_port_t port = 0;
    bool first = me < peer;

    printf("domain %u, peer %u, %s\n", me, peer, first ? "offering" : "binding");
    CHECK(me != 0 && peer != 0 && me != peer, "domids %u and %u", me, peer);

    if (first) {
        struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = peer };
        struct evtchn_status st = { .dom = DOMID_SELF };

        CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
        port = a.port;
        evtchn_mask(port);
        /* Wait for the peer: once bound it sends on the channel (binding raises only its own end). */
        wait_port(port);
        st.port = port;
        CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_status, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
        CHECK_EQ(st.u.interdomain.dom, peer);
    } else {
        struct evtchn_bind_interdomain b = { .remote_dom = peer };
        long rc = -1;

        /* Hostile first: a port the peer did not offer us (its console port is the hypervisor's). */
        b.remote_port = 1;
        CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
        b.remote_port = 4095;
        CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL);
        /* Find the offered port: try the low ones until the peer has allocated it. */
        for (unsigned int spins = 0; rc && spins < 100000; spins++) {
            for (evtchn_port_t p = 2; p < 8 && rc; p++) {
                b.remote_port = p;
                rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);
            }
            if (rc)
                hypercall_sched_op(SCHEDOP_yield, NULL);
        }
        CHECK_EQ(rc, 0);
        port = b.local_port;
        evtchn_mask(port);
        evtchn_clear_pending(port); /* a new binding starts pending */
        CHECK_EQ(send(port), 0);    /* tell the offerer we are here */
    }

    for (unsigned int i = 0; i < ROUNDS; i++) {
        if (first) {
            CHECK_EQ(send(port), 0);
            wait_port(port);
        } else {
            wait_port(port);
            CHECK_EQ(send(port), 0);
        }
    }
    printf("%u round trips done\n", ROUNDS);

    /*
     * Sends in one direction merge into one pending bit, so the protocol only
     * ever has one message in flight. The offerer's last wait took the final
     * reply: it closes its end, and the peer's end must become unbound.
     */
    if (first) {
        struct evtchn_close c = { .port = port };
        CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_close, &c), 0);
        CHECK_EQ(send(port), -XEN_EINVAL);  /* closed */
        CHECK_EQ(send(4000), -XEN_EINVAL);  /* never allocated */
    } else {
        struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
        for (unsigned int spins = 0; spins < 100000; spins++) {
            CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_status, &st), 0);
            if (st.status == EVTCHNSTAT_unbound)
                break;
            hypercall_sched_op(SCHEDOP_yield, NULL);
        }
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, peer);
        CHECK_EQ(send(port), 0);    /* sending on an unbound port: dropped, not an error */
    }
}
