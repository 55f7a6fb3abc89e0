/*
 * The hypervisor as console backend for boot-module domains. The ring is
 * guest-writable shared memory: the producer index is read once, checked
 * against the ring size, the bytes copied out, and only then is the consumer
 * index moved. A ring with impossible indices is reported once and ignored.
 */
#include <hv/arch.h>
#include <hv/console_ring.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <xen/io/console.h>

struct console_ring {
    struct xencons_interface *ring;
    bool broken;
    unsigned int len;           /* bytes in line, waiting for a newline */
    char line[160];
};

static void flush_line(struct domain *d, struct console_ring *c)
{
    char out[200];
    int n = fmt_snprintf(out, sizeof(out), "(d%u) %.*s\n", d->id, (int)c->len, c->line);

    arch_console_write(out, (size_t)MIN(n, (int)sizeof(out) - 1));
    c->len = 0;
}

void console_ring_drain(struct domain *d)
{
    struct console_ring *c = d->console;
    XENCONS_RING_IDX cons, prod;
    char buf[XENCONS_OUT_SIZE];
    uint32_t n;

    if (!c || c->broken) {
        return;
    }
    cons = c->ring->out_cons;
    prod = __atomic_load_n(&c->ring->out_prod, __ATOMIC_ACQUIRE);
    n = prod - cons;
    if (n > XENCONS_OUT_SIZE) {
        log_warn("console: domain %u's ring has impossible indices (%u/%u); ignored\n", d->id,
                 cons, prod);
        c->broken = true;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        buf[i] = c->ring->out[xencons_mask_out(cons + i)];
    }
    __atomic_store_n(&c->ring->out_cons, prod, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || c->len == sizeof(c->line)) {
            flush_line(d, c);
        }
        if (buf[i] != '\n' && buf[i] != '\r') {
            c->line[c->len++] = buf[i];
        }
    }
}

static void notified(struct domain *d, evtchn_port_t port, void *data)
{
    console_ring_drain(d);
}

int console_ring_attach(struct domain *d, mfn_t ring_mfn, evtchn_port_t *port)
{
    struct console_ring *c = xzalloc(sizeof(*c));
    int rc;

    if (!c) {
        return -ENOMEM;
    }
    c->ring = mfn_to_virt(ring_mfn);
    rc = evtchn_alloc_xen_port(d, notified, NULL, port);
    if (rc) {
        xfree(c);
        return rc;
    }
    d->console = c;
    return 0;
}
