/*
 * Xenstore path rules (Xen's): absolute paths start with '/', paths without
 * one are relative to the connection's home /local/domain/<domid>, and names
 * starting with '@' are special watch names. Only [A-Za-z0-9/_@-] may appear,
 * with no empty component and no trailing '/' (except "/" itself).
 */
#include "xs_internal.h"

static const char home_prefix[] = "/local/domain/";

static bool valid_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '/' || ch == '_' || ch == '@' || ch == '-';
}

bool xs_path_chars_ok(const char *p)
{
    for (; *p; p++) {
        if (!valid_char(*p)) {
            return false;
        }
    }
    return true;
}

size_t xs_utoa(uint64_t v, char *out)
{
    char tmp[21];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = '\0';
    return n;
}

int xs_atou(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s) {
        return -XS_EINVAL;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return -XS_EINVAL;
        }
        if (v > (max - (uint64_t)(*s - '0')) / 10) {
            return -XS_EINVAL;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

size_t xs_home_path(unsigned int domid, char *out)
{
    size_t n = sizeof(home_prefix) - 1;

    memcpy(out, home_prefix, n);
    return n + xs_utoa(domid, out + n);
}

bool xs_path_is_special(const char *p)
{
    return p[0] == '@';
}

/* Length of the part of an absolute path below /local/domain/<N>/ (Xen's quota). */
static size_t below_home_len(const char *p, size_t len)
{
    size_t n = sizeof(home_prefix) - 1, i;

    if (len < n || memcmp(p, home_prefix, n) != 0) {
        return len;
    }
    for (i = n; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        ;
    }
    if (i == n || i - n > 5 || i >= len || p[i] != '/') {
        return len;
    }
    return len - (i + 1);
}

int xs_path_canon(const struct xs_conn *c, const char *in, bool allow_special, char *out,
                  bool *relative)
{
    size_t inlen = strlen(in), len = 0;

    *relative = false;
    if (inlen == 0 || inlen > XENSTORE_ABS_PATH_MAX) {
        return -XS_EINVAL;
    }
    if (in[0] == '@') {
        if (!allow_special) {
            return -XS_EINVAL;
        }
    } else if (in[0] != '/') {
        len = xs_home_path(c ? c->domid : 0, out);
        out[len++] = '/';
        *relative = true;
    }
    if (len + inlen > XENSTORE_ABS_PATH_MAX) {
        return -XS_EINVAL;
    }
    memcpy(out + len, in, inlen + 1);
    len += inlen;

    if (!xs_path_chars_ok(out)) {
        return -XS_EINVAL;
    }
    for (size_t i = 1; i < len; i++) {
        if (out[i] == '/' && out[i - 1] == '/') {
            return -XS_EINVAL;
        }
    }
    if (len > 1 && out[len - 1] == '/') {
        return -XS_EINVAL;
    }
    if (out[0] == '@' && strchr(out, '/') != NULL) {
        return -XS_EINVAL;
    }
    /* Guests are held to Xen's relative-path limit below their home. */
    if (c && !xs_conn_is_priv(c) && out[0] == '/' &&
        below_home_len(out, len) > XENSTORE_REL_PATH_MAX) {
        return -XS_EINVAL;
    }
    return (int)len;
}

bool xs_path_is_child(const char *child, const char *parent)
{
    size_t pl = strlen(parent);

    if (parent[0] == '/' && parent[1] == '\0') {
        return child[0] == '/';
    }
    return strncmp(child, parent, pl) == 0 && (child[pl] == '\0' || child[pl] == '/');
}

size_t xs_path_parent_len(const char *p, size_t len)
{
    while (len > 0 && p[len - 1] != '/') {
        len--;
    }
    /* "/a" has parent "/" (length 1); "/a/b" has "/a" (length 2). */
    return len > 1 ? len - 1 : len;
}

const char *xs_path_basename(const char *p)
{
    const char *slash = strrchr(p, '/');

    return slash ? slash + 1 : p;
}
