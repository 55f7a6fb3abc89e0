/* SPDX-License-Identifier: MIT */
/*
 * Console input for the initial domain (run by tests/qemu/console-input.test,
 * which types two lines on the serial console): VIRQ_CONSOLE tells us input
 * is waiting, CONSOLEIO_read hands it over in order and in pieces of the
 * size we ask, and returns 0 once the ring is empty. Refusals: a count above
 * INT_MAX (-E2BIG), a buffer we cannot write (-EFAULT, input kept).
 */
#include <rt/runtime.h>

const char test_title[] = "console_input: CONSOLEIO_read and VIRQ_CONSOLE";

static const char want[] = "hello xenolith\nsecond line\n";
static char got[sizeof(want) + 16];

/* Up to 50 ms for the port: input that came before we bound it raised no event. */
static void wait_port(evtchn_port_t port)
{
    struct sched_poll sp = {.nr_ports = 1, .timeout = pvclock_ns() + 50000000ul};

    xen_set_guest_handle(sp.ports, &port);
    hypercall_sched_op(SCHEDOP_poll, &sp);
}

void test_main(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_CONSOLE, .vcpu = 0};
    size_t have = 0;
    long n;

    if (!is_initdomain()) {
        test_skip("needs the initial domain");
        return;
    }
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_read, 0x80000000ul, got), -XEN_E2BIG);
    for (int rounds = 0; rounds < 200 && have < sizeof(want) - 1; rounds++) {
        if (rounds)
            wait_port(bv.port);
        evtchn_clear_pending(bv.port);
        if (rounds == 0) {
            /* A buffer the hypervisor cannot write: refused, and nothing is lost. */
            CHECK_EQ(hypercall_console_io(CONSOLEIO_read, 4, (void *)0x10), -XEN_EFAULT);
        }
        /* Small pieces: 5 bytes at a time. */
        while ((n = hypercall_console_io(CONSOLEIO_read, 5, got + have)) > 0) {
            CHECK(n <= 5, "read %ld bytes for 5", n);
            have += (size_t)n;
            if (have >= sizeof(got) - 5)
                break;
        }
        CHECK(n >= 0, "read: %ld", n);
    }
    got[have] = 0;
    printf("read %zu bytes: '%s'\n", have, got);
    CHECK_EQ(have, sizeof(want) - 1);
    CHECK(!memcmp(got, want, sizeof(want) - 1), "the typed text in order");
    CHECK_EQ(hypercall_console_io(CONSOLEIO_read, 5, got), 0);
    test_success();
}
