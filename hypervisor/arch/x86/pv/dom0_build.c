/*
 * Build the initial domain from the first boot module: a 64-bit PV kernel
 * laid out exactly as Xen lays out dom0 (xenolith/pv_layout.h, shared with
 * dom0's own domain builder). Every frame the domain gets is zeroed first,
 * so nothing of the hypervisor or of earlier users leaks into it.
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
#include <asm/dom0_build.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/pv.h>

#define DOM0_DEFAULT_MAX MiB(256)
#define DOM0_MIN MiB(4)

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
static void fill_hypercall_page(uint8_t *p)
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

static void fill_start_info(struct builder *b, const struct boot_module *kmod,
                            uint64_t initrd_len)
{
    struct start_info si;

    memset(&si, 0, sizeof(si));
    strlcpy_hv(si.magic, "xen-3.0-x86_64", sizeof(si.magic));
    si.nr_pages = b->nr_pages;
    si.shared_info = b->d->shared_info_mfn << PAGE_SHIFT;
    si.flags = SIF_INITDOMAIN | SIF_PRIVILEGED;
    si.pt_base = b->l->pt_start;
    si.nr_pt_frames = b->l->nr_pt_frames;
    si.mfn_list = b->l->p2m_start;
    si.mod_start = initrd_len ? b->l->initrd_start : 0;
    si.mod_len = initrd_len;
    strlcpy_hv((char *)si.cmd_line, kmod->cmdline, sizeof(si.cmd_line));
    write_guest(b, b->l->start_info, &si, sizeof(si));
}

static uint64_t dom0_pages(void)
{
    struct frame_stats st;
    uint64_t want = hv_params.dom0_mem, avail;

    frame_get_stats(&st);
    /* Keep some memory for the hypervisor itself: 1/16 of what is free, at least 4 MiB. */
    avail = st.free_pages * PAGE_SIZE;
    avail -= MIN(avail, MAX(avail / 16, MiB(4)));
    if (!want) {
        want = MIN(avail / 2, DOM0_DEFAULT_MAX);
    }
    if (want < DOM0_MIN) {
        log_warn("dom0: dom0_mem=%lluK is below the minimum; using %llu MiB\n",
                 (unsigned long long)(want >> 10), (unsigned long long)(DOM0_MIN >> 20));
        want = DOM0_MIN;
    }
    if (want > avail) {
        log_warn("dom0: dom0_mem=%lluM is more than the %llu MiB available; using that\n",
                 (unsigned long long)(want >> 20), (unsigned long long)(avail >> 20));
        want = avail;
    }
    return want / PAGE_SIZE;
}

struct vcpu *dom0_build(const struct boot_info *bi)
{
    const struct boot_module *kmod = &bi->modules[0];
    const struct boot_module *initrd = bi->nr_modules > 1 ? &bi->modules[1] : NULL;
    struct pv_elf_options opts = { .host_features = PV_ELF_HOST_FEATURES_DEFAULT };
    static struct pv_elf_info elf;
    struct pv_layout layout;
    struct builder b = { .nr_pages = dom0_pages(), .l = &layout };
    const void *image = maddr_to_virt(kmod->start);
    const char *what = kmod->name[0] ? kmod->name : "module 0";
    uint64_t initrd_len = initrd ? initrd->size : 0;
    char msg[160];
    struct vcpu *v;
    mfn_t l4;
    int rc;

    rc = pv_elf_parse(image, kmod->size, &opts, &elf, msg, sizeof(msg));
    if (rc) {
        log_err("dom0: %s is not a usable PV kernel: %s\n", what, msg);
        return NULL;
    }
    struct pv_layout_request req = { .elf = &elf, .nr_pages = b.nr_pages,
                                     .initrd_len = initrd_len };
    rc = pv_layout_compute(&req, &layout);
    if (rc) {
        log_err("dom0: cannot lay out %s in %llu MiB (error %d)\n", what,
                (unsigned long long)(b.nr_pages >> 8), rc);
        return NULL;
    }
    b.d = domain_create(0, "Domain-0", DOMCREATE_PRIVILEGED | DOMCREATE_INITDOMAIN,
                        b.nr_pages);
    b.p2m = b.d ? xmalloc(b.nr_pages * sizeof(mfn_t)) : NULL;
    v = b.d ? vcpu_create(b.d, 0) : NULL;
    if (!v || !b.p2m || populate(&b)) {
        log_err("dom0: out of memory building a %llu MiB domain\n",
                (unsigned long long)(b.nr_pages >> 8));
        return NULL;
    }
    log_info("dom0: %s, %llu MiB, entry %#llx\n", elf.guest_os[0] ? elf.guest_os : what,
             (unsigned long long)(b.nr_pages >> 8), (unsigned long long)layout.entry);
    log_info("dom0:  kernel %#llx-%#llx p2m %#llx start_info %#llx page tables %#llx-%#llx"
             " stack %#llx end %#llx\n", (unsigned long long)layout.kern_start,
             (unsigned long long)layout.kern_end, (unsigned long long)layout.p2m_start,
             (unsigned long long)layout.start_info, (unsigned long long)layout.pt_start,
             (unsigned long long)layout.pt_end, (unsigned long long)layout.stack_start,
             (unsigned long long)layout.v_end);

    if (pv_elf_load(image, kmod->size, &elf, write_guest, &b, msg, sizeof(msg))) {
        log_err("dom0: loading the kernel failed: %s\n", msg);
        return NULL;
    }
    if (initrd) {
        write_guest(&b, layout.initrd_start, maddr_to_virt(initrd->start), initrd_len);
    }
    for (uint64_t pfn = 0; pfn < b.nr_pages; pfn++) {
        write_guest(&b, layout.p2m_start + pfn * 8, &b.p2m[pfn], 8);
    }
    fill_start_info(&b, kmod, initrd_len);
    pv_layout_build_pagetables(&layout, p2m_lookup, write_pte, &b);
    /*
     * The tables take their types through the same validation as any guest
     * table: a reference for CR3 and one for the pin the initial L4 carries.
     */
    l4 = b.p2m[pv_layout_va_to_pfn(&layout, layout.pt_start)];
    if (get_page_and_type(l4, b.d, PGT_L4) || get_page_and_type(l4, b.d, PGT_L4)) {
        log_err("dom0: the initial page tables do not validate\n");
        return NULL;
    }
    mfn_to_page(l4)->flags |= PGF_PINNED;
    if (elf.hypercall_page != PV_ELF_UNSET) {
        uint8_t page[PAGE_SIZE];
        fill_hypercall_page(page);
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
