/*
 * The hypervisor heap.
 *
 * Each allocation starts with a header holding a magic, its size class, the
 * requested size and the caller, and sits on a list of live allocations. The
 * header makes frees checkable (a double free or a wild pointer is refused)
 * and the list makes leaks countable and attributable.
 *
 * Small requests (header included, up to HEAP_MAX_CLASS) come from per-class
 * free lists carved out of frames; larger ones get a frame block of their own.
 * Frames given to a size class stay with it (a later frame-level reclaim can
 * come with the scheduler's idle work).
 */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/spinlock.h>

#define HEAP_MAGIC_LIVE 0x4865614cu   /* "HeaL" */
#define HEAP_MAGIC_FREE 0x46726565u   /* "Free" */
#define NR_CLASSES 7                  /* 32 .. 2048 */
#define CLASS_BIG 0xffu

struct heap_hdr {
    uint32_t magic;
    uint8_t cls;            /* size class index, or CLASS_BIG */
    uint8_t order;          /* frame order for CLASS_BIG */
    uint16_t pad;
    uint32_t size;          /* bytes the caller asked for */
    uint32_t check;         /* ties the magic to this address: see is_live() */
    const void *caller;
    struct heap_hdr *prev, *next;   /* live list, or free list (next only) */
    uint64_t pad3;
};
_Static_assert(sizeof(struct heap_hdr) == 48, "heap header keeps 16-byte alignment");

static struct {
    spinlock_t lock;
    struct heap_hdr *free[NR_CLASSES];
    struct heap_hdr *live;
    struct heap_stats st;
} heap = { .lock = SPINLOCK_INIT };

static unsigned int class_of(size_t total)
{
    unsigned int c = 0;

    while ((size_t)(HEAP_MIN_CLASS << c) < total) {
        c++;
    }
    return c;
}

/*
 * A header is live when its magic says so and its check word matches its own
 * address, so a pointer into the middle of another chunk is refused too.
 */
static uint32_t check_word(const struct heap_hdr *h)
{
    return (uint32_t)((uintptr_t)h >> 4) ^ HEAP_MAGIC_LIVE;
}

static bool is_live(const struct heap_hdr *h)
{
    return h->magic == HEAP_MAGIC_LIVE && h->check == check_word(h);
}

static void live_add(struct heap_hdr *h)
{
    h->prev = NULL;
    h->next = heap.live;
    if (heap.live) {
        heap.live->prev = h;
    }
    heap.live = h;
}

static void live_remove(struct heap_hdr *h)
{
    if (h->prev) {
        h->prev->next = h->next;
    } else {
        heap.live = h->next;
    }
    if (h->next) {
        h->next->prev = h->prev;
    }
}

/* Carve a fresh frame into chunks of class c. */
static bool refill(unsigned int c)
{
    size_t sz = (size_t)HEAP_MIN_CLASS << c;
    mfn_t mfn = frame_alloc(0, DOMID_XEN);
    uint8_t *page;

    if (mfn == INVALID_MFN) {
        return false;
    }
    heap.st.pages++;
    page = mfn_to_virt(mfn);
    for (size_t off = 0; off + sz <= PAGE_SIZE; off += sz) {
        struct heap_hdr *h = (struct heap_hdr *)(page + off);
        h->magic = HEAP_MAGIC_FREE;
        h->cls = (uint8_t)c;
        h->next = heap.free[c];
        heap.free[c] = h;
    }
    return true;
}

static struct heap_hdr *alloc_big(size_t total)
{
    unsigned int order = 0;
    struct heap_hdr *h;
    mfn_t mfn;

    while ((PAGE_SIZE << order) < total) {
        order++;
        if (order > FRAME_MAX_ORDER) {
            return NULL;
        }
    }
    mfn = frame_alloc(order, DOMID_XEN);
    if (mfn == INVALID_MFN) {
        return NULL;
    }
    heap.st.pages += 1ull << order;
    h = mfn_to_virt(mfn);
    h->cls = CLASS_BIG;
    h->order = (uint8_t)order;
    return h;
}

void *heap_alloc(size_t size, const void *caller)
{
    size_t total = size + sizeof(struct heap_hdr);
    struct heap_hdr *h = NULL;
    unsigned long flags;

    if (size == 0 || size > UINT32_MAX || total < size) {
        return NULL;
    }
    flags = spin_lock_irqsave(&heap.lock);
    if (total <= HEAP_MAX_CLASS) {
        unsigned int c = class_of(total);
        if (heap.free[c] || refill(c)) {
            h = heap.free[c];
            heap.free[c] = h->next;
        }
    } else {
        h = alloc_big(total);
    }
    if (!h) {
        heap.st.failed_allocs++;
        spin_unlock_irqrestore(&heap.lock, flags);
        return NULL;
    }
    h->magic = HEAP_MAGIC_LIVE;
    h->check = check_word(h);
    h->size = (uint32_t)size;
    h->caller = caller;
    live_add(h);
    heap.st.live_allocs++;
    heap.st.live_bytes += size;
    heap.st.total_allocs++;
    spin_unlock_irqrestore(&heap.lock, flags);
    return h + 1;
}

int heap_free(void *p)
{
    struct heap_hdr *h;
    unsigned long flags;

    if (!p || ((uintptr_t)p & 15)) {
        heap.st.bad_frees++;
        return -EINVAL;
    }
    h = (struct heap_hdr *)p - 1;
    flags = spin_lock_irqsave(&heap.lock);
    if (!is_live(h)) {
        heap.st.bad_frees++;
        spin_unlock_irqrestore(&heap.lock, flags);
        return -EINVAL;
    }
    live_remove(h);
    heap.st.live_allocs--;
    heap.st.live_bytes -= h->size;
    h->magic = HEAP_MAGIC_FREE;
    h->check = 0;
    if (h->cls == CLASS_BIG) {
        unsigned int order = h->order;
        heap.st.pages -= 1ull << order;
        frame_free(virt_to_mfn(h), order);
    } else {
        h->next = heap.free[h->cls];
        heap.free[h->cls] = h;
    }
    spin_unlock_irqrestore(&heap.lock, flags);
    return 0;
}

void *xzalloc(size_t size)
{
    void *p = heap_alloc(size, __builtin_return_address(0));

    if (p) {
        memset(p, 0, size);
    }
    return p;
}

void xfree(void *p)
{
    if (p && heap_free(p)) {
        panic("xfree(%p): not a live heap allocation", p);
    }
}

void heap_get_stats(struct heap_stats *st)
{
    unsigned long flags = spin_lock_irqsave(&heap.lock);

    *st = heap.st;
    spin_unlock_irqrestore(&heap.lock, flags);
}

unsigned int heap_report_live(void)
{
    unsigned long flags = spin_lock_irqsave(&heap.lock);
    unsigned int n = 0;

    for (const struct heap_hdr *h = heap.live; h; h = h->next, n++) {
        if (n < 32) {
            log_info("heap: live %u bytes at %p from %p\n", h->size, (const void *)(h + 1),
                     h->caller);
        }
    }
    spin_unlock_irqrestore(&heap.lock, flags);
    return n;
}
