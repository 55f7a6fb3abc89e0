/* SPDX-License-Identifier: MIT */
/*
 * dom0's heap: a boundary-tag allocator with size-class free lists.
 *
 * Every block carries a 16-byte header and a 16-byte footer with its size,
 * so that free() merges a block with both neighbours in constant time and
 * the heap never fragments into runs of small free blocks next to each
 * other. Free blocks keep their list links in their payload. Headers carry
 * a magic number that tells used from free, so a double free or a write
 * before an allocation is caught (dom0 stops: its state is no longer sound).
 */
#include <rt/runtime.h>
#include <dom0/heap.h>

#define MAGIC_USED 0x5553454455534544ull /* "DESUDESU" */
#define MAGIC_FREE 0x4545524645455246ull /* "FREEFREE" */
#define HDR        16u
#define FTR        16u
#define MIN_BLOCK  64u
#define NBINS      40

struct blk {
    uint64_t size; /* the whole block: header, payload, footer */
    uint64_t magic;
    /* free blocks only, in the payload: */
    struct blk *next, *prev;
};
struct ftr {
    uint64_t size;
    uint64_t magic;
};
_Static_assert(sizeof(struct blk) + FTR <= MIN_BLOCK, "a free block holds its links");

static uint8_t *arena_lo, *arena_hi;
static struct blk *bins[NBINS];
static uint64_t used_bytes, live_allocs;

static unsigned int bin_of(uint64_t size)
{
    unsigned int b = 63u - (unsigned int)__builtin_clzll(size) - 6u; /* 64 -> 0 */
    return b < NBINS ? b : NBINS - 1;
}

static struct ftr *ftr_of(struct blk *b)
{
    return (struct ftr *)((uint8_t *)b + b->size - FTR);
}

static void set_block(struct blk *b, uint64_t size, uint64_t magic)
{
    b->size = size;
    b->magic = magic;
    struct ftr *f = ftr_of(b);
    f->size = size;
    f->magic = magic;
}

static void bin_insert(struct blk *b)
{
    unsigned int i = bin_of(b->size);
    b->prev = NULL;
    b->next = bins[i];
    if (bins[i]) {
        bins[i]->prev = b;
    }
    bins[i] = b;
}

static void bin_remove(struct blk *b)
{
    if (b->prev) {
        b->prev->next = b->next;
    } else {
        bins[bin_of(b->size)] = b->next;
    }
    if (b->next) {
        b->next->prev = b->prev;
    }
}

static void __noreturn corrupt(const void *where, const char *what)
{
    panic("dom0 heap: %s at %p", what, where);
}

void heap_init(void *start, void *end)
{
    arena_lo = (uint8_t *)(((uintptr_t)start + 15) & ~(uintptr_t)15);
    arena_hi = (uint8_t *)((uintptr_t)end & ~(uintptr_t)15);
    struct blk *b = (struct blk *)arena_lo;
    set_block(b, (uint64_t)(arena_hi - arena_lo), MAGIC_FREE);
    bin_insert(b);
}

static uint64_t block_size_for(size_t n)
{
    if (n > (uint64_t)(arena_hi - arena_lo)) {
        return 0;
    }
    uint64_t need = (((uint64_t)n + 15) & ~15ull) + HDR + FTR;
    return need < MIN_BLOCK ? MIN_BLOCK : need;
}

/* Mark b used with size need, returning the tail to the free lists. */
static void *take(struct blk *b, uint64_t need)
{
    uint64_t size = b->size;

    bin_remove(b);
    if (size - need >= MIN_BLOCK) {
        struct blk *rest = (struct blk *)((uint8_t *)b + need);
        set_block(rest, size - need, MAGIC_FREE);
        bin_insert(rest);
        size = need;
    }
    set_block(b, size, MAGIC_USED);
    used_bytes += size;
    live_allocs++;
    return (uint8_t *)b + HDR;
}

void *malloc(size_t n)
{
    uint64_t need = block_size_for(n);

    if (!need) {
        return NULL;
    }
    for (unsigned int i = bin_of(need); i < NBINS; i++) {
        for (struct blk *b = bins[i]; b; b = b->next) {
            if (b->magic != MAGIC_FREE) {
                corrupt(b, "damaged free list");
            }
            if (b->size >= need) {
                return take(b, need);
            }
        }
    }
    return NULL;
}

void *heap_alloc_aligned(size_t n, size_t align)
{
    uint64_t need = block_size_for(n);

    if (align <= 16) {
        return malloc(n);
    }
    if (!need || (align & (align - 1))) {
        return NULL;
    }
    for (unsigned int i = bin_of(need); i < NBINS; i++) {
        for (struct blk *b = bins[i]; b; b = b->next) {
            uint8_t *lo = (uint8_t *)b, *hi = lo + b->size;
            uint8_t *payload =
                (uint8_t *)(((uintptr_t)lo + HDR + align - 1) & ~(uintptr_t)(align - 1));
            /* A gap in front must be a block of its own. */
            while (payload - HDR != lo && (uint64_t)(payload - HDR - lo) < MIN_BLOCK) {
                payload += align;
            }
            if (payload - HDR + need > hi) {
                continue;
            }
            if (payload - HDR == lo) {
                return take(b, need);
            }
            uint64_t gap = (uint64_t)(payload - HDR - lo), size = b->size;
            bin_remove(b);
            set_block(b, gap, MAGIC_FREE);
            bin_insert(b);
            struct blk *a = (struct blk *)(payload - HDR);
            set_block(a, size - gap, MAGIC_FREE);
            bin_insert(a);
            return take(a, need);
        }
    }
    return NULL;
}

static struct blk *used_block(void *p)
{
    struct blk *b = (struct blk *)((uint8_t *)p - HDR);

    if ((uint8_t *)b < arena_lo || (uint8_t *)b >= arena_hi || ((uintptr_t)p & 15)) {
        corrupt(p, "pointer not from the heap");
    }
    if (b->magic != MAGIC_USED) {
        corrupt(p, b->magic == MAGIC_FREE ? "double free" : "damaged block header");
    }
    if (ftr_of(b)->size != b->size || ftr_of(b)->magic != MAGIC_USED) {
        corrupt(p, "damaged block footer (write past the end?)");
    }
    return b;
}

void free(void *p)
{
    if (!p) {
        return;
    }
    struct blk *b = used_block(p);
    uint64_t size = b->size;

    used_bytes -= size;
    live_allocs--;
    uint8_t *next = (uint8_t *)b + size;
    if (next < arena_hi && ((struct blk *)next)->magic == MAGIC_FREE) {
        struct blk *nb = (struct blk *)next;
        bin_remove(nb);
        size += nb->size;
    }
    if ((uint8_t *)b > arena_lo) {
        struct ftr *pf = (struct ftr *)((uint8_t *)b - FTR);
        if (pf->magic == MAGIC_FREE) {
            struct blk *pb = (struct blk *)((uint8_t *)b - pf->size);
            if (pb->magic != MAGIC_FREE || pb->size != pf->size) {
                corrupt(pb, "damaged free neighbour");
            }
            bin_remove(pb);
            size += pb->size;
            b = pb;
        }
    }
    set_block(b, size, MAGIC_FREE);
    bin_insert(b);
}

void *calloc(size_t nmemb, size_t size)
{
    if (size && nmemb > (size_t)-1 / size) {
        return NULL;
    }
    void *p = malloc(nmemb * size);
    if (p) {
        memset(p, 0, nmemb * size);
    }
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p) {
        return malloc(n);
    }
    if (!n) {
        free(p);
        return NULL;
    }
    struct blk *b = used_block(p);
    uint64_t need = block_size_for(n);
    if (!need) {
        return NULL;
    }
    if (b->size >= need) {
        return p;
    }
    /* Grow in place into a free successor. */
    uint8_t *next = (uint8_t *)b + b->size;
    if (next < arena_hi && ((struct blk *)next)->magic == MAGIC_FREE &&
        b->size + ((struct blk *)next)->size >= need) {
        struct blk *nb = (struct blk *)next;
        uint64_t total = b->size + nb->size, old = b->size;
        bin_remove(nb);
        used_bytes -= old;
        live_allocs--;
        set_block(b, total, MAGIC_FREE);
        bin_insert(b);
        return take(b, need);
    }
    void *q = malloc(n);
    if (!q) {
        return NULL;
    }
    memcpy(q, p, b->size - HDR - FTR);
    free(p);
    return q;
}

int heap_check(void)
{
    for (uint8_t *a = arena_lo; a < arena_hi;) {
        struct blk *b = (struct blk *)a;
        if ((b->magic != MAGIC_USED && b->magic != MAGIC_FREE) || b->size < MIN_BLOCK ||
            b->size > (uint64_t)(arena_hi - a) || ftr_of(b)->size != b->size ||
            ftr_of(b)->magic != b->magic) {
            return -XEN_EFAULT;
        }
        a += b->size;
    }
    return 0;
}

void heap_get_stats(struct heap_stats *st)
{
    st->total_bytes = (uint64_t)(arena_hi - arena_lo);
    st->used_bytes = used_bytes;
    st->live_allocs = live_allocs;
    st->largest_free = 0;
    for (unsigned int i = 0; i < NBINS; i++) {
        for (struct blk *b = bins[i]; b; b = b->next) {
            if (b->size - HDR - FTR > st->largest_free) {
                st->largest_free = b->size - HDR - FTR;
            }
        }
    }
}
