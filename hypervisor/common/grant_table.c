/*
 * Grant tables, version 1, with Xen's semantics and status codes
 * (docs/grant-tables.md).
 *
 * Per domain (struct grant_table): the shared frames holding its grant
 * entries, one active entry per reference (which domain pins it, the frame
 * pinned, how many mappings of each kind) and the maptrack, the mappings
 * this domain holds of grants, indexed by the handles map_grant_ref returns.
 *
 * Shared entries belong to their guest, which may rewrite them at any time:
 * an entry is read once as one 8-byte word, validated, and pinned with a
 * compare-and-swap of that same word, so what was validated is what was
 * pinned; only the copy is used afterwards. Flags are cleared with one
 * atomic AND, which cannot be livelocked by the guest.
 *
 * Lifetimes: each maptrack entry holds one general reference on the frame
 * it maps and counts in its granter's table (grant_maps); a table whose
 * domain is destroyed stays, without its shared frames, until the last
 * mapping of its grants is gone.
 *
 * Locking: one global lock serialises all grant state: tables, active
 * entries, maptracks and the frame references this file takes. Lock order:
 * gnttab_lock, then the heap's, then the frame allocator's. The
 * architecture's map and unmap hooks run without it (they may flush TLBs);
 * the maptrack entry they work on is marked busy meanwhile.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/spinlock.h>
#include <xen/xen.h>

#define PER_FRAME ((grant_ref_t)GNTTAB_ENTRIES_PER_FRAME)
#define MAPTRACK_NONE UINT32_MAX
#define MAPTRACK_CHUNKS (GNTTAB_MAX_MAPTRACK_LIMIT / GNTTAB_MAPTRACK_CHUNK)
#define PIN_MAX UINT16_MAX
#define PIN_RETRIES 5           /* compare-and-swap attempts on a shared entry, as Xen */
/* GNTMAP_* bits a mapping keeps (what unmap and teardown need). */
#define MAP_KEPT_FLAGS (GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly | \
                        GNTMAP_application_map | GNTMAP_contains_pte)

struct active_grant {
    mfn_t mfn;              /* the frame pinned; valid while any pin is held */
    domid_t domid;          /* the one domain using the grant while pinned */
    uint16_t host_ro, host_rw, dev_ro, dev_rw;  /* pins (copies count as host) */
};

struct maptrack_entry {
    struct grant_table *gt; /* the granting domain's table */
    uint64_t cookie;        /* the architecture's record of the host mapping */
    grant_ref_t ref;
    uint32_t flags;         /* GNTMAP_* still mapped; 0: free */
    uint32_t next_free;
    bool busy;              /* an arch call on this mapping is under way */
};

struct grant_table {
    struct domain *d;       /* NULL once the domain is destroyed */
    domid_t domid;
    unsigned int nr_frames; /* grows only, published after the frame */
    unsigned int max_frames;
    mfn_t *frames;          /* [max_frames] */
    struct active_grant **active;   /* [max_frames] arrays of PER_FRAME */
    unsigned int grant_maps;        /* maptrack entries anywhere naming this table */
    struct maptrack_entry **maptrack;   /* [MAPTRACK_CHUNKS], allocated on first map */
    unsigned int maptrack_limit;    /* entries allocated */
    unsigned int maptrack_used;
    unsigned int max_maptrack;
    uint32_t maptrack_free;
};

static spinlock_t gnttab_lock = SPINLOCK_INIT;

#ifdef XENOLITH_HOST_TEST
void (*gnttab_test_race_hook)(struct grant_entry_v1 *entry);
#define RACE_WINDOW(w)                                                                 \
    do {                                                                               \
        if (gnttab_test_race_hook) {                                                   \
            gnttab_test_race_hook((struct grant_entry_v1 *)(w));                       \
        }                                                                              \
    } while (0)
#else
#define RACE_WINDOW(w) do { } while (0)
#endif

/* --------------------------------------------------------- tables */

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * PER_FRAME;
}

/* A shared entry as one little-endian word: flags 0-15, domid 16-31, frame 32-63. */
static uint64_t *entry_word(const struct grant_table *gt, grant_ref_t ref)
{
    return (uint64_t *)mfn_to_virt(gt->frames[ref / PER_FRAME]) + ref % PER_FRAME;
}

static struct active_grant *active_entry(const struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / PER_FRAME][ref % PER_FRAME];
}

static unsigned int pins(const struct active_grant *a)
{
    return (unsigned int)a->host_ro + a->host_rw + a->dev_ro + a->dev_rw;
}

static unsigned int writers(const struct active_grant *a)
{
    return (unsigned int)a->host_rw + a->dev_rw;
}

/* Clamp a checked index under speculation too: it is guest-controlled. */
static uint32_t nospec(uint32_t idx)
{
    __asm__("" : "+r"(idx));
    return idx;
}

static void release_frame_slot(struct grant_table *gt, unsigned int i)
{
    /* Our permanent reference; a frame the guest still maps is freed by its last put. */
    struct page_info *pg = mfn_to_page(gt->frames[i]);

    if (--pg->count == 0) {
        domain_free_frame(gt->frames[i]);
    }
    gt->frames[i] = INVALID_MFN;
}

/* Add shared frames up to nr. All or nothing: 0 or -ENOMEM. */
static int grow_table(struct grant_table *gt, unsigned int nr)
{
    unsigned int i;

    for (i = gt->nr_frames; i < nr; i++) {
        mfn_t m = frame_alloc(0, DOMID_XEN);
        struct active_grant *a = xzalloc(PER_FRAME * sizeof(*a));

        if (m == INVALID_MFN || !a) {
            if (m != INVALID_MFN) {
                frame_free(m, 0);
            }
            xfree(a);
            goto undo;
        }
        memset(mfn_to_virt(m), 0, PAGE_SIZE);
        /* The hypervisor's frame, lent to the domain as shared_info is. */
        mfn_to_page(m)->aux = gt->domid;
        mfn_to_page(m)->count = 1;
        gt->frames[i] = m;
        gt->active[i] = a;
    }
    __atomic_store_n(&gt->nr_frames, nr, __ATOMIC_RELEASE);
    return 0;

undo:
    while (i-- > gt->nr_frames) {
        release_frame_slot(gt, i);
        xfree(gt->active[i]);
        gt->active[i] = NULL;
    }
    return -ENOMEM;
}

static void free_table(struct grant_table *gt)
{
    for (unsigned int i = 0; i < gt->max_frames; i++) {
        xfree(gt->active[i]);
    }
    if (gt->maptrack) {
        for (unsigned int c = 0; c < MAPTRACK_CHUNKS; c++) {
            xfree(gt->maptrack[c]);
        }
        xfree(gt->maptrack);
    }
    xfree(gt->active);
    xfree(gt->frames);
    xfree(gt);
}

static bool limits_ok(unsigned int max_frames, unsigned int max_maptrack)
{
    return max_frames >= GNTTAB_INITIAL_FRAMES && max_frames <= GNTTAB_MAX_FRAMES_LIMIT &&
           max_maptrack <= GNTTAB_MAX_MAPTRACK_LIMIT;
}

int gnttab_domain_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack)
{
    struct grant_table *gt;
    unsigned long flags;
    int rc;

    if (!limits_ok(max_frames, max_maptrack)) {
        return -EINVAL;
    }
    gt = xzalloc(sizeof(*gt));
    if (!gt) {
        return -ENOMEM;
    }
    gt->frames = xzalloc(max_frames * sizeof(*gt->frames));
    gt->active = xzalloc(max_frames * sizeof(*gt->active));
    if (!gt->frames || !gt->active) {
        free_table(gt);
        return -ENOMEM;
    }
    gt->d = d;
    gt->domid = d->id;
    gt->max_frames = max_frames;
    gt->max_maptrack = max_maptrack;
    gt->maptrack_free = MAPTRACK_NONE;
    flags = spin_lock_irqsave(&gnttab_lock);
    rc = grow_table(gt, GNTTAB_INITIAL_FRAMES);
    spin_unlock_irqrestore(&gnttab_lock, flags);
    if (rc) {
        free_table(gt);
        return rc;
    }
    d->grant_table = gt;
    return 0;
}

int gnttab_set_limits(struct domain *d, unsigned int max_frames, unsigned int max_maptrack)
{
    struct grant_table *gt = d->grant_table;
    mfn_t *frames = NULL;
    struct active_grant **active = NULL;
    unsigned long flags;
    int rc = 0;

    if (!gt) {
        return -ENOENT;
    }
    if (!limits_ok(max_frames, max_maptrack)) {
        return -EINVAL;
    }
    flags = spin_lock_irqsave(&gnttab_lock);
    if (max_frames < gt->nr_frames || max_maptrack < gt->maptrack_used) {
        rc = -EBUSY;
        goto out;
    }
    if (max_frames != gt->max_frames) {
        frames = xzalloc(max_frames * sizeof(*frames));
        active = xzalloc(max_frames * sizeof(*active));
        if (!frames || !active) {
            xfree(frames);
            xfree(active);
            rc = -ENOMEM;
            goto out;
        }
        memcpy(frames, gt->frames, gt->nr_frames * sizeof(*frames));
        memcpy(active, gt->active, gt->nr_frames * sizeof(*active));
        xfree(gt->frames);
        xfree(gt->active);
        gt->frames = frames;
        gt->active = active;
        gt->max_frames = max_frames;
    }
    gt->max_maptrack = max_maptrack;
out:
    spin_unlock_irqrestore(&gnttab_lock, flags);
    return rc;
}

bool gnttab_is_grant_frame(const struct domain *d, mfn_t mfn)
{
    const struct grant_table *gt = d->grant_table;
    unsigned int n;

    if (!gt) {
        return false;
    }
    /* Frames below nr_frames never change while the domain lives: no lock needed. */
    n = __atomic_load_n(&gt->nr_frames, __ATOMIC_ACQUIRE);
    for (unsigned int i = 0; i < n; i++) {
        if (gt->frames[i] == mfn) {
            return true;
        }
    }
    return false;
}

int gnttab_get_info(const struct domain *d, struct gnttab_info *info)
{
    const struct grant_table *gt = d->grant_table;
    unsigned long flags;

    if (!gt) {
        return -ENOENT;
    }
    flags = spin_lock_irqsave(&gnttab_lock);
    info->nr_frames = gt->nr_frames;
    info->max_frames = gt->max_frames;
    info->maptrack_used = gt->maptrack_used;
    info->maptrack_limit = gt->maptrack_limit;
    info->max_maptrack = gt->max_maptrack;
    info->mapped_by_others = gt->grant_maps;
    spin_unlock_irqrestore(&gnttab_lock, flags);
    return 0;
}

/* --------------------------------------------------------- frame references */

/* A general reference on a live frame `owner` owns; false if it does not own it. */
static bool frame_get(mfn_t mfn, domid_t owner)
{
    struct page_info *pg;

    if (!mfn_valid(mfn)) {
        return false;
    }
    pg = mfn_to_page(mfn);
    if ((pg->flags & PGF_FREE) || pg->owner != owner || pg->count == 0 ||
        pg->count == UINT32_MAX) {
        return false;
    }
    pg->count++;
    return true;
}

/* Drop it; the last reference returns the frame (its owner had released it). */
static void frame_put(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (--pg->count == 0) {
        domain_free_frame(mfn);
    }
}

/*
 * The writable type a copy destination holds while it is written, as the
 * PV MMU's get_page_type(PGT_WRITABLE): refused while the frame is in use
 * as a page table or descriptor page.
 */
static bool frame_get_writable(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->type_count == 0) {
        pg->type = PGT_WRITABLE;
        pg->type_count = 1;
        return true;
    }
    if (pg->type != PGT_WRITABLE || pg->type_count == UINT32_MAX) {
        return false;
    }
    pg->type_count++;
    return true;
}

static void frame_put_writable(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (--pg->type_count == 0) {
        pg->type = PGT_NONE;
    }
}

/* --------------------------------------------------------- pins */

/*
 * Set GTF_reading (and GTF_writing unless readonly) in a shared entry. With
 * `check` (the first pin) the entry must permit access (type_mask selects
 * which flags must read exactly GTF_permit_access) to ldom; a writable pin
 * needs an entry without GTF_readonly. The swap covers the whole entry, so
 * the frame returned is the one validated. If the guest changes the entry in
 * between, the swap fails and we retry with what it wrote, PIN_RETRIES times.
 */
static int pin_shared(uint64_t *w, domid_t ldom, bool readonly, uint16_t type_mask, bool check,
                      uint32_t *frame)
{
    uint64_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE);

    for (unsigned int tries = 1;; tries++) {
        uint16_t flags = (uint16_t)old;
        uint64_t set = GTF_reading | (readonly ? 0 : GTF_writing);

        if (check && ((flags & type_mask) != GTF_permit_access || (domid_t)(old >> 16) != ldom)) {
            return GNTST_general_error;
        }
        if (!readonly && (flags & GTF_readonly)) {
            return GNTST_general_error;     /* write-pin of a read-only grant */
        }
        RACE_WINDOW(w);
        if (__atomic_compare_exchange_n(w, &old, old | set, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_ACQUIRE)) {
            *frame = (uint32_t)(old >> 32);
            return GNTST_okay;
        }
        if (tries == PIN_RETRIES) {
            log_warn("gnttab: d%u's grant entry is unstable\n", (unsigned int)ldom);
            return GNTST_general_error;
        }
    }
}

/*
 * After pins were dropped (or not taken): clear GTF_reading if nothing pins
 * the entry any more, and GTF_writing if this was a writable use and no
 * writer is left. The entry of a destroyed domain is gone: nothing to clear.
 */
static void unpin_shared(const struct grant_table *gt, grant_ref_t ref, bool readonly)
{
    const struct active_grant *a = active_entry(gt, ref);
    uint64_t clear = 0;

    if (!gt->d) {
        return;
    }
    if (pins(a) == 0) {
        clear |= GTF_reading;
    }
    if (!readonly && writers(a) == 0) {
        clear |= GTF_writing;
    }
    if (clear) {
        __atomic_fetch_and(entry_word(gt, ref), ~clear, __ATOMIC_SEQ_CST);
    }
}

static uint16_t *pin_counter(struct active_grant *a, bool host, bool readonly)
{
    if (host) {
        return readonly ? &a->host_ro : &a->host_rw;
    }
    return readonly ? &a->dev_ro : &a->dev_rw;
}

static bool pin_overflows(struct active_grant *a, bool host, bool dev, bool readonly)
{
    return (host && *pin_counter(a, true, readonly) == PIN_MAX) ||
           (dev && *pin_counter(a, false, readonly) == PIN_MAX);
}

static void pin_add(struct active_grant *a, bool host, bool dev, bool readonly, int delta)
{
    if (host) {
        *pin_counter(a, true, readonly) = (uint16_t)(*pin_counter(a, true, readonly) + delta);
    }
    if (dev) {
        *pin_counter(a, false, readonly) = (uint16_t)(*pin_counter(a, false, readonly) + delta);
    }
}

/*
 * Pin (gt, ref) for domain ldom: validate and flag the shared entry as Xen
 * does, take a general reference on the frame and count the pin (host
 * and/or device). for_map refuses GTF_sub_page entries (a copy ignores that
 * v2 flag, as Xen's v1 does). GNTST_okay with *mfn set, or a GNTST_* code
 * with nothing changed.
 */
static int acquire_grant(struct grant_table *gt, grant_ref_t ref, domid_t ldom, bool host, bool dev,
                         bool readonly, bool for_map, mfn_t *mfn)
{
    struct active_grant *a;
    bool first, flag;
    uint32_t frame = 0;
    int rc;

    if (ref >= nr_entries(gt)) {
        return GNTST_bad_gntref;
    }
    ref = nospec(ref);
    a = active_entry(gt, ref);
    first = pins(a) == 0;
    /* A pinned grant serves one domain; its counters must not wrap. */
    if (!first && (a->domid != ldom || pin_overflows(a, host, dev, readonly))) {
        return GNTST_general_error;
    }
    flag = first || (!readonly && writers(a) == 0);
    if (flag) {
        rc = pin_shared(entry_word(gt, ref), ldom, readonly,
                        for_map ? GTF_type_mask | GTF_sub_page : GTF_type_mask, first, &frame);
        if (rc != GNTST_okay) {
            return rc;
        }
    }
    if (first) {
        if (!frame_get(frame, gt->domid)) {
            rc = GNTST_bad_page;        /* not a frame the granter owns */
            goto clear;
        }
        a->mfn = frame;
        a->domid = ldom;
    } else {
        /* A copy upgrading to writable must find the frame it pinned (Xen). */
        if (flag && !for_map && frame != a->mfn) {
            rc = GNTST_general_error;
            goto clear;
        }
        if (!frame_get(a->mfn, gt->domid)) {
            rc = for_map ? GNTST_general_error : GNTST_bad_domain;
            goto clear;
        }
    }
    pin_add(a, host, dev, readonly, 1);
    *mfn = a->mfn;
    return GNTST_okay;

clear:
    unpin_shared(gt, ref, readonly);
    return rc;
}

/* Undo acquire_grant's pins (not its frame reference). */
static void unpin_grant(struct grant_table *gt, grant_ref_t ref, bool host, bool dev, bool readonly)
{
    pin_add(active_entry(gt, ref), host, dev, readonly, -1);
    unpin_shared(gt, ref, readonly);
}

/* --------------------------------------------------------- maptrack */

static struct maptrack_entry *mt_entry(const struct grant_table *gt, uint32_t h)
{
    return &gt->maptrack[h / GNTTAB_MAPTRACK_CHUNK][h % GNTTAB_MAPTRACK_CHUNK];
}

static bool maptrack_get(struct grant_table *gt, uint32_t *handle)
{
    struct maptrack_entry *e;

    if (gt->maptrack_used >= gt->max_maptrack) {
        return false;
    }
    if (!gt->maptrack) {
        gt->maptrack = xzalloc(MAPTRACK_CHUNKS * sizeof(*gt->maptrack));
        if (!gt->maptrack) {
            return false;
        }
    }
    if (gt->maptrack_free == MAPTRACK_NONE) {
        uint32_t base = gt->maptrack_limit;
        struct maptrack_entry *chunk = xzalloc(GNTTAB_MAPTRACK_CHUNK * sizeof(*chunk));

        if (!chunk) {
            return false;
        }
        for (uint32_t i = 0; i < GNTTAB_MAPTRACK_CHUNK; i++) {
            chunk[i].next_free = i + 1 < GNTTAB_MAPTRACK_CHUNK ? base + i + 1 : MAPTRACK_NONE;
        }
        gt->maptrack[base / GNTTAB_MAPTRACK_CHUNK] = chunk;
        gt->maptrack_limit = base + GNTTAB_MAPTRACK_CHUNK;
        gt->maptrack_free = base;
    }
    *handle = gt->maptrack_free;
    e = mt_entry(gt, *handle);
    gt->maptrack_free = e->next_free;
    e->next_free = MAPTRACK_NONE;
    gt->maptrack_used++;
    return true;
}

static void maptrack_put(struct grant_table *gt, uint32_t h)
{
    struct maptrack_entry *e = mt_entry(gt, h);

    memset(e, 0, sizeof(*e));
    e->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
    gt->maptrack_used--;
}

/*
 * Forget mapping h of lgt: drop its remaining pins, clear the granter's
 * flags as needed, drop its frame reference, free the handle. A destroyed
 * granter's table goes with its last mapping. With teardown, the
 * architecture removes a host mapping that is still there.
 */
static void release_mapping(struct domain *ld, struct grant_table *lgt, uint32_t h, bool teardown)
{
    struct maptrack_entry *e = mt_entry(lgt, h);
    struct grant_table *rgt = e->gt;
    mfn_t mfn = active_entry(rgt, e->ref)->mfn;
    bool host = e->flags & GNTMAP_host_map, dev = e->flags & GNTMAP_device_map;

    if (teardown && host) {
        arch_gnttab_release(ld, e->cookie, mfn, e->flags);
    }
    unpin_grant(rgt, e->ref, host, dev, e->flags & GNTMAP_readonly);
    frame_put(mfn);
    maptrack_put(lgt, h);
    if (--rgt->grant_maps == 0 && !rgt->d) {
        free_table(rgt);
    }
}

/* --------------------------------------------------------- map and unmap */

static void map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool host = op->flags & GNTMAP_host_map, dev = op->flags & GNTMAP_device_map;
    struct maptrack_entry *e;
    struct domain *rd;
    uint64_t cookie = 0;
    unsigned long irq;
    uint32_t h;
    mfn_t mfn;
    int rc;

    if (!host && !dev) {
        op->status = GNTST_bad_gntref;      /* Xen's answer to "map as nothing" */
        return;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    rd = domain_lookup(op->dom);            /* DOMID_SELF is not accepted here (Xen) */
    rgt = rd ? rd->grant_table : NULL;
    if (!rgt) {
        rc = GNTST_bad_domain;
        goto out;
    }
    if (!lgt || !maptrack_get(lgt, &h)) {
        rc = GNTST_no_space;
        goto out;
    }
    rc = acquire_grant(rgt, op->ref, ld->id, host, dev, op->flags & GNTMAP_readonly, true, &mfn);
    if (rc != GNTST_okay) {
        maptrack_put(lgt, h);
        goto out;
    }
    e = mt_entry(lgt, h);
    e->gt = rgt;
    e->ref = op->ref;
    e->flags = op->flags & MAP_KEPT_FLAGS;
    e->busy = true;
    rgt->grant_maps++;
    if (host) {
        spin_unlock_irqrestore(&gnttab_lock, irq);
        rc = arch_gnttab_map(ld, op->host_addr, mfn, op->flags, &cookie);
        irq = spin_lock_irqsave(&gnttab_lock);
        e = mt_entry(lgt, h);
    }
    e->busy = false;
    if (rc != GNTST_okay) {
        release_mapping(ld, lgt, h, false);
        goto out;
    }
    e->cookie = cookie;
    op->handle = h;
    op->dev_bus_addr = (uint64_t)mfn << PAGE_SHIFT;
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    op->status = (int16_t)rc;
}

/*
 * Unmap what host_addr and dev_bus_addr name of mapping h (either may be 0:
 * that part stays mapped); the handle is freed when nothing is left mapped.
 */
static int unmap_one(struct domain *ld, uint32_t h, uint64_t host_addr, uint64_t dev_bus_addr,
                     uint64_t new_addr)
{
    struct grant_table *lgt = ld->grant_table;
    unsigned long irq = spin_lock_irqsave(&gnttab_lock);
    struct maptrack_entry *e;
    bool do_host, do_dev;
    uint32_t flags, done;
    mfn_t mfn;
    int rc = GNTST_okay;

    if (!lgt || h >= lgt->maptrack_limit) {
        rc = GNTST_bad_handle;
        goto out;
    }
    e = mt_entry(lgt, nospec(h));
    if (!e->flags || e->busy) {
        rc = GNTST_bad_handle;
        goto out;
    }
    flags = e->flags;
    mfn = active_entry(e->gt, e->ref)->mfn;
    if (dev_bus_addr && (flags & GNTMAP_device_map) && dev_bus_addr != (uint64_t)mfn << PAGE_SHIFT) {
        rc = GNTST_bad_dev_addr;
        goto out;
    }
    do_host = host_addr && (flags & GNTMAP_host_map);
    do_dev = dev_bus_addr && (flags & GNTMAP_device_map);
    if (do_host) {
        e->busy = true;
        spin_unlock_irqrestore(&gnttab_lock, irq);
        rc = arch_gnttab_unmap(ld, host_addr, mfn, new_addr, flags);
        irq = spin_lock_irqsave(&gnttab_lock);
        e = mt_entry(lgt, h);
        e->busy = false;
        if (rc != GNTST_okay) {
            goto out;
        }
    }
    if (!do_host && !do_dev) {
        goto out;                           /* nothing named: nothing done, as Xen */
    }
    done = (do_host ? GNTMAP_host_map : 0) | (do_dev ? GNTMAP_device_map : 0);
    if (!(flags & ~done & (GNTMAP_host_map | GNTMAP_device_map))) {
        release_mapping(ld, lgt, h, false);
        goto out;
    }
    /* One of host/device stays mapped: the handle and its frame reference stay. */
    unpin_grant(e->gt, e->ref, do_host, do_dev, flags & GNTMAP_readonly);
    e->flags &= ~done;
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return rc;
}

static void unmap_ref_op(struct domain *d, void *p)
{
    struct gnttab_unmap_grant_ref *op = p;

    op->status = (int16_t)unmap_one(d, op->handle, op->host_addr, op->dev_bus_addr, 0);
}

static void unmap_replace_op(struct domain *d, void *p)
{
    struct gnttab_unmap_and_replace *op = p;

    op->status = (int16_t)unmap_one(d, op->handle, op->host_addr, 0, op->new_addr);
}

static void map_ref_op(struct domain *d, void *p)
{
    map_one(d, p);
}

/* --------------------------------------------------------- copy */

struct copy_buf {
    struct grant_table *gt; /* set when the buffer is a pinned grant */
    grant_ref_t ref;
    mfn_t mfn;
    bool have_frame;        /* holds a general reference on mfn */
    bool have_type;         /* holds the writable type */
    bool readonly;
};

/* The domain a copy names: DOMID_SELF or any existing domain (Xen's any_id). */
static struct domain *copy_domain(struct domain *cur, domid_t id)
{
    return id == DOMID_SELF ? cur : domain_lookup(id);
}

static int copy_claim(struct domain *ld, struct domain *rd, const struct gnttab_copy_ptr *p,
                      bool is_gref, bool readonly, struct copy_buf *b)
{
    b->readonly = readonly;
    if (is_gref) {
        int rc;

        if (!rd->grant_table) {
            return GNTST_bad_domain;
        }
        rc = acquire_grant(rd->grant_table, p->u.ref, ld->id, true, false, readonly, false, &b->mfn);
        if (rc != GNTST_okay) {
            return rc;
        }
        b->gt = rd->grant_table;
        b->ref = p->u.ref;
    } else {
        /* Only DOMID_SELF reaches here: the frame must be the caller's own. */
        if (!frame_get(p->u.gmfn, ld->id)) {
            return GNTST_bad_page;
        }
        b->mfn = p->u.gmfn;
    }
    b->have_frame = true;
    if (!readonly) {
        if (!frame_get_writable(b->mfn)) {
            return GNTST_general_error;     /* a page table or descriptor page */
        }
        b->have_type = true;
    }
    return GNTST_okay;
}

static void copy_release(struct copy_buf *b)
{
    if (b->have_type) {
        frame_put_writable(b->mfn);
    }
    if (b->gt) {
        unpin_grant(b->gt, b->ref, true, false, b->readonly);
    }
    if (b->have_frame) {
        frame_put(b->mfn);
    }
}

/* One copy, checked in Xen's order so the status is the one Xen reports. */
static int copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    struct copy_buf src = { 0 }, dst = { 0 };
    struct domain *sd, *dd;
    unsigned long irq;
    int rc;

    if (op->len == 0) {
        return GNTST_okay;
    }
    /* Only grants may name another domain's memory. */
    if (!src_gref && op->source.domid != DOMID_SELF) {
        return GNTST_permission_denied;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    sd = copy_domain(ld, op->source.domid);
    if (!sd) {
        rc = GNTST_bad_domain;
        goto out;
    }
    if (!dst_gref && op->dest.domid != DOMID_SELF) {
        rc = GNTST_permission_denied;
        goto out;
    }
    dd = copy_domain(ld, op->dest.domid);
    if (!dd) {
        rc = GNTST_bad_domain;
        goto out;
    }
    rc = copy_claim(ld, sd, &op->source, src_gref, true, &src);
    if (rc == GNTST_okay) {
        rc = copy_claim(ld, dd, &op->dest, dst_gref, false, &dst);
    }
    if (rc == GNTST_okay) {
        if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) {
            rc = GNTST_bad_copy_arg;
        } else {
            memmove((char *)mfn_to_virt(dst.mfn) + op->dest.offset,
                    (const char *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
        }
    }
    copy_release(&dst);
    copy_release(&src);
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return rc;
}

static void copy_op(struct domain *d, void *p)
{
    struct gnttab_copy *op = p;

    op->status = (int16_t)copy_one(d, op);
}

/* --------------------------------------------------------- single ops */

/* The domain a setup/query names, with Xen's default policy: itself, or any if privileged. */
static struct domain *target_domain(struct domain *cur, domid_t id, bool *permitted)
{
    struct domain *t = id == DOMID_SELF ? cur : domain_lookup(id);

    *permitted = t == cur || is_privileged(cur);
    return t;
}

static long op_setup_table(struct domain *cur, uint64_t uop, uint32_t count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;
    unsigned long irq;
    unsigned int n = 0;
    bool permitted;

    if (count != 1) {
        return -EINVAL;
    }
    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    if (op.nr_frames && !guest_range_ok(op.frame_list.p, (size_t)op.nr_frames * sizeof(xen_pfn_t))) {
        return -EFAULT;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    d = target_domain(cur, op.dom, &permitted);
    gt = d ? d->grant_table : NULL;
    if (!gt) {
        op.status = GNTST_bad_domain;
    } else if (!permitted) {
        op.status = GNTST_permission_denied;
    } else if (op.nr_frames > gt->max_frames) {
        op.status = GNTST_general_error;    /* beyond the domain's limit */
    } else if (op.nr_frames > gt->nr_frames && grow_table(gt, op.nr_frames)) {
        op.status = GNTST_general_error;
    } else {
        op.status = GNTST_okay;
        n = op.nr_frames;
    }
    spin_unlock_irqrestore(&gnttab_lock, irq);
    /*
     * Frames below nr_frames stay until the domain is destroyed, which cannot
     * race its own call (nor, for a privileged caller, its own toolstack).
     */
    for (unsigned int i = 0; i < n; i++) {
        xen_pfn_t f = gt->frames[i];

        if (copy_to_guest(op.frame_list.p + i * sizeof(f), &f, sizeof(f))) {
            op.status = GNTST_bad_virt_addr;
            break;
        }
    }
    if (copy_to_guest(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                      sizeof(op.status))) {
        return -EFAULT;
    }
    return 0;
}

static long op_query_size(struct domain *cur, uint64_t uop, uint32_t count)
{
    struct gnttab_query_size op;
    struct domain *d;
    unsigned long irq;
    bool permitted;

    if (count != 1) {
        return -EINVAL;
    }
    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    d = target_domain(cur, op.dom, &permitted);
    if (!d || !d->grant_table) {
        op.status = GNTST_bad_domain;
    } else if (!permitted) {
        op.status = GNTST_permission_denied;
    } else {
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        op.status = GNTST_okay;
    }
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long op_get_version(struct domain *cur, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    bool permitted;

    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    d = target_domain(cur, op.dom, &permitted);
    if (!d || !d->grant_table) {
        return -ESRCH;
    }
    if (!permitted) {
        return -EPERM;
    }
    op.version = 1;
    if (copy_to_guest(uop + offsetof(struct gnttab_get_version, version), &op.version,
                      sizeof(op.version))) {
        return -EFAULT;
    }
    return 0;
}

/*
 * Only version 1 exists here: Xen with a domain's max grant version at 1
 * answers set_version(2) with -ENOSYS ("as before set_version existed") and
 * anything but 1 or 2 with -EINVAL; every answer carries the version in force.
 */
static long op_set_version(uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
    op.version = 1;
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

/* --------------------------------------------------------- batches */

typedef void batch_fn(struct domain *d, void *op);

/*
 * Each element: copy it in once, act on the copy, write back `out_len`
 * bytes from `out_off` (the whole op, or just its status). 0 when every
 * element was processed, whatever their statuses; -EFAULT if the array
 * cannot be read or written. A long batch continues transparently, as
 * Xen's does: the rest of the array is re-issued as the same hypercall.
 */
static long run_batch(struct domain *d, uint32_t cmd, uint64_t uop, uint32_t count, size_t size,
                      size_t out_off, size_t out_len, batch_fn *fn)
{
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_unmap_and_replace replace;
        struct gnttab_copy copy;
    } op;

    if (count == 0) {
        return 0;
    }
    if (!guest_range_ok(uop, (size_t)count * size)) {
        return -EFAULT;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * size;

        if (i && hypercall_preempt_check()) {
            return hypercall_continue(__HYPERVISOR_grant_table_op, cmd, at, count - i, 0, 0);
        }
        if (copy_from_guest(&op, at, size)) {
            return -EFAULT;
        }
        fn(d, &op);
        if (copy_to_guest(at + out_off, (const char *)&op + out_off, out_len)) {
            return -EFAULT;
        }
    }
    return 0;
}

#define STATUS_OF(type) offsetof(type, status), sizeof(((type *)0)->status)

long do_grant_table_op(uint64_t cmd64, uint64_t uop, uint64_t count64, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;
    uint32_t cmd = (uint32_t)cmd64, count = (uint32_t)count64;

    (void)a4;
    (void)a5;
    if ((int32_t)count < 0) {
        return -EINVAL;
    }
    /* The upper bits carry continuation state in Xen, for cache_flush only. */
    if ((cmd & ~0xfffu) && (cmd & 0xfffu) != GNTTABOP_cache_flush) {
        return -EINVAL;
    }
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_map_grant_ref), 0,
                         sizeof(struct gnttab_map_grant_ref), map_ref_op);
    case GNTTABOP_unmap_grant_ref:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref),
                         STATUS_OF(struct gnttab_unmap_grant_ref), unmap_ref_op);
    case GNTTABOP_unmap_and_replace:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_unmap_and_replace),
                         STATUS_OF(struct gnttab_unmap_and_replace), unmap_replace_op);
    case GNTTABOP_copy:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_copy),
                         STATUS_OF(struct gnttab_copy), copy_op);
    case GNTTABOP_setup_table:
        return op_setup_table(d, uop, count);
    case GNTTABOP_query_size:
        return op_query_size(d, uop, count);
    case GNTTABOP_get_version:
        return op_get_version(d, uop);
    case GNTTABOP_set_version:
        return op_set_version(uop);
    default:
        /* dump_table, transfer, get_status_frames (v2), swap_grant_ref, cache_flush (Arm). */
        return -ENOSYS;
    }
}

/* --------------------------------------------------------- domain death */

void gnttab_domain_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned long irq;

    if (!gt) {
        return;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    /* (a) The mappings d holds: removed, their frames and granters' flags released. */
    for (uint32_t h = 0; h < gt->maptrack_limit; h++) {
        if (mt_entry(gt, h)->flags) {
            release_mapping(d, gt, h, true);
        }
    }
    if (gt->maptrack) {
        for (unsigned int c = 0; c < MAPTRACK_CHUNKS; c++) {
            xfree(gt->maptrack[c]);
        }
        xfree(gt->maptrack);
        gt->maptrack = NULL;
    }
    gt->maptrack_limit = gt->maptrack_used = 0;
    gt->maptrack_free = MAPTRACK_NONE;
    /*
     * (b) The grants d gave: the shared frames go (freed now, or by the last
     * put of a page-table mapping d still has); mappings others hold keep
     * their frame references and active entries until they unmap.
     */
    d->grant_table = NULL;
    gt->d = NULL;
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        release_frame_slot(gt, i);
    }
    if (gt->grant_maps == 0) {
        free_table(gt);
    } else {
        log_info("gnttab: d%u destroyed with %u mappings of its grants outstanding\n",
                 (unsigned int)gt->domid, gt->grant_maps);
    }
    spin_unlock_irqrestore(&gnttab_lock, irq);
}
