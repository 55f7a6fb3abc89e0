/*
 * Domains as the store sees them: whether the toolstack introduced them, the
 * ring they talk through, the domain they may act for (SET_TARGET), and what
 * they own, against which quotas are checked.
 */
#include "xs_internal.h"

struct xs_domain *xs_domain_find(const struct xs_store *s, unsigned int domid)
{
    for (struct xs_domain *d = s->domains; d; d = d->next) {
        if (d->domid == domid) {
            return d;
        }
    }
    return NULL;
}

struct xs_domain *xs_domain_get(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (d) {
        return d;
    }
    d = calloc(1, sizeof(*d));
    if (!d) {
        return NULL;
    }
    d->domid = domid;
    d->target = -1;
    d->next = s->domains;
    s->domains = d;
    return d;
}

/*
 * A record nobody needs any more: not introduced and owning nothing. Kept
 * records would grow the store by one per domain id ever seen, so a
 * long-lived service domain creating and destroying guests would leak.
 * Domain 0's record stays: the store itself refers to it.
 */
static void domain_forget_if_unused(struct xs_store *s, struct xs_domain *d)
{
    if (d->domid == 0 || d->introduced || d->nodes || d->memory) {
        return;
    }
    for (struct xs_domain **pp = &s->domains; *pp; pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            free(d);
            return;
        }
    }
}

void xs_domain_account(struct xs_store *s, unsigned int owner, int nodes, long mem)
{
    struct xs_domain *d = xs_domain_get(s, owner);

    /* Without memory for the record the charge is lost: quotas err on the lenient side. */
    if (!d) {
        return;
    }
    d->nodes += (uint32_t)nodes;
    d->memory += (size_t)mem;
    domain_forget_if_unused(s, d);
}

int xs_quota_check(struct xs_view *v, unsigned int owner, int new_nodes, long mem_increase)
{
    const struct xs_quota *q = &v->s->quota;
    const struct xs_domain *d;
    int64_t nodes, mem;

    /* Only a guest's own nodes count against its quota. */
    if (xs_conn_is_priv(v->c) || owner != v->c->domid) {
        return 0;
    }
    d = xs_domain_find(v->s, owner);
    nodes = (d ? d->nodes : 0) + (int64_t)new_nodes + (v->t ? v->t->nodes_delta : 0);
    mem = (d ? (int64_t)d->memory : 0) + mem_increase + (v->t ? v->t->mem_delta : 0);
    if (new_nodes > 0 && nodes > q->nodes) {
        return -XS_EDQUOT;
    }
    if (mem_increase > 0 && mem > q->memory) {
        return -XS_EDQUOT;
    }
    return 0;
}

struct xs_special *xs_special_find(struct xs_store *s, const char *name)
{
    for (int i = 0; i < XS_NSPECIAL; i++) {
        if (strcmp(s->special[i].name, name) == 0) {
            return &s->special[i];
        }
    }
    return NULL;
}

void xs_store_domain_gone(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);
    struct xs_special *rel = xs_special_find(s, "@releaseDomain");

    if (d) {
        d->introduced = false;
        d->target = -1;
        domain_forget_if_unused(s, d);
    }
    xs_watch_fire(s, rel->name, false, &rel->acl);
}
