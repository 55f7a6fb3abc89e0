/*
 * The PV domain builder (dom0/toolstack/builder.c): from a 64-bit PV kernel
 * ELF, an optional initrd and a command line, it builds a paused domain laid
 * out exactly as the hypervisor lays out its initial domain
 * (xenolith/pv_layout.h, one implementation for both):
 *
 *   CREATE (paused), POPULATE, GET_INFO (shared_info frame), GET_FRAMES
 *   (written straight into the guest's p2m area), load the kernel, the
 *   initrd, fill the hypercall page, zero the xenstore and console ring
 *   pages and allocate their event channels (unbound, for the backends in
 *   dom0 to bind), write start_info and the bootstrap page tables, unmap
 *   everything, SET_VCPU_CONTEXT (vCPU 0 at the kernel's entry).
 *
 * The domain is left paused: the caller introduces it to xenstore, attaches
 * the console and then UNPAUSEs it. Frames from POPULATE must come zeroed
 * (as the hypervisor's own builder zeroes them): the builder zeroes what the
 * ABI gives a meaning to (start_info's page, the rings, the page tables, the
 * stack, the kernel's bss), not the padding between areas. On any failure
 * after CREATE the domain is destroyed and the error says which step failed
 * and why.
 *
 * The builder makes no hypercall itself: the caller passes its operations in
 * struct builder_ops (dom0 wires the real hypercalls, unit tests a fake
 * hypervisor). It keeps its large scratch state (a vcpu_guest_context, the
 * kernel's ELF description) in static storage: one build at a time.
 */
#ifndef DOM0_BUILDER_H
#define DOM0_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <xenolith/domctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of frames the builder asks map() for in one call. */
#define BUILDER_MAP_MAX 2048
/* Largest domain the builder handles: its p2m is mapped in one map() call. */
#define BUILDER_MAX_PAGES ((uint64_t)BUILDER_MAP_MAX * 512) /* 4 GiB */

struct builder_ops {
    void *ctx; /* passed back to every operation */
    /* HYPERVISOR_domctl. The builder fills cmd, interface_version and
     * domain (0 for CREATE); returns 0 or a negative XEN_E* value. */
    int (*domctl)(void *ctx, struct xenolith_domctl *op);
    /* Map n (1..BUILDER_MAP_MAX) frames of domain dom, writable, at
     * consecutive virtual addresses of the caller; NULL on failure. */
    void *(*map)(void *ctx, domid_t dom, const uint64_t *mfns, size_t n);
    /* Undo one map() (va and n as it returned and was given). Every mapping
     * is gone before SET_VCPU_CONTEXT, which turns some of the frames into
     * page tables. */
    void (*unmap)(void *ctx, void *va, size_t n);
    /* EVTCHNOP_alloc_unbound: a port of domain dom that domain remote may
     * bind. Returns 0 or a negative XEN_E* value. */
    int (*evtchn_alloc_unbound)(void *ctx, domid_t dom, domid_t remote, uint32_t *port);
    /* Progress lines (no newline); may be NULL. */
    void (*log)(void *ctx, const char *msg);
};

struct builder_request {
    const char *name;   /* 1..31 characters, unique among live domains */
    uint64_t nr_pages;  /* memory at start, in 4 KiB pages */
    uint64_t max_pages; /* memory limit; 0: nr_pages */
    uint32_t vcpus;     /* 0: 1 */
    const void *kernel; /* the PV kernel ELF image */
    size_t kernel_len;
    const void *initrd; /* NULL/0: none */
    size_t initrd_len;
    const char *cmdline;   /* NULL: empty; at most 1023 characters */
    domid_t console_domid; /* the domain serving the console ring (0: dom0) */
    domid_t store_domid;   /* the domain running xenstored (0: dom0) */
};

struct builder_result {
    domid_t domid;
    uint64_t nr_pages;
    uint64_t console_mfn;  /* the ring pages, zeroed, as start_info gives them */
    uint32_t console_port; /* ports of the new domain, unbound, for the backends */
    uint64_t store_mfn;
    uint32_t store_port;
    uint64_t shared_info_mfn;
    uint64_t entry;          /* the kernel's entry point */
    uint64_t v_start, v_end; /* the bootstrap region (pv_layout) */
};

static inline uint64_t builder_mib_to_pages(uint64_t mib)
{
    return mib << 8;
}

/*
 * Build the domain. Returns 0 with *out filled (out may be NULL; it is left
 * untouched on failure), or a negative XEN_E* value
 * with a one-line reason in err (when errlen > 0): -XEN_EINVAL for a bad
 * request, -XEN_ENOEXEC for a kernel that is not a usable PV kernel,
 * -XEN_ENOMEM / -XEN_E2BIG when the kernel, initrd and tables do not fit the
 * memory or the layout's 1 GiB, -XEN_EBUSY if a build is already under way,
 * or the error of the operation that failed.
 */
int builder_create(const struct builder_ops *ops, const struct builder_request *req,
                   struct builder_result *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* DOM0_BUILDER_H */
