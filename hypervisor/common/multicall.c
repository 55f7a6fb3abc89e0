/*
 * multicall: a batch of hypercalls in one entry. Each entry's result is
 * written back to it; the call itself returns 0 once all ran. A multicall
 * inside a multicall is refused, and an iret ends the batch, because after it
 * the vCPU's state is the one iret restored (XSA-213).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xen/xen.h>

long do_multicall(uint64_t list, uint64_t nr, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    long rc = 0;

    if (v->in_multicall) {
        return -EINVAL;
    }
    v->in_multicall = true;
    nr &= 0xffffffffu;
    for (uint64_t i = 0; i < nr; i++) {
        uint64_t slot = list + i * sizeof(struct multicall_entry);
        struct multicall_entry e;

        if (i) {
            v->in_multicall = false;
            if (hypercall_preempt_check()) {
                return hypercall_continue(__HYPERVISOR_multicall, slot, nr - i, 0, 0, 0);
            }
            v->in_multicall = true;
        }
        if (copy_from_guest(&e, slot, sizeof(e))) {
            rc = -EFAULT;
            break;
        }
        e.result = (uint64_t)hypercall_dispatch(e.op, e.args);
        if (copy_to_guest(slot + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result))) {
            rc = -EFAULT;
            break;
        }
        if (e.op == __HYPERVISOR_iret) {
            rc = (long)e.result;    /* the register state is iret's now */
            break;
        }
        if (current_vcpu()->domain->state != DOMAIN_RUNNING) {
            break;
        }
    }
    v->in_multicall = false;
    return rc;
}
