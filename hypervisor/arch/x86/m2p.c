/* The M2P table: see asm/m2p.h. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <asm/layout.h>
#include <asm/m2p.h>
#include <asm/page.h>

static uint64_t *m2p;
static mfn_t m2p_entries, m2p_first_mfn, m2p_frames;

mfn_t m2p_frame(uint64_t i)
{
    return i < m2p_frames ? m2p_first_mfn + i : INVALID_MFN;
}

uint64_t m2p_nr_frames(void)
{
    return m2p_frames;
}

void m2p_init(void)
{
    uint64_t bytes = frame_table_size * sizeof(uint64_t);
    unsigned int order = 0;
    mfn_t mfn;

    while ((PAGE_SIZE << order) < bytes) {
        order++;
    }
    if (bytes > RO_MPT_VIRT_END - RO_MPT_VIRT_START ||
        (mfn = frame_alloc(order, DOMID_XEN)) == INVALID_MFN) {
        panic("m2p: cannot allocate the table (%llu KiB)", (unsigned long long)(bytes >> 10));
    }
    m2p = mfn_to_virt(mfn);
    m2p_first_mfn = mfn;
    m2p_frames = 1ull << order;
    m2p_entries = (PAGE_SIZE << order) / sizeof(uint64_t);
    for (mfn_t i = 0; i < m2p_frames; i++) {
        mfn_to_page(mfn + i)->flags |= PGF_XEN_SHARED;
    }
    memset(m2p, 0xff, PAGE_SIZE << order);
    if (map_pages(RO_MPT_VIRT_START, mfn << PAGE_SHIFT, 1ull << order,
                  _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)) {
        panic("m2p: cannot map the guest view");
    }
    log_info("m2p: %llu entries, read-only for guests at %#llx\n",
             (unsigned long long)frame_table_size, (unsigned long long)RO_MPT_VIRT_START);
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (mfn < m2p_entries) {
        m2p[mfn] = pfn;
    }
}

uint64_t m2p_get(mfn_t mfn)
{
    return mfn < m2p_entries ? m2p[mfn] : M2P_INVALID;
}
