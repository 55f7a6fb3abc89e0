/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's toolstack interface (xenolith/domctl.h), one call per
 * operation. Each returns 0 or a negative XEN_E* value.
 */
#ifndef DOM0_DCTL_H
#define DOM0_DCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <xenolith/domctl.h>

int dctl_call(struct xenolith_domctl *op);
/* The domain dom, or with next the first domain whose id is >= dom. */
int dctl_info(domid_t dom, bool next, struct xl_domctl_info *out);
int dctl_phys_info(struct xl_domctl_phys_info *out);
int dctl_pause(domid_t dom);
int dctl_unpause(domid_t dom);
int dctl_destroy(domid_t dom);
int dctl_shutdown(domid_t dom, uint32_t reason);
/* Read the hypervisor log from offset: *got bytes into buf, *next the
 * position after them. */
int dctl_read_log(uint64_t offset, char *buf, uint64_t size, uint64_t *got, uint64_t *next);

#endif /* DOM0_DCTL_H */
