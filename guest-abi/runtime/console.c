/* SPDX-License-Identifier: MIT */
/*
 * Console output. The initial domain writes with HYPERVISOR_console_io
 * (CONSOLEIO_write), straight to the hypervisor's serial line. A domU with a
 * PV console (start_info->console.domU) writes into the ring's "out" half,
 * publishes the producer index after the data, and notifies the backend;
 * when the ring is full it notifies and yields until the backend catches up.
 */
#include <rt/runtime.h>
#include <xen/io/console.h>

static struct xencons_interface *ring_of(void)
{
    if (is_initdomain() || !start_info || !start_info->console.domU.evtchn) {
        return NULL;
    }
    /* VA = PFN << 12 in this runtime's layout (no VIRT_BASE). */
    return (struct xencons_interface *)(mfn_to_pfn(start_info->console.domU.mfn) << 12);
}

static void ring_notify(void)
{
    struct evtchn_send send = { .port = start_info->console.domU.evtchn };
    hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static void ring_write(struct xencons_interface *r, const char *s, size_t len)
{
    while (len) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = r->out_prod;
        size_t room = XENCONS_OUT_SIZE - (prod - cons);

        if (room == 0) {
            ring_notify();
            hypercall_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        while (room && len) {
            r->out[xencons_mask_out(prod++)] = *s++;
            room--;
            len--;
        }
        __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    }
    ring_notify();
}

void console_write(const char *s, size_t len)
{
    struct xencons_interface *r = ring_of();

    if (r) {
        ring_write(r, s, len);
        return;
    }
    while (len) {
        size_t n = len > 1024 ? 1024 : len;
        hypercall_console_io(CONSOLEIO_write, n, s);
        s += n;
        len -= n;
    }
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printf("******************************\n");
    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n******************************\n");
    hypercall_shutdown(SHUTDOWN_crash);
    for (;;)
        hypercall_sched_op(SCHEDOP_block, 0);
}
