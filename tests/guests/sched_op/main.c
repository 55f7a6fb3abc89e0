/* SPDX-License-Identifier: MIT */
/*
 * sched_op: yield, poll argument checks, unknown sub-ops, bad pointers, and
 * shutdown reasons: SCHEDOP_shutdown_code records a reason that wins over
 * the one given to the later SCHEDOP_shutdown.  This guest reports SUCCESS,
 * then shuts down with SHUTDOWN_poweroff; the recorded SHUTDOWN_crash must
 * be what the hypervisor acts on (guest.cfg: shutdown: crash).
 */
#include <rt/runtime.h>

const char test_title[] = "sched_op: yield, poll errors, shutdown_code wins over shutdown";

void test_main(void)
{
    uint32_t ports[2] = {1, 2};
    struct sched_poll poll = {.nr_ports = 1, .timeout = 1};
    struct sched_shutdown sd = {.reason = SHUTDOWN_crash};

    CHECK_EQ(hypercall_yield(), 0);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_yield, (void *)0x10), 0); /* arg unused */

    CHECK_EQ(hypercall_sched_op(99, NULL), -XEN_ENOSYS);
    CHECK_EQ(hypercall_sched_op(-1, NULL), -XEN_ENOSYS);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_shutdown, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_shutdown, (void *)HYPERVISOR_VIRT_START), -XEN_EFAULT);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_shutdown_code, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_poll, (void *)0x10), -XEN_EFAULT);

    /* Poll: at most 128 ports, the port list must be addressable. */
    xen_set_guest_handle(poll.ports, ports);
    poll.nr_ports = 129;
    CHECK_EQ(hypercall_sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL);
    poll.nr_ports = 1;
    xen_set_guest_handle(poll.ports, (void *)HYPERVISOR_VIRT_START);
    CHECK_EQ(hypercall_sched_op(SCHEDOP_poll, &poll), -XEN_EFAULT);

    /* Record the reason now; the runtime's SCHEDOP_shutdown(poweroff) at the
     * end then acts as a crash. */
    CHECK_EQ(hypercall_sched_op(SCHEDOP_shutdown_code, &sd), 0);
    sd.reason = SHUTDOWN_reboot; /* only the first recorded code counts */
    CHECK_EQ(hypercall_sched_op(SCHEDOP_shutdown_code, &sd), 0);
    test_shutdown_reason = SHUTDOWN_poweroff;
}
