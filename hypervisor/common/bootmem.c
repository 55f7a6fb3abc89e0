/*
 * Boot-time page allocator over a list of free physical ranges. Small and
 * quadratic on purpose: it runs once, over a few dozen ranges.
 */
#include <hv/bootmem.h>
#include <hv/errno.h>
#include <hv/lib.h>

void bootmem_init(struct bootmem *bm)
{
    memset(bm, 0, sizeof(*bm));
}

static void remove_at(struct bootmem *bm, unsigned int i)
{
    memmove(&bm->free[i], &bm->free[i + 1], (bm->nr - i - 1) * sizeof(bm->free[0]));
    bm->nr--;
}

static int insert_sorted(struct bootmem *bm, paddr_t start, paddr_t end)
{
    unsigned int i = 0;

    if (bm->nr == BOOTMEM_MAX_RANGES) {
        return -ENOSPC;
    }
    while (i < bm->nr && bm->free[i].start < start) {
        i++;
    }
    memmove(&bm->free[i + 1], &bm->free[i], (bm->nr - i) * sizeof(bm->free[0]));
    bm->free[i] = (struct bootmem_range){ start, end };
    bm->nr++;
    return 0;
}

int bootmem_add(struct bootmem *bm, paddr_t start, uint64_t size)
{
    paddr_t s = ALIGN_UP(start, PAGE_SIZE);
    paddr_t e = start + size < start ? ALIGN_DOWN(UINT64_MAX, PAGE_SIZE)
                                     : ALIGN_DOWN(start + size, PAGE_SIZE);

    if (e <= s) {
        return 0;
    }
    /* Callers add disjoint RAM; refuse overlap rather than double count. */
    for (unsigned int i = 0; i < bm->nr; i++) {
        if (s < bm->free[i].end && bm->free[i].start < e) {
            return -EEXIST;
        }
    }
    return insert_sorted(bm, s, e);
}

int bootmem_reserve(struct bootmem *bm, paddr_t start, uint64_t size)
{
    paddr_t s = ALIGN_DOWN(start, PAGE_SIZE);
    paddr_t end = start + size;
    /* Up to the top of the address space if rounding up the end would wrap. */
    paddr_t e = end < start || end > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE) ? UINT64_MAX
                                                                       : ALIGN_UP(end, PAGE_SIZE);

    for (unsigned int i = 0; i < bm->nr;) {
        struct bootmem_range *r = &bm->free[i];

        if (e <= r->start || s >= r->end) {
            i++;
            continue;
        }
        if (s <= r->start && e >= r->end) {
            remove_at(bm, i);
            continue;
        }
        if (s > r->start && e < r->end) {
            paddr_t tail = r->end;
            int rc;

            r->end = s;
            rc = insert_sorted(bm, e, tail);
            if (rc) {
                r->end = tail;  /* leave the list as it was */
                return rc;
            }
            return 0;
        }
        if (s <= r->start) {
            r->start = e;
        } else {
            r->end = s;
        }
        i++;
    }
    return 0;
}

static paddr_t take(struct bootmem *bm, unsigned int i, paddr_t at, uint64_t nr)
{
    struct bootmem_range *r = &bm->free[i];
    paddr_t end = at + nr * PAGE_SIZE;

    if (at == r->start && end == r->end) {
        remove_at(bm, i);
    } else if (at == r->start) {
        r->start = end;
    } else if (end == r->end) {
        r->end = at;
    } else if (insert_sorted(bm, end, r->end) == 0) {
        bm->free[i].end = at;   /* insert kept index i: later ranges only moved */
    } else {
        return 0;
    }
    bm->allocated_pages += nr;
    return at;
}

paddr_t bootmem_alloc(struct bootmem *bm, uint64_t nr, uint64_t align, paddr_t limit)
{
    uint64_t bytes = nr * PAGE_SIZE;

    if (nr == 0 || nr > UINT64_MAX / PAGE_SIZE || align < PAGE_SIZE || (align & (align - 1))) {
        return 0;
    }
    for (unsigned int i = bm->nr; i-- > 0;) {
        struct bootmem_range *r = &bm->free[i];
        paddr_t top = MIN(r->end, limit), at;

        if (top < r->start || top - r->start < bytes) {
            continue;
        }
        at = ALIGN_DOWN(top - bytes, align);
        if (at >= r->start && at != 0) {
            return take(bm, i, at, nr);
        }
    }
    return 0;
}

paddr_t bootmem_alloc_low(struct bootmem *bm, uint64_t nr, paddr_t floor, paddr_t limit)
{
    uint64_t bytes = nr * PAGE_SIZE;

    if (nr == 0 || nr > UINT64_MAX / PAGE_SIZE || floor > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE)) {
        return 0;
    }
    floor = ALIGN_UP(floor, PAGE_SIZE);
    for (unsigned int i = 0; i < bm->nr; i++) {
        paddr_t at = MAX(bm->free[i].start, floor);
        paddr_t end = MIN(bm->free[i].end, limit);

        if (at == 0) {
            at = PAGE_SIZE;     /* 0 means failure to callers */
        }
        if (at <= end && end - at >= bytes) {
            return take(bm, i, at, nr);
        }
    }
    return 0;
}

uint64_t bootmem_free_pages(const struct bootmem *bm)
{
    uint64_t n = 0;

    for (unsigned int i = 0; i < bm->nr; i++) {
        n += (bm->free[i].end - bm->free[i].start) / PAGE_SIZE;
    }
    return n;
}
