/*
 * The frame allocator: a binary buddy system over the frame table.
 *
 * A free block is described by its head frame: PGF_FREE set, `order` its
 * size, linked into free_list[order] through next/prev. An allocated block's
 * head has PGF_ALLOCATED and its order, so a free can be checked against what
 * was allocated: a double free, a free of a frame inside a block or with the
 * wrong order is refused and counted rather than corrupting the lists.
 */
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/spinlock.h>

struct page_info *frame_table;
mfn_t frame_table_size;

static struct {
    spinlock_t lock;
    uint32_t free_list[FRAME_MAX_ORDER + 1];
    struct frame_stats st;
} fa = { .lock = SPINLOCK_INIT };

static void list_push(unsigned int order, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    pg->flags = (uint16_t)((pg->flags & PGF_RAM) | PGF_FREE);
    pg->order = (uint8_t)order;
    pg->owner = DOMID_NONE;
    pg->prev = FRAME_NONE;
    pg->next = fa.free_list[order];
    if (pg->next != FRAME_NONE) {
        mfn_to_page(pg->next)->prev = (uint32_t)mfn;
    }
    fa.free_list[order] = (uint32_t)mfn;
}

static void list_remove(unsigned int order, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->prev != FRAME_NONE) {
        mfn_to_page(pg->prev)->next = pg->next;
    } else {
        fa.free_list[order] = pg->next;
    }
    if (pg->next != FRAME_NONE) {
        mfn_to_page(pg->next)->prev = pg->prev;
    }
    pg->flags &= (uint16_t)~PGF_FREE;
    pg->next = pg->prev = FRAME_NONE;
}

void frame_init(struct page_info *table, mfn_t nr)
{
    frame_table = table;
    frame_table_size = nr;
    for (mfn_t i = 0; i < nr; i++) {
        table[i].next = table[i].prev = FRAME_NONE;
        table[i].owner = DOMID_NONE;
    }
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
        fa.free_list[o] = FRAME_NONE;
    }
    memset(&fa.st, 0, sizeof(fa.st));
}

/* Free a block and merge it with free buddies of the same order. */
static void free_block(mfn_t mfn, unsigned int order)
{
    while (order < FRAME_MAX_ORDER) {
        mfn_t buddy = mfn ^ ((mfn_t)1 << order);
        struct page_info *b;

        if (buddy >= frame_table_size) {
            break;
        }
        b = mfn_to_page(buddy);
        if (!(b->flags & PGF_FREE) || b->order != order) {
            break;
        }
        list_remove(order, buddy);
        mfn &= ~((mfn_t)1 << order);
        order++;
    }
    list_push(order, mfn);
}

void frame_add_free(mfn_t start, mfn_t n)
{
    unsigned long flags = spin_lock_irqsave(&fa.lock);
    mfn_t end = MIN(start + n, frame_table_size);

    for (mfn_t m = start; m < end; m++) {
        frame_table[m].flags |= PGF_RAM;
    }
    /* Largest naturally aligned blocks that fit, left to right. */
    while (start < end) {
        unsigned int order = 0;

        while (order < FRAME_MAX_ORDER && !(start & ((mfn_t)1 << order)) &&
               start + ((mfn_t)2 << order) <= end) {
            order++;
        }
        free_block(start, order);
        fa.st.total_pages += (mfn_t)1 << order;
        fa.st.free_pages += (mfn_t)1 << order;
        start += (mfn_t)1 << order;
    }
    spin_unlock_irqrestore(&fa.lock, flags);
}

mfn_t frame_alloc(unsigned int order, domid_t owner)
{
    unsigned long flags;
    unsigned int o;
    mfn_t mfn;

    if (order > FRAME_MAX_ORDER) {
        return INVALID_MFN;
    }
    flags = spin_lock_irqsave(&fa.lock);
    for (o = order; o <= FRAME_MAX_ORDER && fa.free_list[o] == FRAME_NONE; o++) {
    }
    if (o > FRAME_MAX_ORDER) {
        spin_unlock_irqrestore(&fa.lock, flags);
        return INVALID_MFN;
    }
    mfn = fa.free_list[o];
    list_remove(o, mfn);
    /* Split: give the upper halves back until the block is the size asked. */
    while (o > order) {
        o--;
        list_push(o, mfn + ((mfn_t)1 << o));
    }
    for (mfn_t i = 0; i < ((mfn_t)1 << order); i++) {
        struct page_info *pg = mfn_to_page(mfn + i);
        pg->owner = owner;
        pg->type = PGT_NONE;
        pg->count = pg->type_count = 0;
        pg->aux = 0;
        pg->flags = PGF_RAM;
    }
    mfn_to_page(mfn)->flags |= PGF_ALLOCATED;
    mfn_to_page(mfn)->order = (uint8_t)order;
    fa.st.free_pages -= (mfn_t)1 << order;
    spin_unlock_irqrestore(&fa.lock, flags);
    return mfn;
}

int frame_free(mfn_t mfn, unsigned int order)
{
    unsigned long flags;
    struct page_info *pg;

    if (mfn >= frame_table_size || order > FRAME_MAX_ORDER) {
        fa.st.bad_frees++;
        return -EINVAL;
    }
    flags = spin_lock_irqsave(&fa.lock);
    pg = mfn_to_page(mfn);
    if (!(pg->flags & PGF_ALLOCATED) || pg->order != order) {
        fa.st.bad_frees++;
        spin_unlock_irqrestore(&fa.lock, flags);
        log_err("frame_free: mfn %#llx order %u is not an allocated block%s\n",
                (unsigned long long)mfn, order,
                (pg->flags & PGF_FREE) ? " (double free)" : "");
        return -EINVAL;
    }
    for (mfn_t i = 0; i < ((mfn_t)1 << order); i++) {
        struct page_info *p = mfn_to_page(mfn + i);
        frame_tlb_sync(mfn + i, PGT_NONE);     /* before anyone else can have it */
        p->owner = DOMID_NONE;
        p->type = PGT_NONE;
        p->flags = PGF_RAM;
    }
    free_block(mfn, order);
    fa.st.free_pages += (mfn_t)1 << order;
    spin_unlock_irqrestore(&fa.lock, flags);
    return 0;
}

void frame_split(mfn_t mfn, unsigned int order)
{
    unsigned long flags = spin_lock_irqsave(&fa.lock);

    if (mfn < frame_table_size && (mfn_to_page(mfn)->flags & PGF_ALLOCATED) &&
        mfn_to_page(mfn)->order == order) {
        for (mfn_t i = 0; i < ((mfn_t)1 << order); i++) {
            mfn_to_page(mfn + i)->flags |= PGF_ALLOCATED;
            mfn_to_page(mfn + i)->order = 0;
        }
    }
    spin_unlock_irqrestore(&fa.lock, flags);
}

void frame_tlb_note(mfn_t mfn, unsigned int kind)
{
    struct page_info *pg = mfn_to_page(mfn);

    if ((pg->flags & PGF_TLB_STALE) && pg->tlb_kind != kind) {
        kind = TLB_KIND_MIXED;
    }
    pg->tlb_kind = (uint8_t)kind;
    pg->tlb_stamp = arch_tlb_clock();  /* the newest stamp covers older ones */
    pg->flags |= PGF_TLB_STALE;
}

void frame_tlb_sync(mfn_t mfn, unsigned int type)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (!(pg->flags & PGF_TLB_STALE)) {
        return;
    }
    /* A stale entry of the same kind reaches nothing the new use protects. */
    if (type != PGT_NONE && pg->tlb_kind == type) {
        return;
    }
    if (!arch_tlb_flushed_since(pg->tlb_stamp)) {
        arch_tlb_flush();
    }
    pg->flags &= (uint16_t)~PGF_TLB_STALE;
}

void frame_get_stats(struct frame_stats *st)
{
    unsigned long flags = spin_lock_irqsave(&fa.lock);

    *st = fa.st;
    spin_unlock_irqrestore(&fa.lock, flags);
}
