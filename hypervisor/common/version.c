/*
 * xen_version: what the hypervisor is and offers. Xenolith implements the
 * Xen 4.17 PV ABI and reports itself as such, so guests take the same paths
 * they take on Xen 4.17; the extra version names us. Every string buffer is
 * written whole and NUL padded, so nothing of the stack leaks (XSA-122).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/main.h>
#include <hv/params.h>
#include <xen/features.h>
#include <xen/version.h>

#define XEN_ABI_MAJOR 4
#define XEN_ABI_MINOR 17


static long copy_padded(uint64_t arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy_hv(buf, s, size);
    return copy_to_guest(arg, buf, size);
}

static uint32_t feature_submap(const struct domain *d, uint32_t idx)
{
    uint32_t m;

    (void)idx;
    m = (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_highmem_assist) |
        (1u << XENFEAT_gnttab_map_avail_bits);
    if (d->flags & DOMCREATE_INITDOMAIN) {
        m |= 1u << XENFEAT_dom0;
    }
    if (d->vm_assist & (1u << 3)) {     /* VMASST_TYPE_pae_extended_cr3 */
        m |= 1u << XENFEAT_pae_pgdir_above_4gb;
    }
    return m;
}

long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;

    switch (cmd) {
    case XENVER_version:
        return (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;
    case XENVER_extraversion:
        return copy_padded(arg, "-xenolith", XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info: {
        struct xen_compile_info ci;
        memset(&ci, 0, sizeof(ci));
        strlcpy_hv(ci.compiler, "gcc", sizeof(ci.compiler));
        strlcpy_hv(ci.compile_by, "xenolith", sizeof(ci.compile_by));
        strlcpy_hv(ci.compile_domain, "xenolith", sizeof(ci.compile_domain));
        strlcpy_hv(ci.compile_date, __DATE__, sizeof(ci.compile_date));
        return copy_to_guest(arg, &ci, sizeof(ci));
    }
    case XENVER_capabilities:
        return copy_padded(arg, "xen-3.0-x86_64", XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset:
        return copy_padded(arg, "xenolith " XENOLITH_VERSION, XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = 0xffff800000000000ull };
        return copy_to_guest(arg, &p, sizeof(p));
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(&fi, arg, sizeof(fi))) {
            return -EFAULT;
        }
        if (fi.submap_idx != 0) {
            return -EINVAL;     /* only submap 0 exists */
        }
        fi.submap = feature_submap(d, fi.submap_idx);
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return arg ? -EINVAL : (long)PAGE_SIZE;     /* it takes no buffer */
    case XENVER_guest_handle: {
        uint8_t handle[16] = { 0 };
        return copy_to_guest(arg, handle, sizeof(handle));
    }
    case XENVER_commandline:
        if (!is_privileged(d)) {
            return -EPERM;
        }
        return copy_padded(arg, hv_cmdline(), 1024);
    case XENVER_build_id:
        return -ENODATA;
    default:
        return -ENOSYS;
    }
}
