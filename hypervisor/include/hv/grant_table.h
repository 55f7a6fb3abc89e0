/*
 * Grant tables, version 1 (Xen's ABI): a domain shares one of its frames by
 * writing an entry (flags, grantee domid, frame) in its grant table, a set
 * of hypervisor frames lent to it; the grantee then maps the frame or copies
 * to or from it by (granting domain, reference). docs/grant-tables.md
 * describes the protocol, the limits and what happens when a domain dies.
 *
 * The portable core (common/grant_table.c) keeps, per domain, the shared
 * frames, one active entry per reference (who pins it, which frame, how
 * many mappings) and the maptrack (the mappings this domain holds of others'
 * grants, by handle). Page-table entries for host mappings are architecture
 * work: the arch_gnttab_* functions below.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/types.h>
#include <xen/grant_table.h>

struct domain;

#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_INITIAL_FRAMES 1u          /* as Xen on x86: setup_table grows it */
#define GNTTAB_DEFAULT_MAX_FRAMES 32u     /* xl's default for a domain */
#define GNTTAB_MAX_FRAMES_LIMIT 1024u     /* no limit may exceed this */
#define GNTTAB_MAPTRACK_CHUNK 256u        /* maptrack entries allocated at a time */
/* Xen's default: 1024 maptrack frames of 256 entries. */
#define GNTTAB_DEFAULT_MAX_MAPTRACK (1024u * GNTTAB_MAPTRACK_CHUNK)
#define GNTTAB_MAX_MAPTRACK_LIMIT GNTTAB_DEFAULT_MAX_MAPTRACK

/*
 * Give d a grant table of GNTTAB_INITIAL_FRAMES frames that may grow to
 * max_frames, and room for up to max_maptrack mappings of others' grants.
 * 0, -EINVAL for limits out of range, or -ENOMEM.
 */
int gnttab_domain_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack);

/*
 * Change d's limits (toolstack, tests). Refused with -EBUSY if d already
 * uses more than the new limits allow, -EINVAL out of range, -ENOMEM.
 */
int gnttab_set_limits(struct domain *d, unsigned int max_frames, unsigned int max_maptrack);

/*
 * Tear down d's grant state. Every mapping d holds of other domains' grants
 * is removed (arch_gnttab_release for host mappings), its frame reference
 * dropped and the granter's GTF_reading/GTF_writing cleared as an unmap
 * would. Grants d gave that others still map stay valid for those mappers:
 * their frame references keep the frames alive and their handles keep
 * working until they unmap; d's table itself is freed with the last such
 * mapping. Call it while d's page tables still exist (see arch_gnttab_map).
 */
void gnttab_domain_destroy(struct domain *d);

/* Is mfn one of d's grant-table frames (which d may map, like shared_info)? */
bool gnttab_is_grant_frame(const struct domain *d, mfn_t mfn);

/* What a domain's grant state holds right now (tests, diagnostics). */
struct gnttab_info {
    unsigned int nr_frames;       /* shared frames set up */
    unsigned int max_frames;
    unsigned int maptrack_used;   /* mappings d holds of grants */
    unsigned int maptrack_limit;  /* maptrack entries allocated so far */
    unsigned int max_maptrack;
    unsigned int mapped_by_others;  /* mappings of d's grants held by anyone */
};
/* 0, or -ENOENT when d has no grant table. */
int gnttab_get_info(const struct domain *d, struct gnttab_info *info);

long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count, uint64_t a4, uint64_t a5);

/* ---------------------------------------------------------------------------
 * Architecture interface: host mappings (GNTMAP_host_map).
 *
 * The core owns, for as long as a mapping exists, one general reference on
 * the granted frame and, for a writable mapping (no GNTMAP_readonly), its
 * writable type reference (so a page table or descriptor page is never
 * mapped writable: the core refuses with GNTST_general_error before calling
 * the architecture). The page-table entry the architecture writes must take
 * and drop neither: the MMU has to recognise grant PTEs (Xen marks them
 * with an available bit) when it validates or releases an L1 table. A grant
 * PTE may only be removed through arch_gnttab_unmap/_release: the MMU must
 * refuse (or crash the guest on) an mmu_update that overwrites one, as Xen
 * does.
 *
 * These are called without the grant-table lock held (except
 * arch_gnttab_release, see below) and may flush TLBs. They return
 * GNTST_okay or a GNTST_* code (GNTST_general_error for a bad address or a
 * PTE that does not hold what is expected), which the guest sees as the
 * operation's status.
 */

/*
 * Map frame for mapper: host_addr is a virtual address in mapper's current
 * address space, or with GNTMAP_contains_pte the machine address of the L1
 * entry to write. GNTMAP_readonly: no write permission; GNTMAP_application_map:
 * user-accessible. On success store in *cookie whatever the architecture
 * needs to find the entry again at teardown (e.g. the PTE's machine address).
 */
int arch_gnttab_map(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint32_t flags,
                    uint64_t *cookie);

/*
 * Remove the mapping of frame at host_addr (interpreted as for map, with the
 * flags the mapping was made with). The entry found there must map frame,
 * else GNTST_general_error and nothing changes. With new_addr != 0
 * (GNTTABOP_unmap_and_replace) the entry at virtual address new_addr is
 * moved into host_addr's place and new_addr's entry cleared, as Xen does.
 */
int arch_gnttab_unmap(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint64_t new_addr,
                      uint32_t flags);

/*
 * Domain teardown: remove the mapping recorded by cookie if its entry still
 * maps frame. Cannot fail. Called with the grant-table lock held, for a
 * mapper that no longer runs (no TLB shootdown of running vCPUs is needed).
 */
void arch_gnttab_release(struct domain *mapper, uint64_t cookie, mfn_t frame, uint32_t flags);

#ifdef XENOLITH_HOST_TEST
/*
 * Host tests only: called between reading a shared entry and the
 * compare-and-swap that pins it, so a test can play a granter changing the
 * entry at that moment.
 */
extern void (*gnttab_test_race_hook)(struct grant_entry_v1 *entry);
#endif

#endif /* HV_GRANT_TABLE_H */
