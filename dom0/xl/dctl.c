/* SPDX-License-Identifier: MIT */
/* Wrappers of HYPERVISOR_domctl (dom0/dctl.h). */
#include <rt/runtime.h>
#include <dom0/dctl.h>

int dctl_call(struct xenolith_domctl *op)
{
    return (int)hypercall_domctl(op);
}

static int simple(uint32_t cmd, domid_t dom)
{
    struct xenolith_domctl op = {.cmd = cmd, .domain = dom};
    return dctl_call(&op);
}

int dctl_info(domid_t dom, bool next, struct xl_domctl_info *out)
{
    struct xenolith_domctl op = {.cmd = XL_DOMCTL_GET_INFO,
                                 .domain = (domid_t)(next ? (XL_INFO_NEXT | dom) : dom)};
    int rc = dctl_call(&op);
    if (!rc) {
        *out = op.u.info;
    }
    return rc;
}

int dctl_phys_info(struct xl_domctl_phys_info *out)
{
    struct xenolith_domctl op = {.cmd = XL_DOMCTL_PHYS_INFO};
    int rc = dctl_call(&op);
    if (!rc) {
        *out = op.u.phys_info;
    }
    return rc;
}

int dctl_pause(domid_t dom)
{
    return simple(XL_DOMCTL_PAUSE, dom);
}

int dctl_unpause(domid_t dom)
{
    return simple(XL_DOMCTL_UNPAUSE, dom);
}

int dctl_destroy(domid_t dom)
{
    return simple(XL_DOMCTL_DESTROY, dom);
}

int dctl_shutdown(domid_t dom, uint32_t reason)
{
    struct xenolith_domctl op = {.cmd = XL_DOMCTL_SHUTDOWN, .domain = dom};
    op.u.shutdown.reason = reason;
    return dctl_call(&op);
}

int dctl_read_log(uint64_t offset, char *buf, uint64_t size, uint64_t *got, uint64_t *next)
{
    struct xenolith_domctl op = {.cmd = XL_DOMCTL_READ_LOG};
    op.u.read_log.offset = offset;
    op.u.read_log.size = size;
    xen_set_guest_handle(op.u.read_log.buf, buf);
    int rc = dctl_call(&op);
    if (!rc) {
        *got = op.u.read_log.size;
        *next = op.u.read_log.next;
    }
    return rc;
}
