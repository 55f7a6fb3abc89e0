/*
 * The fake architecture's grant host mappings (arch/fake/gnttab_fake.c): a
 * table of "grant PTEs" keyed by (mapper, host_addr), so host tests can check
 * what is mapped where, and make the architecture refuse.
 */
#ifndef FAKE_GNTTAB_H
#define FAKE_GNTTAB_H

#include <hv/types.h>

#define FAKE_GRANT_PTES 1024

struct fake_grant_pte {
    bool present;
    domid_t mapper;
    uint64_t addr;
    mfn_t frame;
    uint32_t flags;
};

extern struct fake_grant_pte fake_grant_ptes[FAKE_GRANT_PTES];
/* Not GNTST_okay: arch_gnttab_map (or _unmap) returns this instead of acting. */
extern int fake_gnttab_map_status, fake_gnttab_unmap_status;
/* arch_gnttab_release calls, and the new_addr of the last unmap_and_replace. */
extern unsigned int fake_gnttab_releases;
extern uint64_t fake_gnttab_last_new_addr;

/* Present grant PTEs of mapper. */
unsigned int fake_gnttab_nr_ptes(domid_t mapper);
/* The present grant PTE of mapper at addr, or NULL. */
const struct fake_grant_pte *fake_gnttab_find(domid_t mapper, uint64_t addr);
/* Forget everything (between tests). */
void fake_gnttab_reset(void);

#endif /* FAKE_GNTTAB_H */
