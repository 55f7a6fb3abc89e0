/*
 * The one path for touching guest memory. Addresses are guest virtual
 * addresses in the current vCPU's address space; a range that wraps, is not
 * canonical or touches the hypervisor's hole is refused, and a page fault
 * during the copy is recovered (exception table), so a bad guest pointer
 * yields -EFAULT and nothing else. Callers copy a structure in once, validate
 * the copy, and use only the copy.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

/* Returns 0 or -EFAULT. */
int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);
/* Is [gva, gva + len) a range the guest may name at all? */
bool guest_range_ok(uint64_t gva, size_t len);

#endif /* HV_GUEST_ACCESS_H */
