/* Guest memory access: range checks here, fault recovery in usercopy.asm. */
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <asm/layout.h>

size_t raw_copy_guest(void *dst, const void *src, size_t len);

bool guest_range_ok(uint64_t gva, size_t len)
{
    uint64_t end = gva + len;

    if (end < gva) {
        return false;
    }
    /* Lower canonical half, or the upper half above the hypervisor's hole. */
    if (end <= 0x0000800000000000ull) {
        return true;
    }
    return gva >= HYPERVISOR_VIRT_END;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len)) {
        return -EFAULT;
    }
    return raw_copy_guest(dst, (const void *)gva, len) ? -EFAULT : 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (!guest_range_ok(gva, len)) {
        return -EFAULT;
    }
    return raw_copy_guest((void *)gva, src, len) ? -EFAULT : 0;
}
