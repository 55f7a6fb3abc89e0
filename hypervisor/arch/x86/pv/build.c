/*
 * Build a PV domain from a kernel image in memory: a 64-bit PV kernel laid
 * out exactly as Xen lays out dom0 (xenolith/pv_layout.h, shared with dom0's
 * own domain builder). Every frame the domain gets is zeroed first, so
 * nothing of the hypervisor or of earlier users leaks into it. Used for the
 * initial domain and for domains started straight from boot modules.
 */
#include <hv/boot_info.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/params.h>
#include <xen/xen.h>
#include <xenolith/pv_elf.h>
#include <xenolith/pv_layout.h>
#include <hv/console_ring.h>
#include <asm/dom0_build.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/pv.h>


struct builder {
    struct domain *d;
    mfn_t *p2m;             /* hypervisor copy of the p2m, pfn -> mfn */
    uint64_t nr_pages;
    const struct pv_layout *l;
};

static int write_guest(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct builder *b = ctx;

    while (len) {
        uint64_t pfn, off = va & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);
        uint8_t *dst;

        if (va < b->l->v_start || va >= b->l->v_end) {
            return -1;
        }
        pfn = pv_layout_va_to_pfn(b->l, va);
        dst = (uint8_t *)mfn_to_virt(b->p2m[pfn]) + off;
        if (src) {
            memcpy(dst, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset(dst, 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

static uint64_t p2m_lookup(void *ctx, uint64_t pfn)
{
    return ((struct builder *)ctx)->p2m[pfn];
}

static int write_pte(void *ctx, uint64_t table_pfn, unsigned int index, uint64_t pte)
{
    struct builder *b = ctx;

    ((uint64_t *)mfn_to_virt(b->p2m[table_pfn]))[index] = pte;
    return 0;
}

/* Give the domain nr frames, largest blocks first, numbering them pfn 0 up. */
static int populate(struct builder *b)
{
    uint64_t pfn = 0;
    unsigned int order = FRAME_MAX_ORDER;

    while (pfn < b->nr_pages) {
        mfn_t mfn;

        while (order && (1ull << order) > b->nr_pages - pfn) {
            order--;
        }
        mfn = domain_alloc_frames(b->d, order);
        if (mfn == INVALID_MFN) {
            if (order == 0) {
                return -1;
            }
            order--;
            continue;
        }
        for (uint64_t i = 0; i < (1ull << order); i++, pfn++) {
            b->p2m[pfn] = mfn + i;
            memset(mfn_to_virt(mfn + i), 0, PAGE_SIZE);
            m2p_set(mfn + i, pfn);
        }
    }
    return 0;
}

/* The bytes Xen writes into a 64-bit PV kernel's hypercall page. */
void pv_fill_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
        uint8_t *s = p + i * 32;
        if (i == __HYPERVISOR_iret) {
            /* push %rcx; push %r11; push %rax; mov $23,%eax; syscall */
            memcpy(s, "\x51\x41\x53\x50\xb8\x17\x00\x00\x00\x0f\x05", 11);
            continue;
        }
        /* push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
        memcpy(s, "\x51\x41\x53\xb8", 4);
        memcpy(s + 4, &i, 4);
        memcpy(s + 8, "\x0f\x05\x41\x5b\x59\xc3", 6);
    }
}

static void fill_start_info(struct builder *b, const struct pv_build *p, uint64_t initrd_len,
                            mfn_t console_mfn, evtchn_port_t console_port)
{
    struct start_info si;

    memset(&si, 0, sizeof(si));
    strlcpy_hv(si.magic, "xen-3.0-x86_64", sizeof(si.magic));
    si.nr_pages = b->nr_pages;
    si.shared_info = b->d->shared_info_mfn << PAGE_SHIFT;
    si.flags = (p->flags & DOMCREATE_INITDOMAIN ? SIF_INITDOMAIN : 0) |
               (p->flags & DOMCREATE_PRIVILEGED ? SIF_PRIVILEGED : 0);
    if (console_port) {
        si.console.domU.mfn = console_mfn;
        si.console.domU.evtchn = console_port;
    }
    si.pt_base = b->l->pt_start;
    si.nr_pt_frames = b->l->nr_pt_frames;
    si.mfn_list = b->l->p2m_start;
    si.mod_start = initrd_len ? b->l->initrd_start : 0;
    si.mod_len = initrd_len;
    strlcpy_hv((char *)si.cmd_line, p->cmdline, sizeof(si.cmd_line));
    write_guest(b, b->l->start_info, &si, sizeof(si));
}

struct vcpu *pv_build_domain(const struct pv_build *p)
{
    struct pv_elf_options opts = { .host_features = PV_ELF_HOST_FEATURES_DEFAULT };
    static struct pv_elf_info elf;
    struct pv_layout layout;
    struct builder b = { .nr_pages = p->nr_pages, .l = &layout };
    char msg[160];
    struct vcpu *v;
    mfn_t l4, console_mfn = 0;
    evtchn_port_t console_port = 0;
    int rc;

    rc = pv_elf_parse(p->image, p->image_size, &opts, &elf, msg, sizeof(msg));
    if (rc) {
        log_err("%s: %s is not a usable PV kernel: %s\n", p->name, p->what, msg);
        return NULL;
    }
    if (elf.p2m_base != PV_ELF_UNSET) {
        /*
         * INIT_P2M offers to take the p2m at the kernel's own address; a
         * list in the bootstrap region is always accepted too, and is the
         * one place the shared layout puts it (else nothing would hold it).
         */
        log_info("%s: the p2m goes in the bootstrap region, not at INIT_P2M %#llx\n", p->name,
                 (unsigned long long)elf.p2m_base);
        elf.p2m_base = PV_ELF_UNSET;
    }
    struct pv_layout_request req = { .elf = &elf, .nr_pages = b.nr_pages,
                                     .initrd_len = p->initrd_len,
                                     .nr_extra_pages = p->console_ring ? 1 : 0 };
    rc = pv_layout_compute(&req, &layout);
    if (rc) {
        log_err("%s: cannot lay out %s in %llu MiB (error %d)\n", p->name, p->what,
                (unsigned long long)(b.nr_pages >> 8), rc);
        return NULL;
    }
    b.d = domain_create(p->id, p->name, p->flags, p->max_pages ? p->max_pages : b.nr_pages);
    b.p2m = b.d ? xmalloc(b.nr_pages * sizeof(mfn_t)) : NULL;
    v = b.d ? vcpu_create(b.d, 0) : NULL;
    if (!v || !b.p2m || populate(&b)) {
        log_err("%s: out of memory building a %llu MiB domain\n", p->name,
                (unsigned long long)(b.nr_pages >> 8));
        return NULL;
    }
    log_info("%s: domain %u, %s, %llu MiB, entry %#llx\n", p->name, p->id,
             elf.guest_os[0] ? elf.guest_os : p->what, (unsigned long long)(b.nr_pages >> 8),
             (unsigned long long)layout.entry);
    log_info("%s:  kernel %#llx-%#llx p2m %#llx start_info %#llx page tables %#llx-%#llx"
             " stack %#llx end %#llx\n", p->name, (unsigned long long)layout.kern_start,
             (unsigned long long)layout.kern_end, (unsigned long long)layout.p2m_start,
             (unsigned long long)layout.start_info, (unsigned long long)layout.pt_start,
             (unsigned long long)layout.pt_end, (unsigned long long)layout.stack_start,
             (unsigned long long)layout.v_end);

    if (pv_elf_load(p->image, p->image_size, &elf, write_guest, &b, msg, sizeof(msg))) {
        log_err("%s: loading the kernel failed: %s\n", p->name, msg);
        return NULL;
    }
    if (p->initrd_len) {
        write_guest(&b, layout.initrd_start, p->initrd, p->initrd_len);
    }
    for (uint64_t pfn = 0; pfn < b.nr_pages; pfn++) {
        write_guest(&b, layout.p2m_start + pfn * 8, &b.p2m[pfn], 8);
    }
    if (p->console_ring) {
        console_mfn = b.p2m[pv_layout_va_to_pfn(&layout, layout.extra_start)];
        if (console_ring_attach(b.d, console_mfn, &console_port)) {
            log_err("%s: no console ring\n", p->name);
            return NULL;
        }
    }
    fill_start_info(&b, p, p->initrd_len, console_mfn, console_port);
    pv_layout_build_pagetables(&layout, p2m_lookup, write_pte, &b);
    /*
     * The tables take their types through the same validation as any guest
     * table: a reference for CR3 and one for the pin the initial L4 carries.
     */
    l4 = b.p2m[pv_layout_va_to_pfn(&layout, layout.pt_start)];
    if (get_page_and_type(l4, b.d, PGT_L4) || get_page_and_type(l4, b.d, PGT_L4)) {
        log_err("%s: the initial page tables do not validate\n", p->name);
        return NULL;
    }
    mfn_to_page(l4)->flags |= PGF_PINNED;
    if (elf.hypercall_page != PV_ELF_UNSET) {
        uint8_t page[PAGE_SIZE];
        pv_fill_hypercall_page(page);
        write_guest(&b, elf.hypercall_page, page, PAGE_SIZE);
    }

    v->arch.guest_table = l4;
    v->arch.regs.rip = layout.entry;
    v->arch.regs.rsp = layout.stack_end;
    v->arch.regs.rsi = layout.start_info;
    v->arch.regs.cs = PV_KERNEL_CS;
    v->arch.regs.ss = PV_KERNEL_SS;
    v->arch.regs.rflags = (1u << 9) | (1u << 1);
    xfree(b.p2m);
    return v;
}
