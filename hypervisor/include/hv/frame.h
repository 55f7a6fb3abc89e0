/*
 * The frame table and the frame allocator.
 *
 * Every machine frame of RAM has a struct page_info. Besides the allocator's
 * own fields it carries what the PV MMU needs: the owning domain, the frame's
 * type (none, writable, L1-L4 page table, segment descriptor) held by a type
 * count, and a general reference count.
 *
 * Allocation is a binary buddy system over orders 0..FRAME_MAX_ORDER. Free
 * lists are threaded through page_info by frame number.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include <hv/arch.h>
#include <hv/types.h>

#define FRAME_MAX_ORDER 18            /* 1 GiB blocks */
#define FRAME_NONE 0xffffffffu        /* end of a frame list */

/* Owners that are not domains (Xen's numbering for the special ids). */
#define DOMID_XEN   0x7ff2u           /* the hypervisor itself */
#define DOMID_IO    0x7ff1u
#define DOMID_NONE  0x7ff4u           /* DOMID_INVALID: free or unowned */

enum page_type {
    PGT_NONE = 0,
    PGT_WRITABLE,
    PGT_L1,
    PGT_L2,
    PGT_L3,
    PGT_L4,
    PGT_SEG_DESC,
};

/* page_info.flags */
#define PGF_RAM        (1u << 0)   /* a real RAM frame (not a hole) */
#define PGF_FREE       (1u << 1)   /* head of a free buddy block */
#define PGF_ALLOCATED  (1u << 2)   /* head of an allocated block */
#define PGF_PINNED     (1u << 3)   /* page table pinned by its owner */
#define PGF_VALIDATED  (1u << 4)   /* current type's contents validated */
#define PGF_ALLOC_REF  (1u << 5)   /* the owner's allocation reference is held */
#define PGF_XEN_SHARED (1u << 6)   /* a hypervisor frame the privileged domain may map read-only */
#define PGF_TLB_STALE  (1u << 7)   /* a TLB may still map it as tlb_kind (see frame_tlb_*) */

/* page_info.tlb_kind besides the page types: mapped as two different things. */
#define TLB_KIND_MIXED 0xffu

struct page_info {
    uint32_t next, prev;     /* buddy free list, or the owner's page list */
    uint32_t count;          /* general references */
    uint32_t type_count;     /* references that hold `type` */
    uint16_t owner;          /* domid, DOMID_XEN or DOMID_NONE */
    uint8_t type;            /* enum page_type */
    uint8_t order;           /* block order, valid on a block head */
    uint16_t flags;          /* PGF_* */
    uint8_t tlb_kind;        /* with PGF_TLB_STALE: PGT_WRITABLE (data) or a table type */
    uint8_t pad;
    uint32_t aux;            /* type-specific data */
    uint32_t tlb_stamp;      /* arch_tlb_clock() when the last mapping went */
};
_Static_assert(sizeof(struct page_info) == 32, "page_info layout");

struct frame_stats {
    uint64_t total_pages;    /* RAM frames handed to the allocator */
    uint64_t free_pages;
    uint64_t bad_frees;      /* double frees and frees of foreign blocks, refused */
};

extern struct page_info *frame_table;
extern mfn_t frame_table_size;        /* entries, i.e. highest RAM mfn + 1 */

/* Set up the allocator over a zeroed table of nr entries. */
void frame_init(struct page_info *table, mfn_t nr);
/* Give [start, start + n) to the allocator; marks them RAM and free. */
void frame_add_free(mfn_t start, mfn_t n);

/* Returns the first frame of 2^order contiguous frames, or INVALID_MFN. */
mfn_t frame_alloc(unsigned int order, domid_t owner);
/* Returns 0, or -EINVAL for a double free, a bad order or a non-head frame. */
int frame_free(mfn_t mfn, unsigned int order);
/* Turn an allocated block into 2^order single-frame blocks, freeable one by one. */
void frame_split(mfn_t mfn, unsigned int order);

void frame_get_stats(struct frame_stats *st);

/*
 * Stale TLB entries. A guest that drops a mapping need not flush its TLB
 * (as on Xen, flushing is the guest's business), so the frame may still be
 * reachable through this CPU's TLB. Instead of flushing on every update, the
 * frame remembers when its last mapping of a kind went; a flush is paid only
 * if the frame is about to be used as something that stale entry must not
 * reach: freed, or given another type (a data page becoming a page table or
 * a descriptor page, a table becoming data or a table of another level).
 */
/* Its last mapping as `kind` (PGT_WRITABLE for data, else the table type) just went. */
void frame_tlb_note(mfn_t mfn, unsigned int kind);
/* Before mfn takes type `type` (PGT_NONE: before it is freed): flush if stale. */
void frame_tlb_sync(mfn_t mfn, unsigned int type);

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return &frame_table[mfn];
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return (mfn_t)(pg - frame_table);
}

static inline bool mfn_valid(mfn_t mfn)
{
    return mfn < frame_table_size && (frame_table[mfn].flags & PGF_RAM);
}

#endif /* HV_FRAME_H */
