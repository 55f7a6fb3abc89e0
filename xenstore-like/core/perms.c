/*
 * Node ACLs, in Xen's form: a list of (domain, n|r|w|b) entries whose first
 * entry names the owner (who may do everything) and gives the access of every
 * domain not listed after it.
 */
#include "xs_internal.h"

int xs_acl_copy(struct xs_acl *dst, const struct xs_acl *src)
{
    dst->n = 0;
    dst->p = NULL;
    if (!src->n) {
        return 0;
    }
    dst->p = malloc(src->n * sizeof(*dst->p));
    if (!dst->p) {
        return -XS_ENOMEM;
    }
    memcpy(dst->p, src->p, src->n * sizeof(*dst->p));
    dst->n = src->n;
    return 0;
}

void xs_acl_free(struct xs_acl *a)
{
    free(a->p);
    a->p = NULL;
    a->n = 0;
}

static int letter_bits(char l, uint32_t *bits)
{
    switch (l) {
    case 'n':
        *bits = XS_PERM_NONE;
        return 0;
    case 'r':
        *bits = XS_PERM_READ;
        return 0;
    case 'w':
        *bits = XS_PERM_WRITE;
        return 0;
    case 'b':
        *bits = XS_PERM_READ | XS_PERM_WRITE;
        return 0;
    default:
        return -XS_EINVAL;
    }
}

int xs_acl_parse(const char *const *strs, uint32_t n, struct xs_acl *out)
{
    out->n = 0;
    out->p = NULL;
    if (n == 0) {
        return -XS_EINVAL;
    }
    out->p = malloc(n * sizeof(*out->p));
    if (!out->p) {
        return -XS_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t id;

        if (letter_bits(strs[i][0], &out->p[i].bits) || xs_atou(strs[i] + 1, 0xffff, &id)) {
            xs_acl_free(out);
            return -XS_EINVAL;
        }
        out->p[i].id = (uint32_t)id;
    }
    out->n = n;
    return 0;
}

size_t xs_acl_format(const struct xs_acl *a, char *out, size_t room)
{
    static const char letters[] = "nrwb";
    size_t len = 0;

    for (uint32_t i = 0; i < a->n; i++) {
        if (len + 8 > room) {
            break;
        }
        out[len++] = letters[a->p[i].bits & 3];
        len += xs_utoa(a->p[i].id, out + len) + 1; /* keep the NUL */
    }
    return len;
}

bool xs_conn_is_priv(const struct xs_conn *c)
{
    return !c || c->privileged || c->domid == 0;
}

unsigned int xs_perm_for(const struct xs_store *s, const struct xs_conn *c, const struct xs_acl *a)
{
    const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    const struct xs_domain *d;
    long target = -1;

    if (xs_conn_is_priv(c)) {
        return all;
    }
    if (!a->n) {
        return XS_PERM_NONE;
    }
    d = xs_domain_find(s, c->domid);
    if (d) {
        target = d->target;
    }
    /* A device model acts with its target's rights (SET_TARGET). */
    if (a->p[0].id == c->domid || (long)a->p[0].id == target) {
        return all;
    }
    for (uint32_t i = 1; i < a->n; i++) {
        if (a->p[i].id == c->domid || (long)a->p[i].id == target) {
            return a->p[i].bits;
        }
    }
    return a->p[0].bits;
}
