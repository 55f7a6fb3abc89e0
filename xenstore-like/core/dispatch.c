/*
 * The message dispatcher: one table entry per wire message type, giving its
 * name, its handler, the checks the dispatcher makes for it once (privilege,
 * transaction, argument count) and nothing else. Handlers then only parse
 * their arguments and call the view, watch, transaction or domain code.
 */
#include "xs_internal.h"

#define XS_OP_PRIV 1u /* dom0 / privileged connections only */
#define XS_OP_TXN  2u /* runs inside the transaction named by tx_id */
#define XS_OP_RAW  4u /* the handler reads the payload itself */

#define XS_MAX_ARGS 256

struct xs_req {
    struct xs_conn *c;
    const struct xsd_sockmsg *hdr;
    const char *argv[XS_MAX_ARGS];
    uint32_t argc;
    const char *data; /* the raw payload, NUL-terminated after len */
    uint32_t len;
    struct xs_view v;
};

struct xs_op {
    const char *name;
    int (*fn)(struct xs_req *rq);
    uint8_t flags;
    int8_t nargs; /* NUL-terminated strings expected; -1: one or more */
};

static int reply(struct xs_req *rq, const void *data, size_t len)
{
    return xs_conn_queue(rq->c, rq->hdr->type, rq->hdr->req_id, rq->hdr->tx_id, data, len, NULL, 0,
                         false);
}

static int reply_ok(struct xs_req *rq)
{
    return reply(rq, "OK", 3);
}

static int reply_error(struct xs_conn *c, const struct xsd_sockmsg *hdr, int err)
{
    const char *name = xs_errno_name(err);

    return xs_conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, strlen(name) + 1, NULL, 0,
                         false);
}

/* Canonical absolute form of argument i, which must not be special. */
static int arg_path(struct xs_req *rq, uint32_t i, char *out)
{
    bool relative;
    int rc = xs_path_canon(rq->c, rq->argv[i], false, out, &relative);

    return rc < 0 ? rc : 0;
}

static int arg_domid(struct xs_req *rq, uint32_t i, unsigned int *domid)
{
    uint64_t v;
    int rc = xs_atou(rq->argv[i], XS_DOMID_MAX, &v);

    *domid = (unsigned int)v;
    return rc;
}

static int do_read(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc = arg_path(rq, 0, path);

    if (!rc) {
        rc = xs_view_lookup(&rq->v, path, XS_PERM_READ, &n);
    }
    return rc ? rc : reply(rq, n->value, n->value_len);
}

static int do_directory(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc = arg_path(rq, 0, path);

    if (!rc) {
        rc = xs_view_lookup(&rq->v, path, XS_PERM_READ, &n);
    }
    return rc ? rc : reply(rq, n->children, n->children_len);
}

/*
 * A directory too big for one reply, in pieces: "<generation>\0" then as many
 * whole names as fit from byte offset <off>, then an extra "\0" once the list
 * is complete. The client restarts if the generation changes between pieces.
 */
static int do_directory_part(struct xs_req *rq)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    struct xs_node *n;
    uint64_t off;
    size_t genlen, len = 0, max;
    int rc = arg_path(rq, 0, path);

    if (!rc) {
        rc = xs_atou(rq->argv[1], UINT32_MAX, &off);
    }
    if (!rc) {
        rc = xs_view_lookup(&rq->v, path, XS_PERM_READ, &n);
    }
    if (rc) {
        return rc;
    }
    genlen = xs_utoa(n->gen, out) + 1;
    max = sizeof(out) - genlen - 1;
    while (off + len < n->children_len) {
        size_t l = strlen(n->children + off + len) + 1;

        if (len + l > max) {
            break;
        }
        len += l;
    }
    if (len) {
        memcpy(out + genlen, n->children + off, len);
    }
    if (off + len >= n->children_len) {
        out[genlen + len++] = '\0';
    }
    return reply(rq, out, genlen + len);
}

static int do_get_perms(struct xs_req *rq)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    const struct xs_acl *acl;
    struct xs_node *n;
    bool relative;
    int rc = xs_path_canon(rq->c, rq->argv[0], true, path, &relative);

    if (rc < 0) {
        return rc;
    }
    if (xs_path_is_special(path)) {
        struct xs_special *sp = xs_special_find(rq->c->store, path);

        if (!sp) {
            return -XS_ENOENT;
        }
        if (!(xs_perm_for(rq->c->store, rq->c, &sp->acl) & XS_PERM_READ)) {
            return -XS_EACCES;
        }
        acl = &sp->acl;
    } else {
        rc = xs_view_lookup(&rq->v, path, XS_PERM_READ, &n);
        if (rc) {
            return rc;
        }
        acl = &n->acl;
    }
    return reply(rq, out, xs_acl_format(acl, out, sizeof(out)));
}

static int do_set_perms(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    struct xs_acl acl;
    bool relative;
    int rc;

    if (rq->argc < 2) {
        return -XS_EINVAL;
    }
    rc = xs_path_canon(rq->c, rq->argv[0], true, path, &relative);
    if (rc < 0) {
        return rc;
    }
    rc = xs_acl_parse(rq->argv + 1, rq->argc - 1, &acl);
    if (rc) {
        return rc;
    }
    if (xs_path_is_special(path)) {
        struct xs_special *sp = xs_special_find(rq->c->store, path);

        if (!sp) {
            rc = -XS_ENOENT;
        } else if (!(xs_perm_for(rq->c->store, rq->c, &sp->acl) & XS_PERM_OWNER)) {
            rc = -XS_EACCES;
        } else {
            xs_acl_free(&sp->acl);
            sp->acl = acl;
            return reply_ok(rq);
        }
    } else {
        rc = xs_view_set_acl(&rq->v, path, &acl);
    }
    xs_acl_free(&acl);
    return rc ? rc : reply_ok(rq);
}

static int do_write(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    size_t plen = strlen(rq->data);
    bool relative;
    int rc;

    /* "path\0value": the value is raw bytes and may hold NULs. */
    if (plen >= rq->len) {
        return -XS_EINVAL;
    }
    rc = xs_path_canon(rq->c, rq->data, false, path, &relative);
    if (rc < 0) {
        return rc;
    }
    rc = xs_view_write(&rq->v, path, rq->data + plen + 1, rq->len - plen - 1, false);
    return rc ? rc : reply_ok(rq);
}

static int do_mkdir(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    int rc = arg_path(rq, 0, path);

    if (!rc) {
        rc = xs_view_write(&rq->v, path, "", 0, true);
    }
    return rc ? rc : reply_ok(rq);
}

static int do_rm(struct xs_req *rq)
{
    char path[XS_PATH_BUF];
    int rc = arg_path(rq, 0, path);

    if (!rc) {
        rc = xs_view_rm(&rq->v, path);
    }
    return rc ? rc : reply_ok(rq);
}

static int do_watch(struct xs_req *rq)
{
    struct xs_conn *c = rq->c;
    int rc = xs_watch_add(c, rq->argv[0], rq->argv[1]);

    if (rc) {
        return rc;
    }
    rc = reply_ok(rq);
    /* Every watch fires once at once, so clients need no separate first read. */
    if (!rc) {
        (void)xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, rq->argv[0], strlen(rq->argv[0]) + 1,
                            rq->argv[1], strlen(rq->argv[1]) + 1, true);
    }
    return rc;
}

static int do_unwatch(struct xs_req *rq)
{
    int rc = xs_watch_del(rq->c, rq->argv[0], rq->argv[1]);

    return rc ? rc : reply_ok(rq);
}

static int do_transaction_start(struct xs_req *rq)
{
    char out[12];
    uint32_t id;
    int rc;

    if (rq->v.t) {
        return -XS_EBUSY; /* no nesting */
    }
    if (rq->len > 1 || (rq->len == 1 && rq->data[0] != '\0')) {
        return -XS_EINVAL;
    }
    rc = xs_txn_start(rq->c, &id);
    return rc ? rc : reply(rq, out, xs_utoa(id, out) + 1);
}

static int do_transaction_end(struct xs_req *rq)
{
    const char *arg = rq->argv[0];
    int rc;

    if (!rq->v.t) {
        return -XS_ENOENT;
    }
    if ((arg[0] != 'T' && arg[0] != 'F') || arg[1] != '\0') {
        return -XS_EINVAL;
    }
    rc = xs_txn_end(rq->c, rq->v.t, arg[0] == 'T');
    rq->v.t = NULL;
    return rc ? rc : reply_ok(rq);
}

static void fire_special(struct xs_store *s, const char *name)
{
    struct xs_special *sp = xs_special_find(s, name);

    xs_watch_fire(s, sp->name, false, &sp->acl);
}

static int do_introduce(struct xs_req *rq)
{
    struct xs_store *s = rq->c->store;
    struct xs_domain *d;
    unsigned int domid;
    uint64_t mfn, port;
    int rc = arg_domid(rq, 0, &domid);

    if (!rc) {
        rc = xs_atou(rq->argv[1], UINT64_MAX, &mfn);
    }
    if (!rc) {
        rc = xs_atou(rq->argv[2], UINT32_MAX, &port);
    }
    if (rc || domid == 0 || port == 0) {
        return -XS_EINVAL;
    }
    d = xs_domain_get(s, domid);
    if (!d) {
        return -XS_ENOMEM;
    }
    if (d->introduced) {
        return d->mfn == mfn ? reply_ok(rq) : -XS_EEXIST;
    }
    if (s->hooks.introduce) {
        rc = s->hooks.introduce(s->hooks.opaque, domid, mfn, (uint32_t)port);
        if (rc) {
            return rc;
        }
    }
    d->introduced = true;
    d->mfn = mfn;
    d->port = (uint32_t)port;
    rc = reply_ok(rq);
    fire_special(s, "@introduceDomain");
    return rc;
}

static int do_release(struct xs_req *rq)
{
    struct xs_store *s = rq->c->store;
    struct xs_domain *d;
    unsigned int domid;
    int rc = arg_domid(rq, 0, &domid);

    /* A connection never frees itself from inside its own request. */
    if (rc || domid == 0 || domid == rq->c->domid) {
        return -XS_EINVAL;
    }
    d = xs_domain_find(s, domid);
    if (!d || !d->introduced) {
        return -XS_ENOENT;
    }
    if (s->hooks.release) {
        s->hooks.release(s->hooks.opaque, domid);
    }
    rc = reply_ok(rq);
    xs_store_domain_gone(s, domid);
    return rc;
}

static int do_get_domain_path(struct xs_req *rq)
{
    char out[32];
    unsigned int domid;
    int rc = arg_domid(rq, 0, &domid);

    return rc ? rc : reply(rq, out, xs_home_path(domid, out) + 1);
}

static int do_is_domain_introduced(struct xs_req *rq)
{
    const struct xs_domain *d;
    unsigned int domid;
    int rc = arg_domid(rq, 0, &domid);

    if (rc) {
        return rc;
    }
    d = xs_domain_find(rq->c->store, domid);
    return reply(rq, d && d->introduced ? "T" : "F", 2);
}

static int do_resume(struct xs_req *rq)
{
    const struct xs_domain *d;
    unsigned int domid;
    int rc = arg_domid(rq, 0, &domid);

    if (rc) {
        return rc;
    }
    d = xs_domain_find(rq->c->store, domid);
    return d && d->introduced ? reply_ok(rq) : -XS_ENOENT;
}

static int do_set_target(struct xs_req *rq)
{
    struct xs_domain *d;
    unsigned int domid, target;
    int rc = arg_domid(rq, 0, &domid);

    if (!rc) {
        rc = arg_domid(rq, 1, &target);
    }
    if (rc) {
        return rc;
    }
    d = xs_domain_find(rq->c->store, domid);
    if (!d || !d->introduced) {
        return -XS_ENOENT;
    }
    d->target = (int)target;
    return reply_ok(rq);
}

static int do_reset_watches(struct xs_req *rq)
{
    xs_watch_free_all(rq->c);
    xs_txn_free_all(rq->c);
    return reply_ok(rq);
}

static int do_control(struct xs_req *rq)
{
    char out[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    int rc = xs_do_control(rq->c, rq->argv, rq->argc, out, sizeof(out), &len);

    return rc ? rc : reply(rq, out, len);
}

static const struct xs_op ops[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {"CONTROL", do_control, XS_OP_PRIV, -1},
    [XS_DIRECTORY] = {"DIRECTORY", do_directory, XS_OP_TXN, 1},
    [XS_READ] = {"READ", do_read, XS_OP_TXN, 1},
    [XS_GET_PERMS] = {"GET_PERMS", do_get_perms, XS_OP_TXN, 1},
    [XS_WATCH] = {"WATCH", do_watch, 0, 2},
    [XS_UNWATCH] = {"UNWATCH", do_unwatch, 0, 2},
    [XS_TRANSACTION_START] = {"TRANSACTION_START", do_transaction_start, XS_OP_TXN | XS_OP_RAW, 0},
    [XS_TRANSACTION_END] = {"TRANSACTION_END", do_transaction_end, XS_OP_TXN, 1},
    [XS_INTRODUCE] = {"INTRODUCE", do_introduce, XS_OP_PRIV, 3},
    [XS_RELEASE] = {"RELEASE", do_release, XS_OP_PRIV, 1},
    [XS_GET_DOMAIN_PATH] = {"GET_DOMAIN_PATH", do_get_domain_path, 0, 1},
    [XS_WRITE] = {"WRITE", do_write, XS_OP_TXN | XS_OP_RAW, 0},
    [XS_MKDIR] = {"MKDIR", do_mkdir, XS_OP_TXN, 1},
    [XS_RM] = {"RM", do_rm, XS_OP_TXN, 1},
    [XS_SET_PERMS] = {"SET_PERMS", do_set_perms, XS_OP_TXN, -1},
    [XS_IS_DOMAIN_INTRODUCED] = {"IS_DOMAIN_INTRODUCED", do_is_domain_introduced, XS_OP_PRIV, 1},
    [XS_RESUME] = {"RESUME", do_resume, XS_OP_PRIV, 1},
    [XS_SET_TARGET] = {"SET_TARGET", do_set_target, XS_OP_PRIV, 2},
    [XS_RESET_WATCHES] = {"RESET_WATCHES", do_reset_watches, XS_OP_RAW, 0},
    [XS_DIRECTORY_PART] = {"DIRECTORY_PART", do_directory_part, XS_OP_TXN, 2},
    /* WATCH_EVENT and ERROR only travel to clients; 20 is unused. */
};

/* Split the payload into NUL-terminated strings; 0 or -XS_EINVAL. */
static int split_args(struct xs_req *rq, int nargs)
{
    uint32_t start = 0;

    rq->argc = 0;
    if (rq->len == 0 || rq->data[rq->len - 1] != '\0') {
        return -XS_EINVAL;
    }
    for (uint32_t i = 0; i < rq->len; i++) {
        if (rq->data[i] != '\0') {
            continue;
        }
        if (rq->argc == XS_MAX_ARGS) {
            return -XS_EINVAL;
        }
        rq->argv[rq->argc++] = rq->data + start;
        start = i + 1;
    }
    if (nargs >= 0 && rq->argc != (uint32_t)nargs) {
        return -XS_EINVAL;
    }
    return 0;
}

void xs_dispatch(struct xs_conn *c)
{
    const struct xsd_sockmsg *hdr = &c->in_hdr;
    const struct xs_op *op = hdr->type < XS_TYPE_COUNT ? &ops[hdr->type] : NULL;
    struct xs_req rq;
    int rc;

    if (!op || !op->fn) {
        xs_log(c->store, "UNKNOWN", NULL, NULL);
        (void)reply_error(c, hdr, XS_EINVAL);
        return;
    }
    rq.c = c;
    rq.hdr = hdr;
    rq.data = c->in_buf;
    rq.len = hdr->len;
    rq.v.s = c->store;
    rq.v.c = c;
    rq.v.t = NULL;
    rq.argc = 0;
    xs_log(c->store, op->name, hdr->len ? c->in_buf : "", NULL);

    rc = (op->flags & XS_OP_PRIV) && !xs_conn_is_priv(c) ? -XS_EACCES : 0;
    if (!rc && (op->flags & XS_OP_TXN) && hdr->tx_id) {
        rq.v.t = xs_txn_find(c, hdr->tx_id);
        if (!rq.v.t) {
            rc = -XS_ENOENT;
        }
    }
    if (!rc && !(op->flags & XS_OP_RAW)) {
        rc = split_args(&rq, op->nargs);
    }
    if (!rc) {
        rc = op->fn(&rq);
    }
    if (rc) {
        (void)reply_error(c, hdr, -rc);
    }
}
