/* The fake architecture's grant host mappings: see fake_gnttab.h. */
#include <string.h>
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <fake_gnttab.h>

struct fake_grant_pte fake_grant_ptes[FAKE_GRANT_PTES];
int fake_gnttab_map_status = GNTST_okay, fake_gnttab_unmap_status = GNTST_okay;
unsigned int fake_gnttab_releases;
uint64_t fake_gnttab_last_new_addr;

static struct fake_grant_pte *find(domid_t mapper, uint64_t addr)
{
    for (unsigned int i = 0; i < FAKE_GRANT_PTES; i++) {
        struct fake_grant_pte *p = &fake_grant_ptes[i];
        if (p->present && p->mapper == mapper && p->addr == addr) {
            return p;
        }
    }
    return NULL;
}

const struct fake_grant_pte *fake_gnttab_find(domid_t mapper, uint64_t addr)
{
    return find(mapper, addr);
}

unsigned int fake_gnttab_nr_ptes(domid_t mapper)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < FAKE_GRANT_PTES; i++) {
        n += fake_grant_ptes[i].present && fake_grant_ptes[i].mapper == mapper;
    }
    return n;
}

void fake_gnttab_reset(void)
{
    memset(fake_grant_ptes, 0, sizeof(fake_grant_ptes));
    fake_gnttab_map_status = fake_gnttab_unmap_status = GNTST_okay;
    fake_gnttab_releases = 0;
    fake_gnttab_last_new_addr = 0;
}

int arch_gnttab_map(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint32_t flags,
                    uint64_t *cookie)
{
    if (fake_gnttab_map_status != GNTST_okay) {
        return fake_gnttab_map_status;
    }
    if (find(mapper->id, host_addr)) {
        return GNTST_general_error;         /* something is mapped there already */
    }
    for (unsigned int i = 0; i < FAKE_GRANT_PTES; i++) {
        struct fake_grant_pte *p = &fake_grant_ptes[i];
        if (!p->present) {
            *p = (struct fake_grant_pte){ true, mapper->id, host_addr, frame, flags };
            *cookie = i + 1;
            return GNTST_okay;
        }
    }
    return GNTST_general_error;
}

int arch_gnttab_unmap(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint64_t new_addr,
                      uint32_t flags)
{
    struct fake_grant_pte *p = find(mapper->id, host_addr);

    if (fake_gnttab_unmap_status != GNTST_okay) {
        return fake_gnttab_unmap_status;
    }
    if (!p || p->frame != frame || (new_addr && (flags & GNTMAP_contains_pte))) {
        return GNTST_general_error;
    }
    fake_gnttab_last_new_addr = new_addr;
    memset(p, 0, sizeof(*p));
    return GNTST_okay;
}

void arch_gnttab_release(struct domain *mapper, uint64_t cookie, mfn_t frame, uint32_t flags)
{
    (void)flags;
    fake_gnttab_releases++;
    if (cookie >= 1 && cookie <= FAKE_GRANT_PTES) {
        struct fake_grant_pte *p = &fake_grant_ptes[cookie - 1];
        if (p->present && p->mapper == mapper->id && p->frame == frame) {
            memset(p, 0, sizeof(*p));
        }
    }
}
