/* SPDX-License-Identifier: MIT */
/*
 * A minimal xenstore client on the ring page start_info names (one request
 * at a time, no watches): enough for startinfo to check that dom0's
 * xenstore serves its ring and applies permissions.
 */
#include <rt/runtime.h>
#include <xen/io/xs_wire.h>
#include "xenbus.h"

#define WAIT_NS 2000000000ul

static struct xenstore_domain_interface *intf(void)
{
    return (struct xenstore_domain_interface *)(mfn_to_pfn(start_info->store_mfn) << 12);
}

static void notify(void)
{
    struct evtchn_send s = {.port = start_info->store_evtchn};
    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static bool write_req(const void *data, size_t len, uint64_t deadline)
{
    struct xenstore_domain_interface *r = intf();
    const char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = r->req_prod;
        if (prod - cons >= XENSTORE_RING_SIZE) {
            notify();
            if (pvclock_ns() > deadline) {
                return false;
            }
            hypercall_yield();
            continue;
        }
        r->req[MASK_XENSTORE_IDX(prod)] = *p++;
        len--;
        __atomic_store_n(&r->req_prod, prod + 1, __ATOMIC_RELEASE);
    }
    return true;
}

static bool read_rsp(void *data, size_t len, uint64_t deadline)
{
    struct xenstore_domain_interface *r = intf();
    char *p = data;

    while (len) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = r->rsp_cons;
        if (prod == cons) {
            if (pvclock_ns() > deadline) {
                return false;
            }
            hypercall_yield();
            continue;
        }
        *p++ = r->rsp[MASK_XENSTORE_IDX(cons)];
        len--;
        __atomic_store_n(&r->rsp_cons, cons + 1, __ATOMIC_RELEASE);
    }
    notify();
    return true;
}

long xenbus_request(uint32_t type, const char *a, const char *b, char *out, size_t outlen)
{
    static uint32_t req_id;
    uint64_t deadline = pvclock_ns() + WAIT_NS;
    size_t alen = strlen(a) + (b || type != XS_WRITE ? 1 : 0), blen = b ? strlen(b) : 0;
    struct xsd_sockmsg h = {.type = type, .req_id = ++req_id, .len = (uint32_t)(alen + blen)};
    char payload[XENSTORE_PAYLOAD_MAX];

    if (!write_req(&h, sizeof(h), deadline) || !write_req(a, alen, deadline) ||
        (b && !write_req(b, blen, deadline))) {
        return -XEN_ETIMEDOUT;
    }
    notify();
    if (!read_rsp(&h, sizeof(h), deadline) || h.len > sizeof(payload) ||
        !read_rsp(payload, h.len, deadline)) {
        return -XEN_ETIMEDOUT;
    }
    if (h.req_id != req_id) {
        return -XEN_EIO;
    }
    if (h.type == XS_ERROR) {
        if (!strncmp(payload, "EACCES", h.len)) {
            return -XEN_EACCES;
        }
        if (!strncmp(payload, "ENOENT", h.len)) {
            return -XEN_ENOENT;
        }
        return -XEN_EINVAL;
    }
    size_t n = h.len < outlen ? h.len : outlen - 1;
    memcpy(out, payload, n);
    out[n] = '\0';
    return (long)n;
}
