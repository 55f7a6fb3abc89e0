/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_xen_version(cmd, arg).
 */
#ifndef XENOLITH_XEN_VERSION_H
#define XENOLITH_XEN_VERSION_H

#include "xen.h"
#include "features.h"

/* Returns (major << 16) | minor; arg unused. */
#define XENVER_version 0

/* arg: xen_extraversion_t buffer, e.g. ".0-xenolith". */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN 16

/* arg: struct xen_compile_info. */
#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
XEN_ABI_SIZE(struct xen_compile_info, 144);
XEN_ABI_OFFSET(struct xen_compile_info, compile_by, 64);
XEN_ABI_OFFSET(struct xen_compile_info, compile_domain, 80);
XEN_ABI_OFFSET(struct xen_compile_info, compile_date, 112);

/* arg: xen_capabilities_info_t buffer, space-separated, e.g. "xen-3.0-x86_64". */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN 1024

/* arg: xen_changeset_info_t buffer. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN 64

/* arg: struct xen_platform_parameters: where the hypervisor hole starts. */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
XEN_ABI_SIZE(struct xen_platform_parameters, 8);

/* arg: struct xen_feature_info; IN submap_idx, OUT submap (XENFEAT_* bits). */
#define XENVER_get_features 6
struct xen_feature_info {
    uint32_t submap_idx; /* IN: which 32-bit submap */
    uint32_t submap;     /* OUT: its bits */
};
XEN_ABI_SIZE(struct xen_feature_info, 8);
XEN_ABI_OFFSET(struct xen_feature_info, submap, 4);

/* Returns the page size; arg unused. */
#define XENVER_pagesize 7

/* arg: xen_domain_handle_t buffer (16 bytes). */
#define XENVER_guest_handle 8

/* arg: xen_commandline_t buffer (privileged). */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/* arg: struct xen_varbuf, IN len = buffer bytes, OUT bytes written. */
#define XENVER_build_id      10
#define XENVER_extraversion2 11
#define XENVER_capabilities2 12
#define XENVER_changeset2    13
#define XENVER_commandline2  14
struct xen_varbuf {
    uint32_t len;
    /* followed by len bytes of buffer */
};
XEN_ABI_SIZE(struct xen_varbuf, 4);

#endif /* XENOLITH_XEN_VERSION_H */
