/*
 * Transactions: optimistic, as in Xen. A transaction works on private copies
 * (see view.c); commit checks that nothing it touched changed meanwhile and
 * then publishes its changes and their watch events at once, or fails with
 * EAGAIN and changes nothing. The client is expected to retry.
 */
#include "xs_internal.h"

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    for (struct xs_txn *t = c->txns; t; t = t->next) {
        if (t->id == id) {
            return t;
        }
    }
    return NULL;
}

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
    struct xs_txn *t;

    if (!xs_conn_is_priv(c) && c->ntxns >= c->store->quota.transactions) {
        return -XS_EDQUOT;
    }
    t = calloc(1, sizeof(*t));
    if (!t) {
        return -XS_ENOMEM;
    }
    /* Ids are never 0 (no transaction) and never one still open. */
    do {
        t->id = c->next_txid++;
    } while (t->id == 0 || xs_txn_find(c, t->id));
    t->events_tail = &t->events;
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    *id = t->id;
    return 0;
}

int xs_txn_add_event(struct xs_txn *t, const char *path, bool recurse, const struct xs_acl *acl)
{
    size_t len = strlen(path);
    struct xs_pending_event *e = malloc(sizeof(*e) + len + 1);

    if (!e) {
        return -XS_ENOMEM;
    }
    if (xs_acl_copy(&e->acl, acl)) {
        free(e);
        return -XS_ENOMEM;
    }
    memcpy(e->path, path, len + 1);
    e->recurse = recurse;
    e->next = NULL;
    *t->events_tail = e;
    t->events_tail = &e->next;
    return 0;
}

static void txn_free(struct xs_txn *t)
{
    struct xs_pending_event *e, *next;

    for (e = t->events; e; e = next) {
        next = e->next;
        xs_acl_free(&e->acl);
        free(e);
    }
    xs_table_clear(&t->nodes);
    free(t);
}

static void txn_unlink(struct xs_conn *c, struct xs_txn *t)
{
    for (struct xs_txn **pp = &c->txns; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            c->ntxns--;
            return;
        }
    }
}

static int txn_validate(struct xs_conn *c, const struct xs_txn *t)
{
    const struct xs_store *s = c->store;

    for (uint32_t i = 0; i < t->nodes.nbuckets; i++) {
        for (const struct xs_node *n = t->nodes.buckets[i]; n; n = n->hnext) {
            const struct xs_node *m = xs_table_find(&s->nodes, n->path, n->path_len);

            if ((m ? m->gen : 0) != n->base_gen) {
                return -XS_EAGAIN;
            }
        }
    }
    if (!xs_conn_is_priv(c) && (t->nodes_delta > 0 || t->mem_delta > 0)) {
        const struct xs_domain *d = xs_domain_find(s, c->domid);
        int64_t nodes = (d ? d->nodes : 0) + t->nodes_delta;
        int64_t mem = (d ? (int64_t)d->memory : 0) + t->mem_delta;

        if (nodes > s->quota.nodes || mem > s->quota.memory) {
            return -XS_EDQUOT;
        }
    }
    return 0;
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
    int rc = 0;

    txn_unlink(c, t);
    if (commit) {
        rc = txn_validate(c, t);
    }
    if (commit && !rc) {
        for (uint32_t i = 0; !rc && i < t->nodes.nbuckets; i++) {
            for (struct xs_node *n = t->nodes.buckets[i]; !rc && n; n = n->hnext) {
                if (n->dirty) {
                    rc = xs_main_apply(c->store, n);
                }
            }
        }
        for (struct xs_pending_event *e = t->events; e; e = e->next) {
            xs_watch_fire(c->store, e->path, e->recurse, &e->acl);
        }
    }
    txn_free(t);
    return rc;
}

void xs_txn_free_all(struct xs_conn *c)
{
    while (c->txns) {
        struct xs_txn *t = c->txns;

        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
}
