/*
 * Nodes and the path-keyed hash table that holds them (the committed tree and
 * each transaction's overlay use the same table).
 */
#include "xs_internal.h"

uint32_t xs_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a: cheap, and good enough for paths */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

struct xs_node *xs_table_find(const struct xs_table *t, const char *path, size_t len)
{
    uint32_t h;

    if (!t->nbuckets) {
        return NULL;
    }
    h = xs_hash(path, len);
    for (struct xs_node *n = t->buckets[h & (t->nbuckets - 1)]; n; n = n->hnext) {
        if (n->hash == h && n->path_len == len && memcmp(n->path, path, len) == 0) {
            return n;
        }
    }
    return NULL;
}

static int table_grow(struct xs_table *t)
{
    uint32_t nb = t->nbuckets ? t->nbuckets * 2 : 64;
    struct xs_node **b;

    if (nb < t->nbuckets) {
        return -XS_ENOMEM;
    }
    b = calloc(nb, sizeof(*b));
    if (!b) {
        return -XS_ENOMEM;
    }
    for (uint32_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i], *next;

        for (; n; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
    return 0;
}

int xs_table_insert(struct xs_table *t, struct xs_node *n)
{
    if (t->count >= t->nbuckets) {
        int rc = table_grow(t);

        /* A full table still works, only slower: grow failure is not fatal. */
        if (rc && !t->nbuckets) {
            return rc;
        }
    }
    n->hnext = t->buckets[n->hash & (t->nbuckets - 1)];
    t->buckets[n->hash & (t->nbuckets - 1)] = n;
    t->count++;
    return 0;
}

void xs_table_remove(struct xs_table *t, struct xs_node *n)
{
    struct xs_node **pp = &t->buckets[n->hash & (t->nbuckets - 1)];

    for (; *pp; pp = &(*pp)->hnext) {
        if (*pp == n) {
            *pp = n->hnext;
            t->count--;
            return;
        }
    }
}

void xs_table_clear(struct xs_table *t)
{
    for (uint32_t i = 0; i < t->nbuckets; i++) {
        struct xs_node *n = t->buckets[i], *next;

        for (; n; n = next) {
            next = n->hnext;
            xs_node_free(n);
        }
    }
    free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->count = 0;
}

struct xs_node *xs_node_alloc(const char *path, size_t len)
{
    struct xs_node *n = calloc(1, sizeof(*n) + len + 1);

    if (!n) {
        return NULL;
    }
    n->path = (char *)(n + 1);
    memcpy(n->path, path, len);
    n->path[len] = '\0';
    n->path_len = (uint32_t)len;
    n->hash = xs_hash(path, len);
    n->present = true;
    return n;
}

void xs_node_free(struct xs_node *n)
{
    if (!n) {
        return;
    }
    free(n->value);
    free(n->children);
    xs_acl_free(&n->acl);
    free(n);
}

static int dup_bytes(char **dst, const char *src, size_t len)
{
    *dst = NULL;
    if (!len) {
        return 0;
    }
    *dst = malloc(len);
    if (!*dst) {
        return -XS_ENOMEM;
    }
    memcpy(*dst, src, len);
    return 0;
}

struct xs_node *xs_node_clone(const struct xs_node *src)
{
    struct xs_node *n = xs_node_alloc(src->path, src->path_len);

    if (!n) {
        return NULL;
    }
    n->gen = src->gen;
    n->value_len = src->value_len;
    n->children_len = src->children_len;
    if (dup_bytes(&n->value, src->value, src->value_len) ||
        dup_bytes(&n->children, src->children, src->children_len) ||
        xs_acl_copy(&n->acl, &src->acl)) {
        xs_node_free(n);
        return NULL;
    }
    return n;
}

/* What a node costs its owner: Xen counts value, children and ACL alike. */
size_t xs_node_size(const struct xs_node *n)
{
    return sizeof(*n) + n->path_len + 1 + n->value_len + n->children_len +
           n->acl.n * sizeof(struct xs_perm);
}

static long child_offset(const struct xs_node *n, const char *name, size_t len)
{
    for (uint32_t off = 0; off < n->children_len;) {
        size_t l = strlen(n->children + off);

        if (l == len && memcmp(n->children + off, name, len) == 0) {
            return off;
        }
        off += (uint32_t)l + 1;
    }
    return -1;
}

bool xs_node_has_child(const struct xs_node *n, const char *name, size_t len)
{
    return child_offset(n, name, len) >= 0;
}

int xs_node_add_child(struct xs_node *n, const char *name, size_t len)
{
    char *c;

    if (xs_node_has_child(n, name, len)) {
        return 0;
    }
    c = realloc(n->children, n->children_len + len + 1);
    if (!c) {
        return -XS_ENOMEM;
    }
    memcpy(c + n->children_len, name, len);
    c[n->children_len + len] = '\0';
    n->children = c;
    n->children_len += (uint32_t)len + 1;
    return 0;
}

void xs_node_del_child(struct xs_node *n, const char *name, size_t len)
{
    long off = child_offset(n, name, len);

    if (off < 0) {
        return;
    }
    memmove(n->children + off, n->children + off + len + 1,
            n->children_len - (size_t)off - len - 1);
    n->children_len -= (uint32_t)len + 1;
    if (!n->children_len) {
        free(n->children);
        n->children = NULL;
    }
}

int xs_node_set_value(struct xs_node *n, const char *v, size_t len)
{
    char *nv = NULL;

    if (len) {
        nv = malloc(len);
        if (!nv) {
            return -XS_ENOMEM;
        }
        memcpy(nv, v, len);
    }
    free(n->value);
    n->value = nv;
    n->value_len = (uint32_t)len;
    return 0;
}
