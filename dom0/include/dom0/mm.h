/* SPDX-License-Identifier: MIT */
/*
 * dom0's memory: its own frames above the bootstrap region become the heap,
 * and a window of virtual addresses holds mappings of other domains' frames
 * (for the domain builder and the console/xenstore backends).
 *
 * Virtual layout (VA = pseudo-physical address, as the runtime's link map has it):
 *   [0, bootstrap end)       kernel, ramdisk, p2m, start_info, page tables
 *   [.., heap end)           the heap (the rest of dom0's memory)
 *   [1 GiB, 2 GiB)           the foreign-mapping window
 */
#ifndef DOM0_MM_H
#define DOM0_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

#define MM_WINDOW_START 0x40000000ul
#define MM_WINDOW_PAGES (512ul * 512ul)

/* Map the heap and start it. Panics on failure: dom0 cannot run without it. */
void mm_init(void);

/*
 * Map n machine frames of domain dom (in order) at consecutive pages of the
 * window. *out receives the address of the first. Returns 0 or -errno:
 * -XEN_ENOMEM when the window has no room; the hypervisor's error when a
 * frame may not be mapped (nothing stays mapped then).
 */
int mm_foreign_map(domid_t dom, const uint64_t *mfns, size_t n, bool writable, void **out);
/* Undo mm_foreign_map (the same va and n); the TLB is flushed for them. */
int mm_foreign_unmap(void *va, size_t n);

/*
 * A zeroed frame of dom0's own that is not mapped writable anywhere, as a new
 * page table needs; returns its machine frame number, or 0 when out of memory.
 * mm_pt_page_free() gives it back once no table references it.
 */
uint64_t mm_pt_page_alloc(void);
void mm_pt_page_free(uint64_t mfn);

struct mm_stats {
    uint64_t nr_pages;      /* dom0's memory */
    uint64_t heap_pages;    /* pages given to the heap */
    uint64_t window_used;   /* window pages mapped now */
    uint64_t window_tables; /* L1 tables of the window */
};
void mm_get_stats(struct mm_stats *st);

#endif /* DOM0_MM_H */
