/*
 * The PV domain builder (see dom0/builder.h).
 *
 * Guest memory is reached through the caller's map(): the guest's own p2m
 * area stays mapped for the whole build (it holds the pfn -> mfn list the
 * other steps need, and GET_FRAMES writes it there directly, so dom0 needs
 * no buffer the size of the domain), and everything else goes through one
 * window of up to 512 frames, moved as the writes move. Writes are nearly
 * sequential (kernel, initrd, rings, start_info, tables), so the window is
 * remapped a handful of times per domain.
 */
#include <dom0/builder.h>

#include <rt/missing.h>
#include <xen/xen.h>
#include <xenolith/pv_elf.h>
#include <xenolith/pv_layout.h>

#include "ts_lib.h"

#define PAGE_SIZE   4096ull
#define WIN_PAGES   512u
#define MFN_LIMIT   (1ull << 40) /* a PTE holds address bits 12..51 */
#define EFLAGS_IF   (1ull << 9)
#define EFLAGS_MBS  (1ull << 1)   /* reads as one */
#define DR6_DEFAULT 0xffff0ff0ull /* the architectural reset values */
#define DR7_DEFAULT 0x400ull

struct build {
    const struct builder_ops *ops;
    const struct builder_request *req;
    char *err;
    size_t errlen;
    bool failed;  /* err holds the first failure */
    int first_rc; /* and this its code */
    domid_t domid;
    bool created;
    uint64_t nr_pages;
    struct pv_layout l;
    uint64_t region_pages; /* (v_end - v_start) / PAGE_SIZE */
    uint64_t p2m_pfn;      /* first frame of the p2m area */
    size_t p2m_frames;
    uint64_t *p2m; /* the guest's p2m area, mapped */
    uint8_t *win;  /* the window: pfns [win_pfn, win_pfn + win_n) */
    uint64_t win_pfn;
    size_t win_n;
};

/* Too large for a small kernel stack; one build runs at a time. */
static struct {
    bool busy;
    struct pv_elf_info elf;
    struct vcpu_guest_context ctxt;
    uint64_t frames[BUILDER_MAP_MAX];
    uint8_t page[PAGE_SIZE];
} scratch;

static const char *errno_name(int rc)
{
    switch (-rc) {
    case XEN_EPERM:
        return "EPERM";
    case XEN_ENOENT:
        return "ENOENT";
    case XEN_ESRCH:
        return "ESRCH";
    case XEN_EIO:
        return "EIO";
    case XEN_E2BIG:
        return "E2BIG";
    case XEN_ENOEXEC:
        return "ENOEXEC";
    case XEN_ENOMEM:
        return "ENOMEM";
    case XEN_EACCES:
        return "EACCES";
    case XEN_EFAULT:
        return "EFAULT";
    case XEN_EBUSY:
        return "EBUSY";
    case XEN_EEXIST:
        return "EEXIST";
    case XEN_EINVAL:
        return "EINVAL";
    case XEN_ENOSPC:
        return "ENOSPC";
    case XEN_ERANGE:
        return "ERANGE";
    case XEN_ENOSYS:
        return "ENOSYS";
    case XEN_EOVERFLOW:
        return "EOVERFLOW";
    case XEN_EOPNOTSUPP:
        return "EOPNOTSUPP";
    default:
        return "error";
    }
}

/* Record the first failure in err and return its code; a later failure (a
 * step reporting that its callback failed) returns the first one's code. */
static int __attribute__((format(printf, 3, 4))) fail(struct build *b, int rc, const char *fmt, ...)
{
    va_list ap;

    if (b->failed) {
        return b->first_rc; /* a callback failed first and said why */
    }
    if (b->err && b->errlen) {
        va_start(ap, fmt);
        vsnprintf(b->err, b->errlen, fmt, ap);
        va_end(ap);
    }
    b->failed = true;
    b->first_rc = rc;
    return rc;
}

static void __attribute__((format(printf, 2, 3))) build_log(struct build *b, const char *fmt, ...)
{
    char line[200];
    va_list ap;

    if (!b->ops->log) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    b->ops->log(b->ops->ctx, line);
}

static int domctl(struct build *b, uint32_t cmd, struct xenolith_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XENOLITH_DOMCTL_VERSION;
    op->domain = b->domid;
    return b->ops->domctl(b->ops->ctx, op);
}

/* ---------------------------------------------------------------------------
 * Guest memory.
 */
static void window_drop(struct build *b)
{
    if (b->win) {
        b->ops->unmap(b->ops->ctx, b->win, b->win_n);
        b->win = NULL;
    }
}

/* The dom0 address of bootstrap-region frame pfn, moving the window there. */
static int window_page(struct build *b, uint64_t pfn, uint8_t **page)
{
    uint64_t first;

    if (pfn >= b->region_pages) {
        return fail(b, -XEN_ERANGE, "internal: frame %llu outside the bootstrap region",
                    (unsigned long long)pfn);
    }
    if (!b->win || pfn < b->win_pfn || pfn >= b->win_pfn + b->win_n) {
        window_drop(b);
        first = pfn & ~(uint64_t)(WIN_PAGES - 1);
        b->win_n =
            (size_t)(b->region_pages - first < WIN_PAGES ? b->region_pages - first : WIN_PAGES);
        b->win = b->ops->map(b->ops->ctx, b->domid, &b->p2m[first], b->win_n);
        if (!b->win) {
            return fail(b, -XEN_ENOMEM, "mapping %zu frames of domain %u (pfn %llu) failed",
                        b->win_n, b->domid, (unsigned long long)first);
        }
        b->win_pfn = first;
    }
    *page = b->win + (pfn - b->win_pfn) * PAGE_SIZE;
    return 0;
}

/* Copy len bytes from src (zeros if src is NULL) to guest address va. */
static int guest_write(struct build *b, uint64_t va, const void *src, uint64_t len)
{
    const struct pv_layout *l = &b->l;
    int rc;

    if (va < l->v_start || va > l->v_end || len > l->v_end - va) {
        return fail(b, -XEN_ERANGE, "internal: write of %llu bytes at %#llx outside %#llx-%#llx",
                    (unsigned long long)len, (unsigned long long)va, (unsigned long long)l->v_start,
                    (unsigned long long)l->v_end);
    }
    while (len) {
        uint64_t off = va & (PAGE_SIZE - 1);
        uint64_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;
        uint8_t *page = NULL;

        rc = window_page(b, pv_layout_va_to_pfn(l, va), &page);
        if (rc) {
            return rc;
        }
        if (src) {
            memcpy(page + off, src, (size_t)n);
            src = (const uint8_t *)src + n;
        } else {
            memset(page + off, 0, (size_t)n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

static int elf_write(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    return guest_write(ctx, va, src, len) ? -1 : 0;
}

static uint64_t p2m_lookup(void *ctx, uint64_t pfn)
{
    return ((struct build *)ctx)->p2m[pfn];
}

static int pte_write(void *ctx, uint64_t table_pfn, unsigned int index, uint64_t pte)
{
    struct build *b = ctx;

    return guest_write(b, b->l.v_start + table_pfn * PAGE_SIZE + index * 8ull, &pte, 8);
}

static uint64_t mfn_of(const struct build *b, uint64_t va)
{
    return b->p2m[pv_layout_va_to_pfn(&b->l, va)];
}

/* ---------------------------------------------------------------------------
 * Steps.
 */
static int check_request(struct build *b)
{
    const struct builder_ops *ops = b->ops;
    const struct builder_request *req = b->req;
    size_t n;

    if (!ops || !ops->domctl || !ops->map || !ops->unmap || !ops->evtchn_alloc_unbound) {
        return fail(b, -XEN_EINVAL, "builder: an operation is missing from builder_ops");
    }
    if (!req) {
        return fail(b, -XEN_EINVAL, "builder: no request");
    }
    n = req->name ? strnlen(req->name, sizeof(((struct xl_domctl_create *)0)->name)) : 0;
    if (n == 0 || n >= sizeof(((struct xl_domctl_create *)0)->name)) {
        return fail(b, -XEN_EINVAL, "builder: the domain name must have 1 to 31 characters");
    }
    if (!req->kernel || !req->kernel_len) {
        return fail(b, -XEN_EINVAL, "%s: no kernel image", req->name);
    }
    if (req->initrd_len && !req->initrd) {
        return fail(b, -XEN_EINVAL, "%s: initrd length without an initrd", req->name);
    }
    if (req->nr_pages == 0 || req->nr_pages > BUILDER_MAX_PAGES) {
        return fail(b, -XEN_EINVAL, "%s: memory of %llu pages is outside 1..%llu", req->name,
                    (unsigned long long)req->nr_pages, (unsigned long long)BUILDER_MAX_PAGES);
    }
    if (req->max_pages && req->max_pages < req->nr_pages) {
        return fail(b, -XEN_EINVAL, "%s: memory limit (%llu pages) below the memory (%llu pages)",
                    req->name, (unsigned long long)req->max_pages,
                    (unsigned long long)req->nr_pages);
    }
    if (req->cmdline && strnlen(req->cmdline, MAX_GUEST_CMDLINE) >= MAX_GUEST_CMDLINE) {
        return fail(b, -XEN_EINVAL, "%s: kernel command line longer than %u bytes", req->name,
                    MAX_GUEST_CMDLINE - 1);
    }
    b->nr_pages = req->nr_pages;
    return 0;
}

/* Read the kernel and lay the domain out: everything that can fail before
 * the domain exists. */
static int plan(struct build *b)
{
    const struct builder_request *req = b->req;
    struct pv_elf_info *elf = &scratch.elf;
    struct pv_layout_request lr = {0};
    char msg[160];
    int rc;

    rc = pv_elf_parse(req->kernel, req->kernel_len, NULL, elf, msg, sizeof(msg));
    if (rc) {
        return fail(b, -XEN_ENOEXEC, "%s: not a usable PV kernel: %s", req->name, msg);
    }
    if (elf->p2m_base != PV_ELF_UNSET) {
        /* INIT_P2M offers to take the p2m at its own address; the list in the
         * bootstrap region is always accepted too, and is what the shared
         * layout knows how to place. */
        build_log(b, "%s: the kernel's INIT_P2M address is not used: p2m in the bootstrap region",
                  req->name);
        elf->p2m_base = PV_ELF_UNSET;
    }
    lr.elf = elf;
    lr.nr_pages = b->nr_pages;
    lr.initrd_len = req->initrd_len;
    lr.nr_extra_pages = 2; /* xenstore ring, console ring */
    lr.start_info_bytes = sizeof(struct start_info);
    rc = pv_layout_compute(&lr, &b->l);
    if (rc == PV_LAYOUT_E_MEMORY) {
        return fail(b, -XEN_ENOMEM,
                    "%s: %llu KiB of memory is too small: kernel, initrd and boot tables "
                    "need %llu KiB",
                    req->name, (unsigned long long)(b->nr_pages * 4),
                    (unsigned long long)((b->l.v_end - b->l.v_start) >> 10));
    }
    if (rc == PV_LAYOUT_E_SPAN) {
        return fail(b, -XEN_E2BIG,
                    "%s: kernel, initrd (%zu bytes) and boot tables do not fit in 1 GiB", req->name,
                    req->initrd_len);
    }
    if (rc) {
        return fail(b, -XEN_ENOEXEC, "%s: the kernel cannot be laid out (error %d)", req->name, rc);
    }
    b->region_pages = (b->l.v_end - b->l.v_start) / PAGE_SIZE;
    b->p2m_pfn = pv_layout_va_to_pfn(&b->l, b->l.p2m_start);
    b->p2m_frames = (size_t)((b->l.p2m_end - b->l.p2m_start + PAGE_SIZE - 1) / PAGE_SIZE);
    return 0;
}

static int create(struct build *b)
{
    const struct builder_request *req = b->req;
    struct xenolith_domctl op = {0};
    int rc;

    op.u.create.flags = 0;
    op.u.create.max_vcpus = req->vcpus ? req->vcpus : 1;
    op.u.create.max_pages = req->max_pages ? req->max_pages : b->nr_pages;
    memcpy(op.u.create.name, req->name, strlen(req->name) + 1);
    b->domid = 0;
    rc = domctl(b, XL_DOMCTL_CREATE, &op);
    if (rc) {
        return fail(b, rc, "%s: CREATE failed: %s (%d)%s", req->name, errno_name(rc), rc,
                    rc == -XEN_EEXIST ? ": a domain with that name exists" : "");
    }
    if (op.domain == 0 || op.domain >= DOMID_FIRST_RESERVED) {
        return fail(b, -XEN_EIO, "%s: CREATE returned domain id %u", req->name, op.domain);
    }
    b->domid = op.domain;
    b->created = true;
    return 0;
}

static int populate(struct build *b)
{
    struct xenolith_domctl op;
    uint64_t done = 0;
    int rc;

    while (done < b->nr_pages) {
        memset(&op, 0, sizeof(op));
        op.u.populate.nr_pages = b->nr_pages - done;
        rc = domctl(b, XL_DOMCTL_POPULATE, &op);
        if (op.u.populate.done > b->nr_pages - done) {
            return fail(b, -XEN_EIO, "domain %u: POPULATE reports %llu pages added of %llu asked",
                        b->domid, (unsigned long long)op.u.populate.done,
                        (unsigned long long)(b->nr_pages - done));
        }
        done += op.u.populate.done;
        if (rc) {
            return fail(b, rc, "domain %u: POPULATE failed after %llu of %llu pages: %s (%d)",
                        b->domid, (unsigned long long)done, (unsigned long long)b->nr_pages,
                        errno_name(rc), rc);
        }
        if (op.u.populate.done == 0) {
            return fail(b, -XEN_EIO, "domain %u: POPULATE added no pages", b->domid);
        }
    }
    return 0;
}

/* GET_FRAMES for pfns [start, start + nr) into list (a dom0 address). */
static int get_frames(struct build *b, uint64_t start, uint64_t nr, uint64_t *list)
{
    struct xenolith_domctl op;
    int rc;

    while (nr) {
        memset(&op, 0, sizeof(op));
        op.u.frames.start = start;
        op.u.frames.nr = nr;
        xen_set_guest_handle(op.u.frames.list, list);
        rc = domctl(b, XL_DOMCTL_GET_FRAMES, &op);
        if (rc) {
            return fail(b, rc, "domain %u: GET_FRAMES from pfn %llu failed: %s (%d)", b->domid,
                        (unsigned long long)start, errno_name(rc), rc);
        }
        if (op.u.frames.nr == 0 || op.u.frames.nr > nr) {
            return fail(b, -XEN_EIO, "domain %u: GET_FRAMES returned %llu entries for %llu",
                        b->domid, (unsigned long long)op.u.frames.nr, (unsigned long long)nr);
        }
        start += op.u.frames.nr;
        list += op.u.frames.nr;
        nr -= op.u.frames.nr;
    }
    return 0;
}

/* Map the guest's p2m area and have the hypervisor fill it. */
static int fetch_p2m(struct build *b)
{
    int rc = get_frames(b, b->p2m_pfn, b->p2m_frames, scratch.frames);

    if (rc) {
        return rc;
    }
    b->p2m = b->ops->map(b->ops->ctx, b->domid, scratch.frames, b->p2m_frames);
    if (!b->p2m) {
        return fail(b, -XEN_ENOMEM, "mapping the %zu p2m frames of domain %u failed", b->p2m_frames,
                    b->domid);
    }
    rc = get_frames(b, 0, b->nr_pages, b->p2m);
    if (rc) {
        return rc;
    }
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++) {
        if (b->p2m[pfn] >= MFN_LIMIT) {
            return fail(b, -XEN_EIO, "domain %u: GET_FRAMES gave pfn %llu frame %#llx", b->domid,
                        (unsigned long long)pfn, (unsigned long long)b->p2m[pfn]);
        }
    }
    for (size_t i = 0; i < b->p2m_frames; i++) {
        if (b->p2m[b->p2m_pfn + i] != scratch.frames[i]) {
            return fail(b, -XEN_EIO, "domain %u: GET_FRAMES gave two answers for pfn %llu",
                        b->domid, (unsigned long long)(b->p2m_pfn + i));
        }
    }
    return 0;
}

static int load(struct build *b)
{
    const struct builder_request *req = b->req;
    char msg[160];
    int rc;

    rc = pv_elf_load(req->kernel, req->kernel_len, &scratch.elf, elf_write, b, msg, sizeof(msg));
    if (rc) {
        return fail(b, -XEN_ENOEXEC, "%s: loading the kernel failed: %s", req->name, msg);
    }
    if (req->initrd_len) {
        rc = guest_write(b, b->l.initrd_start, req->initrd, req->initrd_len);
        if (rc) {
            return rc;
        }
    }
    if (scratch.elf.hypercall_page != PV_ELF_UNSET) {
        /* The hypervisor writes its own stubs: one definition of their bytes. */
        struct xenolith_domctl op = {0};

        op.u.hypercall_page.mfn = mfn_of(b, scratch.elf.hypercall_page);
        rc = domctl(b, XL_DOMCTL_HYPERCALL_PAGE, &op);
        if (rc) {
            return fail(b, rc, "%s: the hypercall page was refused (%d)", req->name, rc);
        }
    }
    return rc;
}

/* The xenstore and console rings: zeroed pages, with a port each that the
 * backend domain binds. */
static int rings(struct build *b, struct builder_result *out)
{
    const struct builder_request *req = b->req;
    int rc;

    rc = guest_write(b, b->l.extra_start, NULL, 2 * PAGE_SIZE);
    if (rc) {
        return rc;
    }
    out->store_mfn = mfn_of(b, b->l.extra_start);
    out->console_mfn = mfn_of(b, b->l.extra_start + PAGE_SIZE);
    rc = b->ops->evtchn_alloc_unbound(b->ops->ctx, b->domid, req->store_domid, &out->store_port);
    if (rc) {
        return fail(b, rc, "domain %u: no event channel for xenstore: %s (%d)", b->domid,
                    errno_name(rc), rc);
    }
    rc =
        b->ops->evtchn_alloc_unbound(b->ops->ctx, b->domid, req->console_domid, &out->console_port);
    if (rc) {
        return fail(b, rc, "domain %u: no event channel for the console: %s (%d)", b->domid,
                    errno_name(rc), rc);
    }
    return 0;
}

static int write_start_info(struct build *b, const struct builder_result *out)
{
    const struct builder_request *req = b->req;
    struct start_info *si = (struct start_info *)scratch.page;

    memset(scratch.page, 0, PAGE_SIZE);
    memcpy(si->magic, "xen-3.0-x86_64", sizeof("xen-3.0-x86_64"));
    si->nr_pages = b->nr_pages;
    si->shared_info = out->shared_info_mfn << 12;
    si->flags = 0;
    si->store_mfn = out->store_mfn;
    si->store_evtchn = out->store_port;
    si->console.domU.mfn = out->console_mfn;
    si->console.domU.evtchn = out->console_port;
    si->pt_base = b->l.pt_start;
    si->nr_pt_frames = b->l.nr_pt_frames;
    si->mfn_list = b->l.p2m_start;
    si->mod_start = req->initrd_len ? b->l.initrd_start : 0;
    si->mod_len = req->initrd_len;
    if (req->cmdline) {
        memcpy(si->cmd_line, req->cmdline, strlen(req->cmdline) + 1);
    }
    return guest_write(b, b->l.start_info, scratch.page, PAGE_SIZE);
}

static int page_tables(struct build *b)
{
    int rc = guest_write(b, b->l.pt_start, NULL, b->l.pt_end - b->l.pt_start);

    if (rc) {
        return rc;
    }
    rc = pv_layout_build_pagetables(&b->l, p2m_lookup, pte_write, b);
    if (rc) {
        return rc;
    }
    return guest_write(b, b->l.stack_start, NULL, b->l.stack_end - b->l.stack_start);
}

static int set_context(struct build *b, uint64_t l4_mfn)
{
    struct vcpu_guest_context *c = &scratch.ctxt;
    struct xenolith_domctl op = {0};
    int rc;

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.rip = b->l.entry;
    c->user_regs.rsp = b->l.stack_end;
    c->user_regs.rsi = b->l.start_info;
    c->user_regs.rflags = EFLAGS_IF | EFLAGS_MBS;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = FLAT_KERNEL_DS;
    c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.fs = FLAT_KERNEL_DS;
    c->user_regs.gs = FLAT_KERNEL_DS;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = b->l.stack_end;
    c->debugreg[6] = DR6_DEFAULT;
    c->debugreg[7] = DR7_DEFAULT;
    c->ctrlreg[3] = xen_pfn_to_cr3(l4_mfn);
    op.u.vcpu_context.vcpu = 0;
    xen_set_guest_handle(op.u.vcpu_context.ctxt, c);
    rc = domctl(b, XL_DOMCTL_SET_VCPU_CONTEXT, &op);
    if (rc) {
        return fail(b, rc, "domain %u: SET_VCPU_CONTEXT failed: %s (%d)%s", b->domid,
                    errno_name(rc), rc,
                    rc == -XEN_EINVAL ? ": the boot page tables were refused" : "");
    }
    return 0;
}

static void unmap_all(struct build *b)
{
    window_drop(b);
    if (b->p2m) {
        b->ops->unmap(b->ops->ctx, b->p2m, b->p2m_frames);
        b->p2m = NULL;
    }
}

static void destroy(struct build *b)
{
    struct xenolith_domctl op = {0};
    size_t n;
    int rc;

    rc = domctl(b, XL_DOMCTL_DESTROY, &op);
    if (rc && b->err && b->errlen) {
        n = strlen(b->err);
        snprintf(b->err + n, b->errlen - n, " (and DESTROY of domain %u failed: %s (%d))", b->domid,
                 errno_name(rc), rc);
    }
}

static int build(struct build *b, struct builder_result *out)
{
    struct xenolith_domctl op = {0};
    uint64_t l4_mfn;
    int rc;

    rc = check_request(b);
    if (!rc) {
        rc = plan(b);
    }
    if (!rc) {
        rc = create(b);
    }
    if (rc) {
        return rc;
    }
    rc = populate(b);
    if (!rc) {
        rc = domctl(b, XL_DOMCTL_GET_INFO, &op);
        if (rc) {
            rc = fail(b, rc, "domain %u: GET_INFO failed: %s (%d)", b->domid, errno_name(rc), rc);
        } else if (op.u.info.domid != b->domid) {
            rc = fail(b, -XEN_EIO, "domain %u: GET_INFO described domain %u", b->domid,
                      op.u.info.domid);
        }
        out->shared_info_mfn = op.u.info.shared_info_frame;
    }
    if (!rc) {
        build_log(b, "%s: domain %u, %s, %llu MiB, entry %#llx", b->req->name, b->domid,
                  scratch.elf.guest_os[0] ? scratch.elf.guest_os : "PV kernel",
                  (unsigned long long)(b->nr_pages >> 8), (unsigned long long)b->l.entry);
        build_log(b,
                  "%s:  kernel %#llx-%#llx p2m %#llx start_info %#llx tables %#llx-%#llx end %#llx",
                  b->req->name, (unsigned long long)b->l.kern_start,
                  (unsigned long long)b->l.kern_end, (unsigned long long)b->l.p2m_start,
                  (unsigned long long)b->l.start_info, (unsigned long long)b->l.pt_start,
                  (unsigned long long)b->l.pt_end, (unsigned long long)b->l.v_end);
        rc = fetch_p2m(b);
    }
    if (!rc) {
        rc = load(b);
    }
    if (!rc) {
        rc = rings(b, out);
    }
    if (!rc) {
        rc = write_start_info(b, out);
    }
    if (!rc) {
        rc = page_tables(b);
    }
    l4_mfn = !rc ? mfn_of(b, b->l.pt_start) : 0;
    /* No mapping of a page-table frame may survive into SET_VCPU_CONTEXT. */
    unmap_all(b);
    if (!rc) {
        rc = set_context(b, l4_mfn);
    }
    if (rc) {
        if (!b->failed) {
            fail(b, rc, "domain %u: build failed: %s (%d)", b->domid, errno_name(rc), rc);
        }
        destroy(b);
        return rc;
    }
    out->domid = b->domid;
    out->nr_pages = b->nr_pages;
    out->entry = b->l.entry;
    out->v_start = b->l.v_start;
    out->v_end = b->l.v_end;
    return 0;
}

int builder_create(const struct builder_ops *ops, const struct builder_request *req,
                   struct builder_result *out, char *err, size_t errlen)
{
    struct build b;
    struct builder_result res;
    int rc;

    memset(&b, 0, sizeof(b));
    memset(&res, 0, sizeof(res));
    b.ops = ops;
    b.req = req;
    b.err = err;
    b.errlen = errlen;
    if (err && errlen) {
        err[0] = '\0';
    }
    if (scratch.busy) {
        return fail(&b, -XEN_EBUSY, "builder: another domain is being built");
    }
    scratch.busy = true;
    rc = build(&b, &res);
    scratch.busy = false;
    if (rc == 0 && out) {
        *out = res;
    }
    return rc;
}
