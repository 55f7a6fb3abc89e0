/*
 * Grant tables, version 1, with Xen's semantics and status codes
 * (docs/grant-tables.md). This file is the core: per-domain tables, the
 * frame references and pins the operations take, the maptrack, and domain
 * death; grant_table_internal.h lists the other files and the locking.
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
 * it maps (and its writable type, unless read-only: a frame in use as a
 * page table is never mapped writable) and counts in its granter's table
 * (grant_maps); a table whose domain is destroyed stays, without its shared
 * frames, until the last mapping of its grants is gone.
 */
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <xen/xen.h>
#include "grant_table_internal.h"

spinlock_t gnttab_lock = SPINLOCK_INIT;

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

static unsigned int pins(const struct active_grant *a)
{
    return (unsigned int)a->host_ro + a->host_rw + a->dev_ro + a->dev_rw;
}

static unsigned int writers(const struct active_grant *a)
{
    return (unsigned int)a->host_rw + a->dev_rw;
}

static void release_frame_slot(struct grant_table *gt, unsigned int i)
{
    /* Our permanent reference; a frame the guest still maps is freed by its last put. */
    arch_put_frame(gt->frames[i]);
    gt->frames[i] = INVALID_MFN;
}

/* Add shared frames up to nr. All or nothing: 0 or -ENOMEM. */
int gnttab_grow(struct grant_table *gt, unsigned int nr)
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
    rc = gnttab_grow(gt, GNTTAB_INITIAL_FRAMES);
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
bool gnttab_frame_get(mfn_t mfn, domid_t owner)
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
void gnttab_frame_put(mfn_t mfn)
{
    arch_put_frame(mfn);
}

/*
 * The writable type a writable mapping or a copy destination holds, as the
 * PV MMU's get_page_type(PGT_WRITABLE): refused while the frame is in use
 * as a page table or descriptor page, and after one, with the TLB flush its
 * stale table entries call for (frame_tlb_sync).
 */
bool gnttab_frame_get_writable(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->type_count == 0) {
        frame_tlb_sync(mfn, PGT_WRITABLE);
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

/*
 * mapped: a guest may have had the frame mapped writable through it, so a
 * TLB entry may outlive the type (frame_tlb_note makes a later retype or
 * free flush first). A copy, or a mapping that was never made, leaves none.
 */
void gnttab_frame_put_writable(mfn_t mfn, bool mapped)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (--pg->type_count == 0) {
        if (mapped) {
            frame_tlb_note(mfn, PGT_WRITABLE);
        }
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
int gnttab_acquire(struct grant_table *gt, grant_ref_t ref, domid_t ldom, bool host, bool dev,
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
        if (!gnttab_frame_get(frame, gt->domid)) {
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
        if (!gnttab_frame_get(a->mfn, gt->domid)) {
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

/* Undo gnttab_acquire's pins (not its frame reference). */
void gnttab_unpin(struct grant_table *gt, grant_ref_t ref, bool host, bool dev, bool readonly)
{
    struct active_grant *a = active_entry(gt, ref);

    pin_add(a, host, dev, readonly, -1);
    unpin_shared(gt, ref, readonly);
    if (pins(a) == 0) {
        a->mfn = 0;             /* unused: leave no trace of the last user */
        a->domid = 0;
    }
}

/* --------------------------------------------------------- maptrack */

bool gnttab_maptrack_get(struct grant_table *gt, uint32_t *handle)
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

void gnttab_maptrack_put(struct grant_table *gt, uint32_t h)
{
    struct maptrack_entry *e = mt_entry(gt, h);

    memset(e, 0, sizeof(*e));
    e->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
    gt->maptrack_used--;
}

/*
 * Forget mapping h of lgt: drop its remaining pins, clear the granter's
 * flags as needed, drop its frame reference and type, free the handle. A
 * destroyed granter's table goes with its last mapping. How: GNTTAB_UNDO
 * for a map that failed (nothing was mapped), GNTTAB_UNMAPPED when the
 * architecture has removed the host mapping already, GNTTAB_TEARDOWN to have
 * it removed now (arch_gnttab_release).
 */
void gnttab_release_mapping(struct domain *ld, struct grant_table *lgt, uint32_t h,
                            enum gnttab_release how)
{
    struct maptrack_entry *e = mt_entry(lgt, h);
    struct grant_table *rgt = e->gt;
    mfn_t mfn = active_entry(rgt, e->ref)->mfn;
    bool host = e->flags & GNTMAP_host_map, dev = e->flags & GNTMAP_device_map;

    if (how == GNTTAB_TEARDOWN && host) {
        arch_gnttab_release(ld, e->cookie, mfn, e->flags);
    }
    gnttab_unpin(rgt, e->ref, host, dev, e->flags & GNTMAP_readonly);
    if (!(e->flags & GNTMAP_readonly)) {
        gnttab_frame_put_writable(mfn, how != GNTTAB_UNDO);
    }
    gnttab_frame_put(mfn);
    gnttab_maptrack_put(lgt, h);
    if (--rgt->grant_maps == 0 && !rgt->d) {
        free_table(rgt);
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
            gnttab_release_mapping(d, gt, h, GNTTAB_TEARDOWN);
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
