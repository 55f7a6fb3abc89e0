/*
 * console_io: guests writing to (and dom0 reading from) the hypervisor's
 * console. As on Xen, only a privileged domain may use it; others get -EPERM
 * and use their PV console ring. Guest text goes to the console unprefixed
 * for the initial domain, so its lines read as the guest wrote them.
 *
 * Input: the UART is polled every CONSOLE_POLL_NS (no interrupt routing is
 * needed, and under emulation a 100 Hz poll costs nothing measurable); bytes
 * wait in a ring until the initial domain reads them with CONSOLEIO_read,
 * and it is told by VIRQ_CONSOLE, as on Xen. When the ring is full the
 * oldest input is dropped: a slow reader must not stall the hypervisor.
 */
#include <hv/arch.h>
#include <hv/console_io.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <xen/xen.h>

#define CHUNK 128
#define INPUT_SIZE 1024u                 /* a power of two */
#define CONSOLE_POLL_NS 10000000         /* 10 ms */

static char input[INPUT_SIZE];
static uint32_t input_head, input_tail;  /* free-running: head - tail bytes wait */
static struct timer poll_timer;

/* Take what the UART has; tell the initial domain if anything came. */
unsigned int console_input_poll(void)
{
    unsigned int got = 0;
    int c;

    while ((c = arch_console_getc()) >= 0) {
        if (input_head - input_tail == INPUT_SIZE) {
            input_tail++;               /* drop the oldest */
        }
        input[input_head++ % INPUT_SIZE] = (char)c;
        got++;
    }
    if (got) {
        struct domain *d0 = domain_lookup(0);
        if (d0 && (d0->flags & DOMCREATE_INITDOMAIN) && d0->state == DOMAIN_RUNNING) {
            evtchn_send_global_virq(d0, VIRQ_CONSOLE);
        }
    }
    return got;
}

static void poll_tick(struct timer *t, void *data)
{
    (void)data;
    console_input_poll();
    timer_set(arch_timer_queue(), t, now() + CONSOLE_POLL_NS);
}

void console_input_start(void)
{
    timer_init(&poll_timer, poll_tick, NULL);
    timer_set(arch_timer_queue(), &poll_timer, now() + CONSOLE_POLL_NS);
}

static long console_read(uint64_t buf, uint64_t count)
{
    char chunk[CHUNK];
    uint64_t done = 0;

    console_input_poll();   /* what arrived since the last tick */
    while (done < count && input_head != input_tail) {
        size_t n = 0;
        while (n < CHUNK && done + n < count && input_head != input_tail) {
            chunk[n++] = input[input_tail++ % INPUT_SIZE];
        }
        if (copy_to_guest(buf + done, chunk, n)) {
            input_tail -= (uint32_t)n;  /* not consumed: the bytes stay */
            return done ? (long)done : -EFAULT;
        }
        done += n;
    }
    return (long)done;
}

static long console_write(uint64_t buf, uint64_t count)
{
    char chunk[CHUNK];

    while (count) {
        size_t n = count < CHUNK ? (size_t)count : CHUNK;

        if (copy_from_guest(chunk, buf, n)) {
            return -EFAULT;
        }
        arch_console_write(chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;

    if (!is_privileged(d)) {
        return -EPERM;
    }
    count &= 0xffffffffu;   /* the ABI's count is an unsigned int */
    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(buf, count);
    case CONSOLEIO_read:
        if (count > 0x7fffffffu) {
            return -E2BIG;
        }
        return console_read(buf, count);
    default:
        return -ENOSYS;
    }
}
