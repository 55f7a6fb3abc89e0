/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_xen_version: version, extraversion (NUL padded to 16 bytes),
 * capabilities ("xen-3.0-x86_64"), changeset/compile info NUL padded,
 * platform parameters, get_features (the PV bits Linux requires, none of the
 * HVM/translated ones), pagesize, bad pointers, unknown sub-ops.
 */
#include <rt/runtime.h>

const char test_title[] = "xen_version: sub-ops, padding, features, errors";

/* Every byte after the first NUL is NUL too (no stack leak: XSA-122). */
static bool nul_padded(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    if (len == n)
        return false;
    for (size_t i = len; i < n; i++)
        if (s[i])
            return false;
    return true;
}

void test_main(void)
{
    long v = hypercall_xen_version(XENVER_version, NULL);
    printf("version %ld.%ld\n", v >> 16, v & 0xffff);
    CHECK(v > 0 && (v >> 16) >= 3, "version %#lx", v);
    CHECK_EQ(hypercall_xen_version(XENVER_version, (void *)0x10), v); /* arg unused */

    char extra[XEN_EXTRAVERSION_LEN + 8];
    memset(extra, 0x5a, sizeof(extra));
    CHECK_EQ(hypercall_xen_version(XENVER_extraversion, extra), 0);
    CHECK(nul_padded(extra, XEN_EXTRAVERSION_LEN), "extraversion not NUL padded");
    CHECK_EQ((uint8_t)extra[XEN_EXTRAVERSION_LEN], 0x5a); /* exactly 16 bytes written */
    printf("extraversion \"%s\"\n", extra);

    static char caps[XEN_CAPABILITIES_INFO_LEN];
    CHECK_EQ(hypercall_xen_version(XENVER_capabilities, caps), 0);
    CHECK(nul_padded(caps, sizeof(caps)), "capabilities not NUL padded");
    CHECK(strstr(caps, "xen-3.0-x86_64") != NULL, "capabilities \"%s\"", caps);
    printf("capabilities \"%s\"\n", caps);

    char chg[XEN_CHANGESET_INFO_LEN];
    memset(chg, 0x5a, sizeof(chg));
    CHECK_EQ(hypercall_xen_version(XENVER_changeset, chg), 0);
    CHECK(nul_padded(chg, sizeof(chg)), "changeset not NUL padded");

    struct xen_compile_info ci;
    memset(&ci, 0x5a, sizeof(ci));
    CHECK_EQ(hypercall_xen_version(XENVER_compile_info, &ci), 0);
    CHECK(nul_padded(ci.compiler, sizeof(ci.compiler)) &&
              nul_padded(ci.compile_by, sizeof(ci.compile_by)) &&
              nul_padded(ci.compile_domain, sizeof(ci.compile_domain)) &&
              nul_padded(ci.compile_date, sizeof(ci.compile_date)),
          "compile_info not NUL padded");

    struct xen_platform_parameters pp = {0};
    CHECK_EQ(hypercall_xen_version(XENVER_platform_parameters, &pp), 0);
    CHECK_EQ(pp.virt_start, HYPERVISOR_VIRT_START);

    struct xen_feature_info fi = {.submap_idx = 0, .submap = 0xdeadbeef};
    CHECK_EQ(hypercall_xen_version(XENVER_get_features, &fi), 0);
    printf("features[0] %#x\n", fi.submap);
    CHECK(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad), "no mmu_pt_update_preserve_ad");
    CHECK(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits), "no gnttab_map_avail_bits");
    CHECK(fi.submap & (1u << XENFEAT_dom0), "no dom0 bit for the initial domain");
    CHECK(!(fi.submap & (1u << XENFEAT_auto_translated_physmap)), "auto_translated set for PV");
    CHECK(!(fi.submap & (1u << XENFEAT_supervisor_mode_kernel)), "supervisor_mode_kernel set");
    CHECK(!(fi.submap & (1u << XENFEAT_hvm_callback_vector)), "hvm_callback_vector set for PV");
    CHECK(!(fi.submap & (1u << XENFEAT_writable_page_tables)),
          "writable_page_tables is only reported for translated guests");
    /* Only submap 0 exists: others are -EINVAL (not -ENOSYS). */
    fi.submap_idx = 1;
    CHECK_EQ(hypercall_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
    fi.submap_idx = 0xffffffff;
    CHECK_EQ(hypercall_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);

    /* pagesize takes no buffer: a non-NULL one is -EINVAL. */
    CHECK_EQ(hypercall_xen_version(XENVER_pagesize, NULL), 4096);
    CHECK_EQ(hypercall_xen_version(XENVER_pagesize, &fi), -XEN_EINVAL);

    /* Bad pointers. */
    CHECK_EQ(hypercall_xen_version(XENVER_extraversion, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_xen_version(XENVER_capabilities, (void *)HYPERVISOR_VIRT_START),
             -XEN_EFAULT);
    CHECK_EQ(hypercall_xen_version(XENVER_get_features, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_xen_version(XENVER_platform_parameters, (void *)0x8000000000000000ul),
             -XEN_EFAULT);

    /* Unknown sub-ops. */
    CHECK_EQ(hypercall_xen_version(15, NULL), -XEN_ENOSYS);
    CHECK_EQ(hypercall_xen_version(0x7fffffff, NULL), -XEN_ENOSYS);
    CHECK_EQ(hypercall_xen_version(-1, NULL), -XEN_ENOSYS);
}
