/* SPDX-License-Identifier: MIT */
/*
 * dom0's page tables: the heap above the bootstrap region, page-table pages
 * taken from the heap, and the foreign-mapping window (dom0/mm.h).
 *
 * dom0 never writes its page tables directly (they are read-only to a PV
 * guest): every change is an mmu_update the hypervisor validates. Tables the
 * hypervisor built are read through their read-only mappings in the
 * bootstrap region (VA = pseudo-physical address); the tables dom0 adds are
 * never read back, only tracked here.
 */
#include <rt/runtime.h>
#include <dom0/heap.h>
#include <dom0/log.h>
#include <dom0/mm.h>

#define PTE_MFN(e) (((e)&0x000ffffffffff000ull) >> 12)
#define PT_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PT_PAGE_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PT_PAGE_RO (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define L2_SPAN    (1ul << 21)
#define BATCH      64

static uint64_t l3_mfn;        /* the bootstrap L3 (L4 slot 0) */
static uint64_t window_l2_mfn; /* the window's L2 (L3 slot 1) */
static uint64_t window_l1[512];
static uint64_t window_bitmap[MM_WINDOW_PAGES / 64];
static uint64_t window_used, window_tables;
static uint64_t heap_pages;

/* A bootstrap table, read through its read-only identity mapping. */
static const uint64_t *boot_table(uint64_t entry)
{
    return (const uint64_t *)(mfn_to_pfn(PTE_MFN(entry)) << 12);
}

static long mmu_batch(struct mmu_update *req, unsigned int n, domid_t dom, unsigned int *done)
{
    unsigned int ok = 0;
    long rc = n ? hypercall_mmu_update(req, n, &ok, dom) : 0;
    if (done) {
        *done = ok;
    }
    return rc;
}

/* Number of 2 MiB blocks [lo, hi) touches. */
static uint64_t blocks(uint64_t lo, uint64_t hi)
{
    return hi <= lo ? 0 : ((hi + L2_SPAN - 1) / L2_SPAN) - lo / L2_SPAN;
}

/*
 * Map [boot_end, end) of dom0's own memory at VA = pseudo-physical address,
 * with new L1 tables in frames taken from the top of that memory (they are
 * never mapped at their own addresses). Returns the end of what got mapped.
 */
static uint64_t map_own_memory(uint64_t l2_maddr, uint64_t boot_end, uint64_t limit_pfn)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    uint64_t n_l1 = 0;

    while (blocks(boot_end, (limit_pfn - n_l1) << 12) > n_l1) {
        n_l1++;
    }
    uint64_t end = (limit_pfn - n_l1) << 12;
    if (end <= boot_end) {
        return boot_end;
    }

    uint64_t next_table = limit_pfn - n_l1;
    for (uint64_t va = boot_end; va < end; va += L2_SPAN) {
        uint64_t l1 = p2m[next_table++];
        struct mmu_update req[BATCH];
        unsigned int n = 0;
        long rc;

        req[0].ptr = l2_maddr + ((va >> 21) & 511) * 8 + MMU_NORMAL_PT_UPDATE;
        req[0].val = (l1 << 12) | PT_TABLE;
        rc = mmu_batch(req, 1, DOMID_SELF, NULL);
        if (rc) {
            panic("dom0: installing an L1 table for %#lx: %ld", va, rc);
        }
        for (uint64_t p = va; p < va + L2_SPAN && p < end; p += PAGE_SIZE) {
            req[n].ptr = (l1 << 12) + ((p >> 12) & 511) * 8 + MMU_NORMAL_PT_UPDATE;
            req[n].val = (p2m[p >> 12] << 12) | PT_PAGE_RW;
            if (++n == BATCH) {
                rc = mmu_batch(req, n, DOMID_SELF, NULL);
                if (rc) {
                    panic("dom0: mapping own memory at %#lx: %ld", p, rc);
                }
                n = 0;
            }
        }
        rc = mmu_batch(req, n, DOMID_SELF, NULL);
        if (rc) {
            panic("dom0: mapping own memory near %#lx: %ld", va, rc);
        }
    }
    return end;
}

void mm_init(void)
{
    uint64_t nr = start_info->nr_pages;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;

    if (!(l4[0] & _PAGE_PRESENT)) {
        panic("dom0: no L3 table in L4 slot 0 (kernel not linked low?)");
    }
    l3_mfn = PTE_MFN(l4[0]);
    const uint64_t *l3 = boot_table(l4[0]);
    if (!(l3[0] & _PAGE_PRESENT)) {
        panic("dom0: no L2 table in L3 slot 0");
    }
    uint64_t l2_maddr = PTE_MFN(l3[0]) << 12;
    const uint64_t *l2 = boot_table(l3[0]);

    /* The heap starts after the boot stack page that follows the page tables. */
    uint64_t heap_start = start_info->pt_base + (start_info->nr_pt_frames + 1) * PAGE_SIZE;
    uint64_t i = heap_start >> 21;
    while (i < 512 && (l2[i] & _PAGE_PRESENT)) {
        i++;
    }
    uint64_t boot_end = i << 21;

    /* One L2 covers 1 GiB: dom0 uses at most that much of its memory. */
    uint64_t limit_pfn = nr < (1ul << 18) ? nr : (1ul << 18);
    if (limit_pfn < nr) {
        log_warn("dom0 uses 1 GiB of its %lu MiB\n", nr >> 8);
    }
    uint64_t heap_end = map_own_memory(l2_maddr, boot_end, limit_pfn);
    if (heap_end <= heap_start + 64 * PAGE_SIZE) {
        panic("dom0: only %lu KiB left for the heap", (heap_end - heap_start) >> 10);
    }
    heap_pages = (heap_end - heap_start) >> 12;
    heap_init((void *)heap_start, (void *)heap_end);

    /* The window's L2, in L3 slot 1. */
    window_l2_mfn = mm_pt_page_alloc();
    if (!window_l2_mfn) {
        panic("dom0: no page for the mapping window");
    }
    struct mmu_update req = {.ptr = (l3_mfn << 12) + 1 * 8 + MMU_NORMAL_PT_UPDATE,
                             .val = (window_l2_mfn << 12) | PT_TABLE};
    long rc = mmu_batch(&req, 1, DOMID_SELF, NULL);
    if (rc) {
        panic("dom0: installing the mapping window: %ld", rc);
    }
}

uint64_t mm_pt_page_alloc(void)
{
    void *p = heap_alloc_aligned(PAGE_SIZE, PAGE_SIZE);

    if (!p) {
        return 0;
    }
    memset(p, 0, PAGE_SIZE);
    /* A page table may have no writable mapping: drop the heap's. */
    long rc = unmap_page(p);
    if (rc) {
        log_err("mm: unmapping a page for a table: %ld\n", rc);
        free(p);
        return 0;
    }
    return virt_to_mfn(p);
}

void mm_pt_page_free(uint64_t mfn)
{
    void *va = (void *)(mfn_to_pfn(mfn) << 12);
    long rc = remap_page(va, PT_PAGE_RW);

    if (rc) {
        /* Still a table somewhere: leak it rather than corrupt the heap. */
        log_err("mm: frame %#lx is still in use as a table (%ld); not freed\n", mfn, rc);
        return;
    }
    free(va);
}

static bool slot_used(uint64_t i)
{
    return (window_bitmap[i / 64] >> (i % 64)) & 1;
}

static void slots_set(uint64_t first, uint64_t n, bool used)
{
    for (uint64_t i = first; i < first + n; i++) {
        if (used) {
            window_bitmap[i / 64] |= 1ull << (i % 64);
        } else {
            window_bitmap[i / 64] &= ~(1ull << (i % 64));
        }
    }
}

/* First fit, so that the window stays compact and needs few L1 tables. */
static int64_t slots_find(uint64_t n)
{
    uint64_t run = 0;

    for (uint64_t i = 0; i < MM_WINDOW_PAGES; i++) {
        if (i % 64 == 0 && window_bitmap[i / 64] == ~0ull) {
            run = 0;
            i += 63;
            continue;
        }
        run = slot_used(i) ? 0 : run + 1;
        if (run == n) {
            return (int64_t)(i + 1 - n);
        }
    }
    return -1;
}

static int window_ensure_l1(uint64_t slot)
{
    uint64_t b = slot / 512;

    if (window_l1[b]) {
        return 0;
    }
    uint64_t mfn = mm_pt_page_alloc();
    if (!mfn) {
        return -XEN_ENOMEM;
    }
    struct mmu_update req = {.ptr = (window_l2_mfn << 12) + b * 8 + MMU_NORMAL_PT_UPDATE,
                             .val = (mfn << 12) | PT_TABLE};
    long rc = mmu_batch(&req, 1, DOMID_SELF, NULL);
    if (rc) {
        mm_pt_page_free(mfn);
        return (int)rc;
    }
    window_l1[b] = mfn;
    window_tables++;
    return 0;
}

static uint64_t slot_pte_maddr(uint64_t slot)
{
    return (window_l1[slot / 512] << 12) + (slot % 512) * 8;
}

static void flush(uint64_t first, uint64_t n)
{
    if (n > 32) {
        struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
        hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        struct mmuext_op op = {.cmd = MMUEXT_INVLPG_LOCAL,
                               .arg1.linear_addr = MM_WINDOW_START + (first + i) * PAGE_SIZE};
        hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
}

/* Clear n window PTEs from slot first (all of them mapped). */
static int clear_slots(uint64_t first, uint64_t n)
{
    struct mmu_update req[BATCH];
    unsigned int k = 0;
    int err = 0;

    for (uint64_t i = first; i < first + n; i++) {
        req[k].ptr = slot_pte_maddr(i) + MMU_NORMAL_PT_UPDATE;
        req[k].val = 0;
        if (++k == BATCH || i + 1 == first + n) {
            long rc = mmu_batch(req, k, DOMID_SELF, NULL);
            if (rc && !err) {
                err = (int)rc;
            }
            k = 0;
        }
    }
    flush(first, n);
    return err;
}

int mm_foreign_map(domid_t dom, const uint64_t *mfns, size_t n, bool writable, void **out)
{
    if (!n || n > MM_WINDOW_PAGES) {
        return -XEN_EINVAL;
    }
    int64_t first = slots_find(n);
    if (first < 0) {
        return -XEN_ENOMEM;
    }
    for (uint64_t s = (uint64_t)first; s < (uint64_t)first + n; s += 512 - s % 512) {
        int rc = window_ensure_l1(s);
        if (rc) {
            return rc;
        }
    }

    struct mmu_update req[BATCH];
    uint64_t mapped = 0;
    while (mapped < n) {
        unsigned int k = 0, done = 0;
        while (k < BATCH && mapped + k < n) {
            req[k].ptr = slot_pte_maddr((uint64_t)first + mapped + k) + MMU_NORMAL_PT_UPDATE;
            req[k].val = (mfns[mapped + k] << 12) | (writable ? PT_PAGE_RW : PT_PAGE_RO);
            k++;
        }
        long rc = mmu_batch(req, k, dom, &done);
        mapped += done;
        if (rc || done != k) {
            if (mapped) {
                clear_slots((uint64_t)first, mapped);
            }
            return rc ? (int)rc : -XEN_EFAULT;
        }
    }
    slots_set((uint64_t)first, n, true);
    window_used += n;
    /* No flush: these PTEs were empty, and clear_slots() flushed when they were emptied. */
    *out = (void *)(MM_WINDOW_START + (uint64_t)first * PAGE_SIZE);
    return 0;
}

int mm_foreign_unmap(void *va, size_t n)
{
    uint64_t a = (uintptr_t)va;

    if (a < MM_WINDOW_START || (a & (PAGE_SIZE - 1)) || !n) {
        return -XEN_EINVAL;
    }
    uint64_t first = (a - MM_WINDOW_START) / PAGE_SIZE;
    if (first >= MM_WINDOW_PAGES || n > MM_WINDOW_PAGES - first) {
        return -XEN_EINVAL;
    }
    for (uint64_t i = first; i < first + n; i++) {
        if (!slot_used(i)) {
            return -XEN_EINVAL;
        }
    }
    int rc = clear_slots(first, n);
    slots_set(first, n, false);
    window_used -= n;
    return rc;
}

void mm_get_stats(struct mm_stats *st)
{
    st->nr_pages = start_info->nr_pages;
    st->heap_pages = heap_pages;
    st->window_used = window_used;
    st->window_tables = window_tables;
}
