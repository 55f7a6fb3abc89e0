/* SPDX-License-Identifier: MIT */
/*
 * What a plain domU started from a boot module sees: no SIF_INITDOMAIN or
 * SIF_PRIVILEGED, a PV console ring (its output is this text), console_io
 * refused (-EPERM) as Xen refuses it to unprivileged domains, and privileged
 * event-channel operations on other domains refused. Then it stays alive for
 * a while (sleeping on its timer), so a test can crash a sibling domain
 * meanwhile and see this one carry on.
 */
#include <rt/runtime.h>

const char test_title[] = "domu_basic: an unprivileged domain from a boot module";

void test_main(void)
{
    char msg[] = "must not appear";
    struct evtchn_alloc_unbound a = { .dom = 0, .remote_dom = DOMID_SELF };
    struct evtchn_status st = { .dom = 0, .port = 1 };

    CHECK_EQ(start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
    CHECK(start_info->console.domU.evtchn != 0, "no console event channel");
    CHECK(start_info->console.domU.mfn != 0, "no console ring");
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), -XEN_EPERM);
    {
        /* The toolstack's interface is for the privileged domain only. */
        struct xenolith_domctl op = {.cmd = XL_DOMCTL_PHYS_INFO};
        CHECK_EQ(hypercall_domctl(&op), -XEN_EPERM);
        op.cmd = XL_DOMCTL_DESTROY;
        op.domain = 0;
        CHECK_EQ(hypercall_domctl(&op), -XEN_EPERM);
    }
    /* Domain 0 does not exist here (boot-module domains only): as on Xen the
     * lookup comes before the permission check, so -ESRCH, not -EPERM. */
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a), -XEN_ESRCH);
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_status, &st), -XEN_ESRCH);

    /* Live for ~100 ms of system time, yielding, while siblings do what they do. */
    uint64_t end = pvclock_ns() + 100000000ul;
    while (pvclock_ns() < end)
        hypercall_sched_op(SCHEDOP_yield, NULL);
    printf("still running after 100 ms\n");
}
