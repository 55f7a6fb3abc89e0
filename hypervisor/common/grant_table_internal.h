/*
 * What the grant-table files (common/grant_table*.c) share: the per-domain
 * state, its one lock, and the core's pin, reference and maptrack
 * primitives. Not for use elsewhere: the interface is hv/grant_table.h.
 *
 *   grant_table.c       tables, frame references, pins, maptrack, domain death
 *   grant_table_map.c   map_grant_ref, unmap_grant_ref, unmap_and_replace
 *   grant_table_copy.c  copy
 *   grant_table_op.c    the hypercall: table ops, batches, continuations
 *
 * Locking: gnttab_lock serialises all grant state: tables, active entries,
 * maptracks and the frame references and types the core takes. Lock order:
 * gnttab_lock, then the heap's, then the frame allocator's. The
 * architecture's map and unmap hooks run without it (they may flush TLBs);
 * the maptrack entry they work on is marked busy meanwhile. Everything
 * below expects the lock held unless it says otherwise.
 */
#ifndef COMMON_GRANT_TABLE_INTERNAL_H
#define COMMON_GRANT_TABLE_INTERNAL_H

#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <hv/spinlock.h>

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

extern spinlock_t gnttab_lock;

static inline unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * PER_FRAME;
}

/* A shared entry as one little-endian word: flags 0-15, domid 16-31, frame 32-63. */
static inline uint64_t *entry_word(const struct grant_table *gt, grant_ref_t ref)
{
    return (uint64_t *)mfn_to_virt(gt->frames[ref / PER_FRAME]) + ref % PER_FRAME;
}

static inline struct active_grant *active_entry(const struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / PER_FRAME][ref % PER_FRAME];
}

static inline struct maptrack_entry *mt_entry(const struct grant_table *gt, uint32_t h)
{
    return &gt->maptrack[h / GNTTAB_MAPTRACK_CHUNK][h % GNTTAB_MAPTRACK_CHUNK];
}

/* Clamp a checked index under speculation too: it is guest-controlled. */
static inline uint32_t nospec(uint32_t idx)
{
    __asm__("" : "+r"(idx));
    return idx;
}

/* Add shared frames up to nr. All or nothing: 0 or -ENOMEM. */
int gnttab_grow(struct grant_table *gt, unsigned int nr);

/* General references and the writable type, on frames (see grant_table.c). */
bool gnttab_frame_get(mfn_t mfn, domid_t owner);
void gnttab_frame_put(mfn_t mfn);
bool gnttab_frame_get_writable(mfn_t mfn);
void gnttab_frame_put_writable(mfn_t mfn, bool mapped);

/*
 * Pin (gt, ref) for domain ldom with the frame's reference: GNTST_okay with
 * *mfn set, or a GNTST_* code with nothing changed. gnttab_unpin undoes the
 * pins (not the reference).
 */
int gnttab_acquire(struct grant_table *gt, grant_ref_t ref, domid_t ldom, bool host, bool dev,
                   bool readonly, bool for_map, mfn_t *mfn);
void gnttab_unpin(struct grant_table *gt, grant_ref_t ref, bool host, bool dev, bool readonly);

bool gnttab_maptrack_get(struct grant_table *gt, uint32_t *handle);
void gnttab_maptrack_put(struct grant_table *gt, uint32_t h);
/* Forget mapping h of lgt with everything it holds (see grant_table.c). */
enum gnttab_release { GNTTAB_UNDO, GNTTAB_UNMAPPED, GNTTAB_TEARDOWN };
void gnttab_release_mapping(struct domain *ld, struct grant_table *lgt, uint32_t h,
                            enum gnttab_release how);

/* The batched operations, one element each (grant_table_map.c, grant_table_copy.c). */
void gnttab_map_op(struct domain *d, void *op);
void gnttab_unmap_op(struct domain *d, void *op);
void gnttab_unmap_replace_op(struct domain *d, void *op);
void gnttab_copy_op(struct domain *d, void *op);

#endif /* COMMON_GRANT_TABLE_INTERNAL_H */
