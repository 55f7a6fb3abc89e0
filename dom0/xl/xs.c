/* SPDX-License-Identifier: MIT */
/*
 * xenstore inside dom0 (dom0/xs.h): xenstore-like's core with one ring
 * connection per introduced domain, and dom0's own privileged connection.
 *
 * The core does no I/O. dom0's requests are whole wire messages fed to its
 * connection; the reply is queued at once (the core answers synchronously)
 * and read back from the connection's output. A domain's ring is served from
 * the event loop whenever its event channel fires.
 */
#include <rt/runtime.h>
#include <dom0/cli.h>
#include <dom0/heap.h>
#include <dom0/libc.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/mm.h>
#include <dom0/xs.h>
#include <xen/io/xs_wire.h>
#include <xenstore/xs_errno.h>
#include <xenstore/xs_ring.h>
#include <xenstore/xs_store.h>

#define XS_VALUE_MAX 4096 /* a reply dom0 reads: values and directory lists */
#define LS_DEPTH_MAX 16

/* A domain served on its ring. */
struct xs_dom {
    struct xs_dom *next;
    unsigned int domid;
    struct xenstore_domain_interface *intf; /* mapped in dom0's window */
    uint32_t port;                          /* dom0's end */
    struct xs_ring ring;
    struct xs_conn *conn;
};

static struct xs_store *store;
static struct xs_conn *self; /* dom0's own connection */
static struct xs_dom *doms;
static uint32_t next_req_id = 1;

/* ---- rings of introduced domains ---- */

static void ring_notify(void *opaque)
{
    struct xs_dom *x = opaque;
    struct evtchn_send s = {.port = x->port};
    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void ring_event(evtchn_port_t port, void *ctx)
{
    struct xs_dom *x = ctx;
    (void)port;
    if (xs_ring_process(&x->ring) && !x->ring.failed) {
        log_warn("xenstore: domain %u: ring error\n", x->domid);
    }
}

/* INTRODUCE (hook): map the ring, bind the port, open the connection. */
static int on_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t port)
{
    struct xs_dom *x = calloc(1, sizeof(*x));
    struct xs_conn_ops ops;
    void *va;
    int rc;

    (void)opaque;
    if (!x) {
        return -XS_ENOMEM;
    }
    x->domid = domid;
    rc = mm_foreign_map((domid_t)domid, &mfn, 1, true, &va);
    if (rc) {
        free(x);
        return -XS_EINVAL;
    }
    x->intf = va;
    struct evtchn_bind_interdomain b = {.remote_dom = (domid_t)domid, .remote_port = port};
    events_mask(); /* binding marks the port pending: the handler comes first */
    rc = (int)hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (!rc) {
        x->port = b.local_port;
        rc = loop_bind(x->port, ring_event, x);
        if (rc) {
            evtchn_close(x->port);
        }
    }
    events_unmask();
    if (rc) {
        mm_foreign_unmap(va, 1);
        free(x);
        return rc == -XEN_ENOSPC ? -XS_ENOSPC : -XS_EINVAL;
    }
    xs_ring_conn_ops(&x->ring, &ops);
    x->conn = xs_conn_new(store, domid, false, &ops);
    if (!x->conn) {
        loop_unbind(x->port);
        evtchn_close(x->port);
        mm_foreign_unmap(va, 1);
        free(x);
        return -XS_ENOMEM;
    }
    struct xs_event_ops ev = {.opaque = x, .notify = ring_notify};
    xs_ring_init(&x->ring, x->intf, x->conn, &ev);
    x->next = doms;
    doms = x;
    return 0;
}

/* RELEASE (hook): close the connection, the port and the mapping. */
static void on_release(void *opaque, unsigned int domid)
{
    (void)opaque;
    for (struct xs_dom **pp = &doms; *pp; pp = &(*pp)->next) {
        struct xs_dom *x = *pp;
        if (x->domid != domid) {
            continue;
        }
        *pp = x->next;
        xs_conn_free(x->conn);
        loop_unbind(x->port);
        evtchn_close(x->port);
        mm_foreign_unmap(x->intf, 1);
        free(x);
        return;
    }
}

static void on_log(void *opaque, const char *line)
{
    (void)opaque;
    log_debug("xenstore: %s\n", line);
}

/* ---- dom0's requests ---- */

static int error_number(const char *name, size_t len)
{
    static const struct {
        const char *name;
        int err;
    } names[] = {
        {"EPERM", XS_EPERM},   {"ENOENT", XS_ENOENT},       {"EIO", XS_EIO},
        {"E2BIG", XS_E2BIG},   {"EAGAIN", XS_EAGAIN},       {"ENOMEM", XS_ENOMEM},
        {"EACCES", XS_EACCES}, {"EBUSY", XS_EBUSY},         {"EEXIST", XS_EEXIST},
        {"EISDIR", XS_EISDIR}, {"ENOSPC", XS_ENOSPC},       {"EROFS", XS_EROFS},
        {"ENOSYS", XS_ENOSYS}, {"ENOTEMPTY", XS_ENOTEMPTY}, {"EQUOTA", XS_EDQUOT},
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
        if (strlen(names[i].name) == len && !memcmp(names[i].name, name, len)) {
            return names[i].err;
        }
    }
    return XS_EINVAL;
}

/*
 * One request on dom0's connection: type with the payload parts (each sent
 * with its NUL unless it is the last of a WRITE). The reply payload goes to
 * out (NUL-terminated, up to outlen); returns its length or -XS_E*.
 */
static long request(uint32_t type, const char *const *parts, unsigned int nparts, char *out,
                    size_t outlen)
{
    uint8_t msg[sizeof(struct xsd_sockmsg) + XS_VALUE_MAX + 64];
    struct xsd_sockmsg h = {.type = type, .req_id = next_req_id++};
    size_t len = 0;

    if (!self) {
        return -XS_ENOSYS;
    }
    for (unsigned int i = 0; i < nparts; i++) {
        size_t n = strlen(parts[i]) + (type == XS_WRITE && i == nparts - 1 ? 0 : 1);
        if (len + n > sizeof(msg) - sizeof(h)) {
            return -XS_E2BIG;
        }
        memcpy(msg + sizeof(h) + len, parts[i], n);
        len += n;
    }
    h.len = (uint32_t)len;
    memcpy(msg, &h, sizeof(h));
    long taken = xs_conn_input(self, msg, sizeof(h) + len);
    if (taken != (long)(sizeof(h) + len)) {
        return taken < 0 ? taken : -XS_EAGAIN;
    }

    /* The core answered at once: collect what it queued, then find our reply. */
    static uint8_t rbuf[2 * (sizeof(struct xsd_sockmsg) + XS_VALUE_MAX)];
    size_t got = 0;
    const void *p;
    size_t n;
    while (xs_conn_output(self, &p, &n)) {
        size_t c = n < sizeof(rbuf) - got ? n : sizeof(rbuf) - got;
        memcpy(rbuf + got, p, c);
        got += c;
        xs_conn_output_done(self, n);
    }
    long result = -XS_EIO;
    for (size_t off = 0; off + sizeof(struct xsd_sockmsg) <= got;) {
        struct xsd_sockmsg rh;
        memcpy(&rh, rbuf + off, sizeof(rh));
        const char *payload = (const char *)rbuf + off + sizeof(rh);
        size_t plen = rh.len < got - off - sizeof(rh) ? rh.len : got - off - sizeof(rh);
        off += sizeof(rh) + plen;
        if (rh.req_id != h.req_id) {
            continue; /* not ours (dom0 sets no watches) */
        }
        if (rh.type == XS_ERROR) {
            result = -error_number(payload, strnlen(payload, plen));
        } else {
            size_t c = plen < outlen ? plen : (outlen ? outlen - 1 : 0);
            if (outlen) {
                memcpy(out, payload, c);
                out[c] = '\0';
            }
            result = (long)c;
        }
        break;
    }
    return result;
}

static int xs_write1(const char *path, const char *value)
{
    const char *parts[] = {path, value};
    long rc = request(XS_WRITE, parts, 2, NULL, 0);
    return rc < 0 ? (int)rc : 0;
}

static int xs_simple(uint32_t type, const char *path)
{
    const char *parts[] = {path};
    long rc = request(type, parts, 1, NULL, 0);
    return rc < 0 ? (int)rc : 0;
}

static int xs_perms(const char *path, const char *owner, const char *other)
{
    const char *parts[] = {path, owner, other};
    long rc = request(XS_SET_PERMS, parts, other ? 3 : 2, NULL, 0);
    return rc < 0 ? (int)rc : 0;
}

/* ---- the store's life ---- */

int dxs_init(void)
{
    struct xs_store_hooks hooks = {.introduce = on_introduce, .release = on_release, .log = on_log};

    store = xs_store_new(NULL, &hooks);
    if (!store) {
        return -XEN_ENOMEM;
    }
    self = xs_conn_new(store, 0, true, NULL);
    if (!self) {
        return -XEN_ENOMEM;
    }
    int rc = xs_write1("/local/domain/0/name", "Domain-0");
    if (!rc) {
        rc = xs_write1("/local/domain/0/domid", "0");
    }
    if (rc) {
        return rc;
    }
    log_info("xenstore running\n");
    return 0;
}

int dxs_introduce(struct dom_rec *r)
{
    char base[48], path[96], val[64], owner[16], reader[16];
    int rc;

    if (!store) {
        return -XEN_ENOSYS;
    }
    if (!r->store_mfn || !r->store_port) {
        return -XEN_EINVAL;
    }
    snprintf(base, sizeof(base), "/local/domain/%u", r->domid);
    snprintf(owner, sizeof(owner), "n%u", r->domid);
    snprintf(reader, sizeof(reader), "r%u", r->domid);
    /* The domain reads its home; what it may write is its own. */
    rc = xs_simple(XS_MKDIR, base);
    if (!rc) {
        rc = xs_perms(base, "n0", reader);
    }
#define PUT(sub, ...)                                                                              \
    do {                                                                                           \
        if (!rc) {                                                                                 \
            snprintf(path, sizeof(path), "%s/%s", base, sub);                                      \
            snprintf(val, sizeof(val), __VA_ARGS__);                                               \
            rc = xs_write1(path, val);                                                             \
        }                                                                                          \
    } while (0)
    PUT("name", "%s", r->name);
    PUT("domid", "%u", r->domid);
    PUT("memory/target", "%lu", r->cfg->memory_mib * 1024);
    PUT("memory/static-max", "%lu", r->cfg->maxmem_mib * 1024);
    PUT("console/ring-ref", "%lu", r->console_mfn);
    PUT("console/port", "%u", r->console_port);
    PUT("console/type", "xenconsoled");
    PUT("store/ring-ref", "%lu", r->store_mfn);
    PUT("store/port", "%u", r->store_port);
    PUT("control/shutdown", "%s", "");
    PUT("control/feature-poweroff", "1");
#undef PUT
    static const char *const writable[] = {"control/shutdown", "data", "device", "error"};
    for (unsigned int i = 0; !rc && i < ARRAY_SIZE(writable); i++) {
        snprintf(path, sizeof(path), "%s/%s", base, writable[i]);
        rc = xs_simple(XS_MKDIR, path);
        if (!rc) {
            rc = xs_perms(path, owner, NULL);
        }
    }
    if (!rc) {
        char dom[16], mfn[24], port[16];
        snprintf(dom, sizeof(dom), "%u", r->domid);
        snprintf(mfn, sizeof(mfn), "%lu", r->store_mfn);
        snprintf(port, sizeof(port), "%u", r->store_port);
        const char *parts[] = {dom, mfn, port};
        long n = request(XS_INTRODUCE, parts, 3, NULL, 0);
        rc = n < 0 ? (int)n : 0;
    }
    if (rc) {
        xs_simple(XS_RM, base);
        return -rc > 0 ? rc : -XEN_EIO;
    }
    r->introduced = true;
    return 0;
}

void dxs_release(struct dom_rec *r)
{
    char dom[16], base[48];

    if (!store || !r->introduced) {
        return;
    }
    snprintf(dom, sizeof(dom), "%u", r->domid);
    const char *parts[] = {dom};
    long rc = request(XS_RELEASE, parts, 1, NULL, 0);
    if (rc < 0) {
        log_warn("xenstore: releasing domain %u: %s\n", r->domid, cli_strerror((int)rc));
    }
    snprintf(base, sizeof(base), "/local/domain/%u", r->domid);
    xs_simple(XS_RM, base);
    r->introduced = false;
}

/* ---- the CLI's verbs ---- */

static int report(struct term *t, const char *verb, const char *path, long rc)
{
    term_printf(t, "%s: %s: %s\n", verb, path,
                rc == -XS_ENOENT ? "no such node" : cli_strerror((int)rc));
    return 1;
}

/* Print a value the way xenstore-ls does: printable, escapes for the rest. */
static void put_value(struct term *t, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '"' || c == '\\') {
            term_printf(t, "\\%c", c);
        } else if (c < 0x20 || c > 0x7e) {
            term_printf(t, "\\x%02x", c);
        } else {
            term_write(t, (const char *)&v[i], 1);
        }
    }
}

static int ls(struct term *t, const char *path, unsigned int depth)
{
    char *children = malloc(XS_VALUE_MAX), *value = malloc(XS_VALUE_MAX);
    char child[512];
    int rc = 0;

    if (!children || !value) {
        free(children);
        free(value);
        term_printf(t, "xenstore-ls: dom0 is out of memory\n");
        return 1;
    }
    const char *parts[] = {path};
    long n = request(XS_DIRECTORY, parts, 1, children, XS_VALUE_MAX);
    if (n < 0) {
        rc = depth ? 0 : report(t, "xenstore-ls", path, n);
        goto out;
    }
    for (size_t off = 0; off < (size_t)n;) {
        const char *name = children + off;
        size_t len = strnlen(name, (size_t)n - off);
        off += len + 1;
        if (!len) {
            continue;
        }
        snprintf(child, sizeof(child), "%s%s%s", path, strcmp(path, "/") ? "/" : "", name);
        const char *cp[] = {child};
        long vn = request(XS_READ, cp, 1, value, XS_VALUE_MAX);
        term_printf(t, "%*s%s = \"", (int)depth, "", name);
        if (vn > 0) {
            put_value(t, value, (size_t)vn);
        }
        term_printf(t, "\"\n");
        if (depth < LS_DEPTH_MAX) {
            ls(t, child, depth + 1);
        }
    }
out:
    free(children);
    free(value);
    return rc;
}

int dxs_ls(struct term *t, const char *path)
{
    return ls(t, path, 0);
}

int dxs_read(struct term *t, const char *path)
{
    char *value = malloc(XS_VALUE_MAX);
    if (!value) {
        return 1;
    }
    const char *parts[] = {path};
    long n = request(XS_READ, parts, 1, value, XS_VALUE_MAX);
    int rc = 0;
    if (n < 0) {
        rc = report(t, "xenstore-read", path, n);
    } else {
        term_write(t, value, (size_t)n);
        term_printf(t, "\n");
    }
    free(value);
    return rc;
}

int dxs_write(struct term *t, const char *path, const char *value)
{
    int rc = xs_write1(path, value);
    return rc ? report(t, "xenstore-write", path, rc) : 0;
}

int dxs_rm(struct term *t, const char *path)
{
    int rc = xs_simple(XS_RM, path);
    return rc ? report(t, "xenstore-rm", path, rc) : 0;
}

static bool running(struct term *t, const char *verb)
{
    if (store) {
        return true;
    }
    term_printf(t, "%s: xenstore is not running in dom0\n", verb);
    return false;
}

static int verb_ls(struct term *t, int argc, char **argv)
{
    if (argc > 2) {
        return cli_usage(t, argv[0]);
    }
    if (!running(t, argv[0])) {
        return 1;
    }
    return dxs_ls(t, argc == 2 ? argv[1] : "/");
}

static int verb_read(struct term *t, int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        return cli_usage(t, argv[0]);
    }
    if (!running(t, argv[0])) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        rc |= dxs_read(t, argv[i]);
    }
    return rc;
}

static int verb_write(struct term *t, int argc, char **argv)
{
    int rc = 0;

    if (argc < 3 || argc % 2 == 0) {
        return cli_usage(t, argv[0]);
    }
    if (!running(t, argv[0])) {
        return 1;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        rc |= dxs_write(t, argv[i], argv[i + 1]);
    }
    return rc;
}

static int verb_rm(struct term *t, int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        return cli_usage(t, argv[0]);
    }
    if (!running(t, argv[0])) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        rc |= dxs_rm(t, argv[i]);
    }
    return rc;
}

const struct cli_verb cli_xs_verbs[] = {
    {"xenstore-ls", verb_ls, "[path]", "list the xenstore tree under path (default /)"},
    {"xenstore-read", verb_read, "<path>...", "print the values of xenstore nodes"},
    {"xenstore-write", verb_write, "<path> <value>...", "set xenstore nodes"},
    {"xenstore-rm", verb_rm, "<path>...", "remove xenstore nodes and what is under them"},
    {NULL, NULL, NULL, NULL},
};
