/*
 * Reading and changing nodes through a view: the committed tree, or the
 * overlay of a transaction. Operations are written once against the view, so
 * a request behaves the same inside and outside a transaction.
 *
 * Every check (path, permission, quota) happens before the first change, so a
 * refused request leaves the store as it was.
 */
#include "xs_internal.h"

static unsigned int owner_of(const struct xs_node *n)
{
    return n->acl.n ? n->acl.p[0].id : 0;
}

/* Charge (sign +1) or refund (-1) a node to its owner. */
static void charge(struct xs_view *v, const struct xs_node *n, int sign)
{
    long size = (long)xs_node_size(n);

    if (!v->t) {
        xs_domain_account(v->s, owner_of(n), sign, sign * size);
        if (sign > 0) {
            v->s->memory += (size_t)size;
        } else {
            v->s->memory -= (size_t)size;
        }
    } else if (v->c && owner_of(n) == v->c->domid) {
        v->t->nodes_delta += sign;
        v->t->mem_delta += sign * size;
    }
}

/* Call before changing a node in place... */
static void modify_begin(struct xs_view *v, struct xs_node *n)
{
    charge(v, n, -1);
}

/* ...and after: the node gets a new generation. */
static void modify_end(struct xs_view *v, struct xs_node *n)
{
    charge(v, n, +1);
    n->gen = ++v->s->next_gen;
    if (v->t) {
        n->dirty = true;
    }
}

int xs_view_get(struct xs_view *v, const char *path, struct xs_node **out)
{
    size_t len = strlen(path);
    struct xs_node *m = xs_table_find(&v->s->nodes, path, len), *n;

    *out = NULL;
    if (!v->t) {
        *out = m;
        return 0;
    }
    n = xs_table_find(&v->t->nodes, path, len);
    if (!n) {
        /* First touch: remember what the transaction saw, for commit. */
        n = m ? xs_node_clone(m) : xs_node_alloc(path, len);
        if (!n) {
            return -XS_ENOMEM;
        }
        n->base_gen = m ? m->gen : 0;
        n->present = m != NULL;
        if (xs_table_insert(&v->t->nodes, n)) {
            xs_node_free(n);
            return -XS_ENOMEM;
        }
    }
    *out = n->present ? n : NULL;
    return 0;
}

/* The nearest existing ancestor of path (the root always exists). */
static int nearest_ancestor(struct xs_view *v, char *buf, const char *path, struct xs_node **out)
{
    size_t len = strlen(path);

    memcpy(buf, path, len + 1);
    *out = NULL;
    while (!*out && len > 1) {
        int rc;

        len = xs_path_parent_len(buf, len);
        buf[len] = '\0';
        rc = xs_view_get(v, buf, out);
        if (rc) {
            return rc;
        }
    }
    return *out ? 0 : -XS_ENOENT;
}

int xs_view_lookup(struct xs_view *v, const char *path, unsigned int need, struct xs_node **out)
{
    char buf[XS_PATH_BUF];
    struct xs_node *anc;
    int rc = xs_view_get(v, path, out);

    if (rc) {
        return rc;
    }
    if (*out) {
        return (xs_perm_for(v->s, v->c, &(*out)->acl) & need) == need ? 0 : -XS_EACCES;
    }
    /* Absent: say so only to those who may read the parent, as Xen does. */
    rc = nearest_ancestor(v, buf, path, &anc);
    if (rc) {
        return rc;
    }
    return (xs_perm_for(v->s, v->c, &anc->acl) & XS_PERM_READ) ? -XS_ENOENT : -XS_EACCES;
}

static int check_node_size(struct xs_view *v, size_t value_len, size_t children_len)
{
    if (!xs_conn_is_priv(v->c) && value_len + children_len > v->s->quota.node_size) {
        return -XS_E2BIG;
    }
    return 0;
}

/* A new node at path, inheriting parent's ACL; guests own what they create. */
static int create_node(struct xs_view *v, const char *path, const struct xs_acl *acl,
                       struct xs_node **out)
{
    size_t len = strlen(path);
    struct xs_node *n;
    int rc;

    if (v->t) {
        rc = xs_view_get(v, path, &n); /* records the absent entry */
        if (rc) {
            return rc;
        }
        n = xs_table_find(&v->t->nodes, path, len);
        n->present = true;
    } else {
        n = xs_node_alloc(path, len);
        if (!n) {
            return -XS_ENOMEM;
        }
    }
    rc = xs_acl_copy(&n->acl, acl);
    if (!rc && !xs_conn_is_priv(v->c) && n->acl.n) {
        n->acl.p[0].id = v->c->domid;
    }
    if (!rc && !v->t) {
        rc = xs_table_insert(&v->s->nodes, n);
    }
    if (rc) {
        if (v->t) {
            xs_acl_free(&n->acl);
            n->present = false;
        } else {
            xs_node_free(n);
        }
        return rc;
    }
    modify_end(v, n);
    *out = n;
    return 0;
}

static int write_existing(struct xs_view *v, struct xs_node *n, const char *val, size_t len)
{
    int rc;

    if (!(xs_perm_for(v->s, v->c, &n->acl) & XS_PERM_WRITE)) {
        return -XS_EACCES;
    }
    rc = check_node_size(v, len, n->children_len);
    if (!rc) {
        rc = xs_quota_check(v, owner_of(n), 0, (long)len - (long)n->value_len);
    }
    if (rc) {
        return rc;
    }
    modify_begin(v, n);
    rc = xs_node_set_value(n, val, len);
    modify_end(v, n);
    if (!rc) {
        xs_watch_note(v, n->path, false, &n->acl);
    }
    return rc;
}

int xs_view_write(struct xs_view *v, const char *path, const char *val, size_t len,
                  bool create_only)
{
    char buf[XS_PATH_BUF];
    struct xs_node *n, *anc, *parent;
    struct xs_acl acl;
    size_t plen = strlen(path), alen, first, first_len = 0;
    int rc, missing = 0;

    rc = xs_view_get(v, path, &n);
    if (rc) {
        return rc;
    }
    if (n) {
        return create_only ? 0 : write_existing(v, n, val, len);
    }

    rc = nearest_ancestor(v, buf, path, &anc);
    if (rc) {
        return rc;
    }
    if (!(xs_perm_for(v->s, v->c, &anc->acl) & XS_PERM_WRITE)) {
        return -XS_EACCES;
    }
    alen = anc->path_len;
    first = alen == 1 ? 1 : alen + 1; /* start of the first missing name */
    for (size_t i = first; i <= plen; i++) {
        if (i < plen && path[i] != '/') {
            continue;
        }
        if (!missing) {
            first_len = i - first;
        }
        missing++;
    }
    rc = check_node_size(v, len, 0);
    if (!rc) {
        rc = check_node_size(v, 0, anc->children_len + first_len + 1);
    }
    if (!rc) {
        rc = xs_quota_check(v, xs_conn_is_priv(v->c) ? owner_of(anc) : v->c->domid, missing,
                            (long)(missing * (sizeof(struct xs_node) + plen + 1) + len));
    }
    if (rc) {
        return rc;
    }
    rc = xs_acl_copy(&acl, &anc->acl);
    if (rc) {
        return rc;
    }

    /* Create each missing level, top down, linking it into its parent. */
    parent = anc;
    for (size_t end = first; end <= plen; end++) {
        const char *name;

        if (end < plen && path[end] != '/') {
            continue;
        }
        memcpy(buf, path, end);
        buf[end] = '\0';
        name = buf + (parent->path_len == 1 ? 1 : parent->path_len + 1);
        modify_begin(v, parent);
        rc = xs_node_add_child(parent, name, strlen(name));
        modify_end(v, parent);
        if (!rc) {
            rc = create_node(v, buf, &acl, &n);
        }
        if (rc) {
            break;
        }
        parent = n;
    }
    xs_acl_free(&acl);
    if (rc) {
        return rc;
    }
    if (len) {
        modify_begin(v, n);
        rc = xs_node_set_value(n, val, len);
        modify_end(v, n);
        if (rc) {
            return rc;
        }
    }
    xs_watch_note(v, path, false, &n->acl);
    return 0;
}

static void delete_node(struct xs_view *v, struct xs_node *n)
{
    charge(v, n, -1);
    if (v->t) {
        free(n->value);
        free(n->children);
        n->value = n->children = NULL;
        n->value_len = n->children_len = 0;
        xs_acl_free(&n->acl);
        n->present = false;
        n->dirty = true;
    } else {
        xs_table_remove(&v->s->nodes, n);
        xs_node_free(n);
    }
}

/* Paths of a subtree in pre-order, found without recursion (trees may be deep). */
struct path_list {
    char **p;
    size_t n, cap;
};

static int list_push(struct path_list *l, const char *a, size_t alen, const char *b)
{
    size_t blen = b ? strlen(b) : 0;
    char *s;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **np = realloc(l->p, cap * sizeof(*np));

        if (!np) {
            return -XS_ENOMEM;
        }
        l->p = np;
        l->cap = cap;
    }
    s = malloc(alen + blen + 2);
    if (!s) {
        return -XS_ENOMEM;
    }
    memcpy(s, a, alen);
    if (b) {
        size_t at = alen;

        if (!(alen == 1 && a[0] == '/')) {
            s[at++] = '/';
        }
        memcpy(s + at, b, blen + 1);
    } else {
        s[alen] = '\0';
    }
    l->p[l->n++] = s;
    return 0;
}

static void list_free(struct path_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->p[i]);
    }
    free(l->p);
}

static int collect_subtree(struct xs_view *v, const char *path, struct path_list *l)
{
    int rc = list_push(l, path, strlen(path), NULL);

    for (size_t i = 0; !rc && i < l->n; i++) {
        struct xs_node *n;

        rc = xs_view_get(v, l->p[i], &n);
        for (uint32_t off = 0; !rc && n && off < n->children_len;) {
            const char *child = n->children + off;

            off += (uint32_t)strlen(child) + 1;
            rc = list_push(l, n->path, n->path_len, child);
        }
    }
    return rc;
}

int xs_view_rm(struct xs_view *v, const char *path)
{
    struct path_list l = {0};
    struct xs_node *n, *parent;
    struct xs_acl acl;
    char pbuf[XS_PATH_BUF];
    size_t plen = strlen(path), parent_len;
    int rc;

    if (plen == 1) {
        return -XS_EINVAL; /* never the root */
    }
    parent_len = xs_path_parent_len(path, plen);
    memcpy(pbuf, path, parent_len);
    pbuf[parent_len] = '\0';
    rc = xs_view_lookup(v, path, XS_PERM_WRITE, &n);
    if (rc == -XS_ENOENT) {
        /* Removing what is already gone is fine if the parent exists (Xen). */
        rc = xs_view_get(v, pbuf, &parent);
        return rc ? rc : parent ? 0 : -XS_ENOENT;
    }
    if (rc) {
        return rc;
    }
    rc = xs_view_get(v, pbuf, &parent);
    if (rc) {
        return rc;
    }
    rc = xs_acl_copy(&acl, &n->acl);
    if (!rc) {
        rc = collect_subtree(v, path, &l);
    }
    if (rc) {
        list_free(&l);
        xs_acl_free(&acl);
        return rc;
    }
    for (size_t i = l.n; i-- > 0;) {
        if (xs_view_get(v, l.p[i], &n) == 0 && n) {
            delete_node(v, n);
        }
    }
    list_free(&l);
    if (parent) {
        modify_begin(v, parent);
        xs_node_del_child(parent, xs_path_basename(path), strlen(xs_path_basename(path)));
        modify_end(v, parent);
    }
    xs_watch_note(v, path, true, &acl);
    xs_acl_free(&acl);
    return 0;
}

int xs_view_set_acl(struct xs_view *v, const char *path, const struct xs_acl *acl)
{
    struct xs_node *n;
    struct xs_acl copy;
    int rc = xs_view_lookup(v, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);

    if (rc) {
        return rc;
    }
    if (!xs_conn_is_priv(v->c)) {
        /* Guests may not give their nodes away, nor grow ACLs without bound. */
        if (acl->p[0].id != owner_of(n)) {
            return -XS_EPERM;
        }
        if (acl->n > v->s->quota.perms) {
            return -XS_EDQUOT;
        }
    }
    rc = xs_acl_copy(&copy, acl);
    if (rc) {
        return rc;
    }
    modify_begin(v, n);
    xs_acl_free(&n->acl);
    n->acl = copy;
    modify_end(v, n);
    xs_watch_note(v, path, false, &n->acl);
    return 0;
}

int xs_main_apply(struct xs_store *s, struct xs_node *copy)
{
    struct xs_view v = {.s = s};
    struct xs_node *m = xs_table_find(&s->nodes, copy->path, copy->path_len);

    if (!copy->present) {
        if (m) {
            delete_node(&v, m);
        }
        return 0;
    }
    if (!m) {
        m = xs_node_alloc(copy->path, copy->path_len);
        if (!m || xs_table_insert(&s->nodes, m)) {
            xs_node_free(m);
            return -XS_ENOMEM;
        }
    } else {
        modify_begin(&v, m);
    }
    /* The transaction is over: take its buffers instead of copying them. */
    free(m->value);
    free(m->children);
    xs_acl_free(&m->acl);
    m->value = copy->value;
    m->value_len = copy->value_len;
    m->children = copy->children;
    m->children_len = copy->children_len;
    m->acl = copy->acl;
    copy->value = copy->children = NULL;
    copy->value_len = copy->children_len = 0;
    copy->acl.p = NULL;
    copy->acl.n = 0;
    modify_end(&v, m);
    return 0;
}

int xs_main_init_root(struct xs_store *s)
{
    struct xs_node *root = xs_node_alloc("/", 1);
    struct xs_view v = {.s = s};

    if (!root) {
        return -XS_ENOMEM;
    }
    root->acl.p = malloc(sizeof(*root->acl.p));
    if (!root->acl.p || xs_table_insert(&s->nodes, root)) {
        xs_node_free(root);
        return -XS_ENOMEM;
    }
    /* "/" belongs to dom0 and is closed to everyone else ("n0"). */
    root->acl.p[0].id = 0;
    root->acl.p[0].bits = XS_PERM_NONE;
    root->acl.n = 1;
    modify_end(&v, root);
    return 0;
}

void xs_main_free(struct xs_store *s)
{
    xs_table_clear(&s->nodes);
}
