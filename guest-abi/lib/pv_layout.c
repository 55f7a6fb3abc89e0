/*
 * Start-of-day layout of a 64-bit PV guest (see xenolith/pv_layout.h). The
 * page-table count is found by trying increasing counts until the tables
 * cover the region that includes themselves, as Xen's builder does.
 */
#include <xenolith/pv_layout.h>

#define PGSZ 4096ull
#define PGUP(x) (((x) + PGSZ - 1) & ~(PGSZ - 1))
#define PT_PRESENT 0x001ull
#define PT_RW      0x002ull
#define PT_USER    0x004ull
#define PT_ACCESSED 0x020ull
#define PT_DIRTY   0x040ull
#define PT_TABLE   (PT_PRESENT | PT_RW | PT_USER | PT_ACCESSED | PT_DIRTY)
#define PT_PAGE    (PT_PRESENT | PT_RW | PT_USER | PT_ACCESSED)

/* Number of 2^shift-aligned blocks that [lo, hi) touches. */
static uint64_t spans(uint64_t lo, uint64_t hi, unsigned int shift)
{
    uint64_t mask = (1ull << shift) - 1;
    return (((hi + mask) & ~mask) - (lo & ~mask)) >> shift;
}

int pv_layout_compute(const struct pv_layout_request *req, struct pv_layout *l)
{
    const struct pv_elf_info *e = req->elf;
    uint64_t si_bytes, nr;

    if (!e || !req->nr_pages || e->virt_kend <= e->virt_kstart) {
        return PV_LAYOUT_E_ARGS;
    }
    l->v_start = e->virt_base;
    l->kern_start = e->virt_kstart;
    l->kern_end = e->virt_kend;
    l->entry = e->entry;
    l->initrd_start = PGUP(l->kern_end);
    l->initrd_end = l->initrd_start + req->initrd_len;
    l->p2m_start = PGUP(l->initrd_end);
    /* With INIT_P2M the kernel maps the p2m itself, elsewhere. */
    l->p2m_end = e->p2m_base != PV_ELF_UNSET ? l->p2m_start
                                             : l->p2m_start + req->nr_pages * 8;
    l->start_info = PGUP(l->p2m_end);
    si_bytes = req->start_info_bytes ? req->start_info_bytes : 1168;
    l->extra_start = PGUP(l->start_info + si_bytes);
    l->pt_start = l->extra_start + (uint64_t)req->nr_extra_pages * PGSZ;
    if (l->pt_start < l->v_start || l->pt_start < l->kern_end) {
        return PV_LAYOUT_E_SPAN;    /* wrapped */
    }
    for (nr = 2;; nr++) {
        uint64_t need;

        l->pt_end = l->pt_start + nr * PGSZ;
        l->stack_start = l->pt_end;
        l->stack_end = l->stack_start + PGSZ;
        l->v_end = (l->stack_end + (1ull << 22) - 1) & ~((1ull << 22) - 1);
        if (l->v_end - l->stack_end < (512ull << 10)) {
            l->v_end += 1ull << 22;     /* at least 512 KiB of padding */
        }
        if (l->v_end < l->v_start || l->v_end - l->v_start > (1ull << 30)) {
            return PV_LAYOUT_E_SPAN;
        }
        l->nr_l3 = spans(l->v_start, l->v_end, 39);
        l->nr_l2 = spans(l->v_start, l->v_end, 30);
        l->nr_l1 = spans(l->v_start, l->v_end, 21);
        need = 1 + l->nr_l3 + l->nr_l2 + l->nr_l1;
        if (need <= nr) {
            break;
        }
    }
    l->nr_pt_frames = nr;
    if ((l->v_end - l->v_start) / PGSZ > req->nr_pages) {
        return PV_LAYOUT_E_MEMORY;
    }
    return 0;
}

static unsigned int idx(uint64_t va, unsigned int shift)
{
    return (unsigned int)((va >> shift) & 511);
}

int pv_layout_build_pagetables(const struct pv_layout *l, pv_pfn_to_mfn_fn pfn_to_mfn,
                               pv_pte_write_fn write, void *ctx)
{
    uint64_t l4 = pv_layout_va_to_pfn(l, l->pt_start);
    uint64_t l3 = l4 + 1, l2 = l3 + l->nr_l3, l1 = l2 + l->nr_l2;
    uint64_t pt_first = l4, pt_last = l4 + l->nr_pt_frames;
    uint64_t cur3 = l3 - 1, cur2 = l2 - 1, cur1 = l1 - 1;
    int rc;

    for (uint64_t va = l->v_start; va < l->v_end; va += PGSZ) {
        uint64_t pfn = pv_layout_va_to_pfn(l, va), flags = PT_PAGE | PT_DIRTY;

        /* A new table at each level whose index wraps (or at the start). */
        if (va == l->v_start || idx(va, 39) != idx(va - PGSZ, 39)) {
            cur3++;
            rc = write(ctx, l4, idx(va, 39), (pfn_to_mfn(ctx, cur3) << 12) | PT_TABLE);
            if (rc) {
                return rc;
            }
        }
        if (va == l->v_start || idx(va, 30) != idx(va - PGSZ, 30) ||
            idx(va, 39) != idx(va - PGSZ, 39)) {
            cur2++;
            rc = write(ctx, cur3, idx(va, 30), (pfn_to_mfn(ctx, cur2) << 12) | PT_TABLE);
            if (rc) {
                return rc;
            }
        }
        if (va == l->v_start || idx(va, 21) != idx(va - PGSZ, 21) ||
            idx(va, 30) != idx(va - PGSZ, 30) || idx(va, 39) != idx(va - PGSZ, 39)) {
            cur1++;
            rc = write(ctx, cur2, idx(va, 21), (pfn_to_mfn(ctx, cur1) << 12) | PT_TABLE);
            if (rc) {
                return rc;
            }
        }
        if (pfn >= pt_first && pfn < pt_last) {
            flags &= ~(PT_RW | PT_DIRTY);   /* page tables are never writable */
        }
        rc = write(ctx, cur1, idx(va, 12), (pfn_to_mfn(ctx, pfn) << 12) | flags);
        if (rc) {
            return rc;
        }
    }
    return 0;
}
