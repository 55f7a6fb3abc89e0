/*
 * Creating and checking a store.
 */
#include "xs_internal.h"

void xs_quota_defaults(struct xs_quota *q)
{
    /* Xen's defaults for C xenstored, where it has one. */
    q->nodes = 1000;
    q->node_size = 2048;
    q->perms = 5;
    q->watches = 128;
    q->transactions = 10;
    q->outstanding = 20;
    q->events = 1024;
    q->memory = 2u * 1024 * 1024;
}

struct xs_store *xs_store_new(const struct xs_quota *quota, const struct xs_store_hooks *hooks)
{
    static const char *const special_names[XS_NSPECIAL] = {"@introduceDomain", "@releaseDomain"};
    struct xs_store *s = calloc(1, sizeof(*s));
    struct xs_domain *dom0;

    if (!s) {
        return NULL;
    }
    if (quota) {
        s->quota = *quota;
    } else {
        xs_quota_defaults(&s->quota);
    }
    if (hooks) {
        s->hooks = *hooks;
    }
    for (int i = 0; i < XS_NSPECIAL; i++) {
        s->special[i].name = special_names[i];
        s->special[i].acl.p = calloc(1, sizeof(struct xs_perm)); /* "n0" */
        if (!s->special[i].acl.p) {
            goto fail;
        }
        s->special[i].acl.n = 1;
    }
    dom0 = xs_domain_get(s, 0);
    if (!dom0 || xs_main_init_root(s)) {
        goto fail;
    }
    dom0->introduced = true; /* the service domain is there from the start */
    return s;
fail:
    xs_store_free(s);
    return NULL;
}

void xs_store_free(struct xs_store *s)
{
    if (!s) {
        return;
    }
    while (s->conns) {
        xs_conn_free(s->conns);
    }
    while (s->domains) {
        struct xs_domain *d = s->domains;

        s->domains = d->next;
        free(d);
    }
    for (int i = 0; i < XS_NSPECIAL; i++) {
        xs_acl_free(&s->special[i].acl);
    }
    xs_main_free(s);
    free(s);
}

void xs_store_set_logging(struct xs_store *s, bool on)
{
    s->logging = on;
}

uint32_t xs_store_node_count(const struct xs_store *s)
{
    return s->nodes.count;
}

size_t xs_store_memory(const struct xs_store *s)
{
    return s->memory;
}

static bool node_consistent(const struct xs_store *s, const struct xs_node *n)
{
    size_t plen;
    const struct xs_node *parent;
    const char *base;

    if (!n->acl.n) {
        return false;
    }
    for (uint32_t off = 0; off < n->children_len;) {
        const char *child = n->children + off;
        size_t cl = strlen(child);
        char path[XS_PATH_BUF + 256];
        size_t len = n->path_len;

        if (!cl || len + 1 + cl >= sizeof(path)) {
            return false;
        }
        memcpy(path, n->path, len);
        if (len > 1) {
            path[len++] = '/';
        }
        memcpy(path + len, child, cl);
        if (!xs_table_find(&s->nodes, path, len + cl)) {
            return false;
        }
        off += (uint32_t)cl + 1;
    }
    if (n->path_len == 1) {
        return true;
    }
    plen = xs_path_parent_len(n->path, n->path_len);
    parent = xs_table_find(&s->nodes, n->path, plen);
    base = xs_path_basename(n->path);
    return parent && xs_node_has_child(parent, base, strlen(base));
}

int xs_store_check(const struct xs_store *s)
{
    size_t mem = 0;
    uint32_t count = 0;

    if (!xs_table_find(&s->nodes, "/", 1)) {
        return -XS_EIO;
    }
    for (const struct xs_domain *d = s->domains; d; d = d->next) {
        uint32_t nodes = 0;
        size_t dmem = 0;

        for (uint32_t i = 0; i < s->nodes.nbuckets; i++) {
            for (const struct xs_node *n = s->nodes.buckets[i]; n; n = n->hnext) {
                if (n->acl.n && n->acl.p[0].id == d->domid) {
                    nodes++;
                    dmem += xs_node_size(n);
                }
            }
        }
        if (nodes != d->nodes || dmem != d->memory) {
            return -XS_EIO;
        }
    }
    for (uint32_t i = 0; i < s->nodes.nbuckets; i++) {
        for (const struct xs_node *n = s->nodes.buckets[i]; n; n = n->hnext) {
            if (!node_consistent(s, n)) {
                return -XS_EIO;
            }
            mem += xs_node_size(n);
            count++;
        }
    }
    return count == s->nodes.count && mem == s->memory ? 0 : -XS_EIO;
}
