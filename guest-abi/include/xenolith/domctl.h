/*
 * Xenolith's privileged control interface: what the service domain's
 * toolstack asks of the hypervisor (build, run, inspect and end domains,
 * read the hypervisor log). Our own interface, not Xen's domctl/sysctl: it
 * uses Xen's hypercall number for domctl (36), but a request whose
 * interface_version is not XENOLITH_DOMCTL_VERSION is refused with -EACCES,
 * as Xen refuses a toolstack built for another version, so a real Xen
 * toolstack fails cleanly here. docs/domctl.md describes each operation.
 *
 * HYPERVISOR_domctl(struct xenolith_domctl *op): returns 0 or a negative
 * errno (guest-abi xen/errno.h); results are written back into *op. Every
 * operation requires a privileged caller (-EPERM otherwise).
 *
 * Building a domain with it: CREATE, then POPULATE its memory, GET_FRAMES
 * for the pseudo-physical -> machine list, map those frames with mmu_update
 * (foreigndom = the new domain) to write the kernel, start_info, p2m and page
 * tables, SET_VCPU_CONTEXT (the L4 in ctrlreg[3] is pinned and validated
 * as the guest's), then UNPAUSE.
 */
#ifndef XENOLITH_DOMCTL_H
#define XENOLITH_DOMCTL_H

#include "../xen/xen.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XENOLITH_DOMCTL_VERSION 0x584c0001u  /* "XL", version 1 */

#define XL_DOMCTL_CREATE           1  /* in: create; out: domain = new domid */
#define XL_DOMCTL_DESTROY          2  /* domain: any state; frames, ports, grants reclaimed */
#define XL_DOMCTL_PAUSE            3  /* stop its vCPUs (nested: counted) */
#define XL_DOMCTL_UNPAUSE          4  /* undo one PAUSE (and the initial pause of CREATE) */
#define XL_DOMCTL_SHUTDOWN         5  /* in: shutdown.reason (SHUTDOWN_*): as if it asked */
#define XL_DOMCTL_SET_MAX_MEM      6  /* in: max_mem.max_pages */
#define XL_DOMCTL_POPULATE         7  /* in: populate.nr_pages more frames; out: .done */
#define XL_DOMCTL_GET_FRAMES       8  /* in/out: frames (pfn order: allocation order) */
#define XL_DOMCTL_SET_VCPU_CONTEXT 9  /* in: vcpu_context (before the first UNPAUSE) */
#define XL_DOMCTL_GET_INFO         10 /* in: domain; out: info. See XL_INFO_NEXT */
#define XL_DOMCTL_READ_LOG         11 /* in/out: read_log (hypervisor log ring) */
#define XL_DOMCTL_PHYS_INFO        12 /* out: phys_info */
#define XL_DOMCTL_HYPERCALL_PAGE   13 /* in: hypercall_page.mfn, one of the domain's frames */

/* create.flags */
#define XL_CREATE_PRIVILEGED (1u << 0)  /* reserved: refused with -EINVAL for now */

struct xl_domctl_create {
    uint32_t flags;
    uint32_t max_vcpus;        /* 1 for now; 0 means 1 */
    uint64_t max_pages;        /* memory limit (pages); POPULATE stops there */
    char name[32];             /* NUL-terminated, unique among live domains */
};

struct xl_domctl_shutdown {
    uint32_t reason;           /* SHUTDOWN_poweroff, _reboot, _crash, ... */
    uint32_t pad;
};

struct xl_domctl_max_mem {
    uint64_t max_pages;
};

/*
 * Frames are added zeroed, numbered from the domain's current count (pfn
 * order), up to max_pages. One call adds at most XL_POPULATE_BATCH frames
 * (it returns 0 with done < nr_pages): call again for the rest, so a large
 * domain never holds the CPU for long. -ENOMEM (done = what was added) when
 * memory or the limit runs out.
 */
#define XL_POPULATE_BATCH 16384u       /* 64 MiB */
struct xl_domctl_populate {
    uint64_t nr_pages;         /* in: frames to add */
    uint64_t done;             /* out: frames added by this call */
};

struct xl_domctl_frames {
    uint64_t start;            /* in: first pfn wanted */
    uint64_t nr;               /* in: room in list; out: entries written */
    XEN_GUEST_HANDLE(uint64) list;   /* out: machine frame numbers */
};

struct xl_domctl_vcpu_context {
    uint32_t vcpu;             /* 0 for now */
    uint32_t pad;
    XEN_GUEST_HANDLE(void) ctxt;    /* in: struct vcpu_guest_context */
};

/* info.flags */
#define XL_INFO_RUNNING    (1u << 0)  /* a vCPU is on a CPU now */
#define XL_INFO_BLOCKED    (1u << 1)  /* every vCPU waits for an event */
#define XL_INFO_PAUSED     (1u << 2)
#define XL_INFO_SHUTDOWN   (1u << 3)  /* shut down or crashed: see shutdown_reason */
#define XL_INFO_DYING      (1u << 4)
#define XL_INFO_PRIVILEGED (1u << 5)
/* GET_INFO with domain = XL_INFO_NEXT | d: the first domain with id >= d. */
#define XL_INFO_NEXT 0x8000u

struct xl_domctl_info {
    uint16_t domid;            /* out: the domain described */
    uint16_t pad;
    uint32_t flags;            /* XL_INFO_* */
    uint32_t shutdown_reason;  /* valid with XL_INFO_SHUTDOWN */
    uint32_t nr_vcpus;
    uint64_t tot_pages;        /* frames it holds */
    uint64_t max_pages;
    uint64_t shared_info_frame; /* machine frame of its shared_info */
    uint64_t cpu_time_ns;      /* run time of all its vCPUs */
    char name[32];
    /* Hypervisor system time (ns since boot) of its creation and of the first
     * instruction it ran (0: not yet), for measuring domain start-up. */
    uint64_t created_ns;
    uint64_t first_run_ns;
    uint64_t now_ns;           /* the system time of this answer */
};

struct xl_domctl_read_log {
    uint64_t offset;           /* in: log position to read from (0: oldest kept) */
    uint64_t size;             /* in: buffer size; out: bytes written */
    uint64_t next;             /* out: the position after the last byte written */
    XEN_GUEST_HANDLE(char) buf;
};

/* Fill the domain's frame with the hypercall stubs (the ELF's HYPERCALL_PAGE note). */
struct xl_domctl_hypercall_page {
    uint64_t mfn;
};

struct xl_domctl_phys_info {
    uint32_t nr_cpus;
    uint32_t cpu_khz;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t nr_domains;
    uint64_t hypervisor_version; /* XENOLITH_DOMCTL_VERSION of the running hypervisor */
};

struct xenolith_domctl {
    uint32_t cmd;              /* XL_DOMCTL_* */
    uint32_t interface_version; /* XENOLITH_DOMCTL_VERSION */
    domid_t domain;            /* the target (ignored by READ_LOG and PHYS_INFO) */
    uint16_t pad[3];
    union {
        struct xl_domctl_create create;
        struct xl_domctl_shutdown shutdown;
        struct xl_domctl_max_mem max_mem;
        struct xl_domctl_populate populate;
        struct xl_domctl_frames frames;
        struct xl_domctl_vcpu_context vcpu_context;
        struct xl_domctl_info info;
        struct xl_domctl_read_log read_log;
        struct xl_domctl_phys_info phys_info;
        struct xl_domctl_hypercall_page hypercall_page;
        uint8_t pad[128];
    } u;
};
XEN_ABI_SIZE(struct xenolith_domctl, 144);
XEN_ABI_OFFSET(struct xenolith_domctl, u, 16);
XEN_ABI_SIZE(struct xl_domctl_info, 104);

#ifdef __cplusplus
}
#endif

#endif /* XENOLITH_DOMCTL_H */
