/*
 * physdev_op: the guest's virtual I/O privilege level. Device interrupts
 * (PIRQs) and the rest of the family come with device passthrough to dom0.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xen/physdev.h>
#include <asm/pv.h>

long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl s;
        if (copy_from_guest(&s, arg, sizeof(s))) {
            return -EFAULT;
        }
        if (s.iopl > 3) {
            return -EINVAL;
        }
        v->arch.iopl = s.iopl;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}
