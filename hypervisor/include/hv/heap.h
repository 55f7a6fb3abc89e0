/*
 * The hypervisor heap: small objects from power-of-two size classes carved
 * out of frames, large ones as whole frame blocks. Every live allocation is
 * on a list with its caller, so leaks can be counted and listed.
 */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <hv/types.h>

#define HEAP_MIN_CLASS 32     /* bytes, header included */
#define HEAP_MAX_CLASS 2048   /* larger requests take whole frames */

struct heap_stats {
    uint64_t live_allocs;     /* allocations not yet freed */
    uint64_t live_bytes;      /* bytes requested by them */
    uint64_t total_allocs;
    uint64_t failed_allocs;
    uint64_t bad_frees;       /* double frees, wild pointers: refused */
    uint64_t pages;           /* frames the heap holds, cached ones included */
};

void *heap_alloc(size_t size, const void *caller);
/* Returns 0, or -EINVAL when p is not a live allocation (nothing is changed). */
int heap_free(void *p);
void heap_get_stats(struct heap_stats *st);
/* Log each live allocation (caller, size); returns how many there are. */
unsigned int heap_report_live(void);

#define xmalloc(size) heap_alloc((size), __builtin_return_address(0))
void *xzalloc(size_t size);
void xfree(void *p);   /* NULL is fine; a bad pointer is a hypervisor bug */

#endif /* HV_HEAP_H */
