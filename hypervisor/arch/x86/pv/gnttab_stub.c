/*
 * Grant host mappings for x86 PV: not written yet. Until the PV MMU installs
 * grant PTEs (see the contract in hv/grant_table.h), GNTMAP_host_map fails
 * with GNTST_general_error; device mappings, copies and the table itself work.
 */
#include <hv/domain.h>
#include <hv/grant_table.h>

int arch_gnttab_map(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint32_t flags,
                    uint64_t *cookie)
{
    (void)mapper;
    (void)host_addr;
    (void)frame;
    (void)flags;
    (void)cookie;
    return GNTST_general_error;
}

int arch_gnttab_unmap(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint64_t new_addr,
                      uint32_t flags)
{
    (void)mapper;
    (void)host_addr;
    (void)frame;
    (void)new_addr;
    (void)flags;
    return GNTST_general_error;
}

void arch_gnttab_release(struct domain *mapper, uint64_t cookie, mfn_t frame, uint32_t flags)
{
    (void)mapper;
    (void)cookie;
    (void)frame;
    (void)flags;
}
