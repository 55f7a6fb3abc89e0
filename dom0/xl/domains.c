/* SPDX-License-Identifier: MIT */
/*
 * Domains dom0 creates and reaps (dom0/domains.h): configs from the ramdisk,
 * the domain builder wired to the real hypercalls, console backends, and the
 * on_poweroff / on_reboot / on_crash actions when VIRQ_DOM_EXC says a domain
 * has ended.
 */
#include <rt/runtime.h>
#include <dom0/builder.h>
#include <dom0/cli.h>
#include <dom0/dctl.h>
#include <dom0/domains.h>
#include <dom0/heap.h>
#include <dom0/libc.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/mm.h>
#include <dom0/xs.h>

/* xl's habit: a domain that restarts this often this fast is left dead. */
#define RESTART_BURST     10
#define RESTART_WINDOW_NS 10000000000ul

struct ramdisk dom0_ramdisk;
static struct dom_rec *recs;

/* ---- the builder's operations: real hypercalls ---- */

static int op_domctl(void *ctx, struct xenolith_domctl *op)
{
    (void)ctx;
    return dctl_call(op);
}

static void *op_map(void *ctx, domid_t dom, const uint64_t *mfns, size_t n)
{
    void *va = NULL;
    int rc = mm_foreign_map(dom, mfns, n, true, &va);

    (void)ctx;
    if (rc) {
        log_err("mapping %zu frames of domain %u: %d\n", n, dom, rc);
        return NULL;
    }
    return va;
}

static void op_unmap(void *ctx, void *va, size_t n)
{
    (void)ctx;
    int rc = mm_foreign_unmap(va, n);
    if (rc) {
        log_err("unmapping %zu frames at %p: %d\n", n, va, rc);
    }
}

static int op_alloc_unbound(void *ctx, domid_t dom, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote};
    int rc = (int)hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    (void)ctx;
    if (!rc) {
        *port = a.port;
    }
    return rc;
}

static void op_log(void *ctx, const char *msg)
{
    (void)ctx;
    log_debug("builder: %s\n", msg);
}

static const struct builder_ops build_ops = {
    .domctl = op_domctl,
    .map = op_map,
    .unmap = op_unmap,
    .evtchn_alloc_unbound = op_alloc_unbound,
    .log = op_log,
};

/* ---- records ---- */

struct dom_rec *dom_find(domid_t id)
{
    for (struct dom_rec *r = recs; r; r = r->next) {
        if (r->domid == id) {
            return r;
        }
    }
    return NULL;
}

struct dom_rec *dom_first(void)
{
    return recs;
}

static void unlink_rec(struct dom_rec *r)
{
    for (struct dom_rec **pp = &recs; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            return;
        }
    }
}

static void timing_domain_gone(struct dom_rec *r);

/* Let go of everything dom0 holds of the domain (mappings, ports, xenstore),
 * so that destroying it returns every frame. */
static void release_rec(struct dom_rec *r)
{
    timing_domain_gone(r);
    term_domain_gone(r->domid);
    if (r->introduced) {
        dxs_release(r);
    }
    cons_free(&r->cons);
    unlink_rec(r);
    free(r->cfg);
    free(r);
}

int dom_resolve(const char *arg, domid_t *out)
{
    struct xl_domctl_info info;
    uint64_t id;

    if (cli_parse_u64(arg, &id)) {
        if (id >= DOMID_FIRST_RESERVED || dctl_info((domid_t)id, false, &info)) {
            return -XEN_ESRCH;
        }
        *out = (domid_t)id;
        return 0;
    }
    for (domid_t d = 0; dctl_info(d, true, &info) == 0; d = (domid_t)(info.domid + 1)) {
        if (!strncmp(info.name, arg, sizeof(info.name))) {
            *out = info.domid;
            return 0;
        }
        if (info.domid + 1u >= DOMID_FIRST_RESERVED) {
            break;
        }
    }
    return -XEN_ESRCH;
}

/* ---- files in the ramdisk ---- */

/* path as given, else relative to dir (the config's directory). */
static int find_file(const char *path, const char *dir, const void **data, size_t *len)
{
    int rc = ramdisk_find(&dom0_ramdisk, path, data, len);
    if (rc != -XEN_ENOENT || !dir || !*dir || path[0] == '/') {
        return rc;
    }
    char joined[XLCFG_PATH_MAX * 2];
    snprintf(joined, sizeof(joined), "%s/%s", dir, path);
    int rc2 = ramdisk_find(&dom0_ramdisk, joined, data, len);
    return rc2 == -XEN_ENOENT ? rc : rc2;
}

/* The config named on the command line: a path in the ramdisk, or a name
 * under configs/ (with or without ".cfg"). */
static int find_config(const char *arg, char *path, size_t pathlen, const void **data, size_t *len)
{
    static const char *const forms[] = {"%s", "configs/%s", "configs/%s.cfg"};
    int rc = -XEN_ENOENT;

    for (unsigned int i = 0; i < ARRAY_SIZE(forms); i++) {
        snprintf(path, pathlen, forms[i], arg);
        rc = ramdisk_find(&dom0_ramdisk, path, data, len);
        if (rc != -XEN_ENOENT) {
            break;
        }
    }
    if (rc) {
        snprintf(path, pathlen, "%s", arg);
    }
    return rc;
}

static void dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= len) {
        n = len - 1;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
}

/* ---- create ---- */

/* Build and start a domain from a parsed config; the record keeps cfg. */
static int start_domain(struct term *t, struct dom_rec *r)
{
    const struct xl_config *cfg = r->cfg;
    const void *kernel, *initrd = NULL;
    size_t kernel_len, initrd_len = 0;
    char dir[XLCFG_PATH_MAX], err[160];
    struct builder_result res;
    int rc;

    dir_of(r->cfg_path, dir, sizeof(dir));
    rc = find_file(cfg->kernel, dir, &kernel, &kernel_len);
    if (rc) {
        term_printf(t, "%s: kernel: '%s': %s\n", r->cfg_path, cfg->kernel,
                    rc == -XEN_ENOENT ? "no such file in the ramdisk" : cli_strerror(rc));
        return 1;
    }
    if (cfg->ramdisk[0]) {
        rc = find_file(cfg->ramdisk, dir, &initrd, &initrd_len);
        if (rc) {
            term_printf(t, "%s: ramdisk: '%s': %s\n", r->cfg_path, cfg->ramdisk,
                        rc == -XEN_ENOENT ? "no such file in the ramdisk" : cli_strerror(rc));
            return 1;
        }
    }

    struct builder_request req = {
        .name = cfg->name,
        .nr_pages = builder_mib_to_pages(cfg->memory_mib),
        .max_pages = builder_mib_to_pages(cfg->maxmem_mib),
        .vcpus = cfg->vcpus,
        .kernel = kernel,
        .kernel_len = kernel_len,
        .initrd = initrd,
        .initrd_len = initrd_len,
        .cmdline = cfg->cmdline,
    };
    uint64_t t0 = loop_now();
    rc = builder_create(&build_ops, &req, &res, err, sizeof(err));
    r->build_ns = loop_now() - t0;
    if (rc) {
        term_printf(t, "error: cannot create domain '%s': %s\n", cfg->name, err);
        return 1;
    }
    r->domid = res.domid;
    r->store_mfn = res.store_mfn;
    r->console_mfn = res.console_mfn;
    r->console_port = res.console_port;
    r->store_port = res.store_port;
    rc = cons_connect(&r->cons, res.domid, res.console_mfn, res.console_port);
    if (rc) {
        term_printf(t, "error: domain '%s' (%u): console backend: %s\n", cfg->name, res.domid,
                    cli_strerror(rc));
        dctl_destroy(res.domid);
        return 1;
    }
    r->next = recs;
    recs = r;
    rc = dxs_introduce(r);
    if (rc) {
        log_warn("domain %u (%s): not introduced to xenstore: %s\n", r->domid, r->name,
                 cli_strerror(rc));
    }
    rc = dctl_unpause(res.domid);
    if (rc) {
        term_printf(t, "error: domain '%s' (%u): unpause: %s\n", cfg->name, res.domid,
                    cli_strerror(rc));
        dom_destroy(res.domid);
        return 1;
    }
    r->created_ns = loop_now();
    log_info("domain %u (%s) started from %s: %lu MiB, built in %lu us\n", r->domid, r->name,
             r->cfg_path, cfg->memory_mib, (r->created_ns - t0) / 1000);
    return 0;
}

/* ---- start-up timing (`create -t`) ---- */

#define TIMING_WAIT_NS 30000000000ull

/* A terminal waiting for a domain's first console line; one per terminal
 * (a held terminal takes no other verb). What it reports is copied from the
 * record, which may go before the report is made. */
struct timing_wait {
    struct term *t; /* NULL: not waiting */
    domid_t dom;
    bool attach, gone;
    uint64_t verb_ns, skew_ns, build_ns, unpaused_ns, created_ns, first_run_ns, first_line_ns;
    struct loop_timer timer;
};
static struct timing_wait waits[2];

static void timing_capture(struct timing_wait *w, const struct dom_rec *r)
{
    struct xl_domctl_info info;

    w->build_ns = r->build_ns;
    w->unpaused_ns = r->created_ns;
    w->first_line_ns = r->cons.first_line_ns;
    if (!dctl_info(r->domid, false, &info)) {
        w->created_ns = info.created_ns;
        w->first_run_ns = info.first_run_ns;
    }
}

/* " key=N" in us from the verb's start, or " key=-" when it did not happen. */
static void timing_field(struct term *t, const char *key, uint64_t at, uint64_t from)
{
    if (!at) {
        term_printf(t, " %s=-", key);
    } else {
        term_printf(t, " %s=%ld", key, ((int64_t)(at - from)) / 1000);
    }
}

static void timing_done(struct loop_timer *timer)
{
    struct timing_wait *w = timer == &waits[0].timer ? &waits[0] : &waits[1];
    struct term *t = w->t;
    struct dom_rec *r = w->gone ? NULL : dom_find(w->dom);

    if (!t) {
        return;
    }
    if (r) {
        timing_capture(w, r);
        r->cons.on_first_line = NULL;
    }
    term_printf(t, "timing: domain %u build_us=%lu", w->dom, w->build_ns / 1000);
    timing_field(t, "created_us", w->created_ns, w->verb_ns);
    timing_field(t, "unpaused_us", w->unpaused_ns, w->verb_ns);
    timing_field(t, "first_insn_us", w->first_run_ns, w->verb_ns);
    timing_field(t, "first_line_us", w->first_line_ns, w->verb_ns);
    term_printf(t, " pvclock_skew_ns=%ld\n", (int64_t)w->skew_ns);
    w->t = NULL;
    if (w->attach && r) {
        dom_console_attach(t, w->dom);
    }
    term_release(t, 0);
}

static void timing_start(struct term *t, struct dom_rec *r, bool attach, uint64_t skew_ns)
{
    struct timing_wait *w = &waits[t == &term_console ? 0 : 1];

    loop_timer_cancel(&w->timer);
    *w = (struct timing_wait){
        .t = t, .dom = r->domid, .attach = attach, .verb_ns = r->verb_ns, .skew_ns = skew_ns};
    loop_timer_init(&w->timer, timing_done);
    r->cons.on_first_line = &w->timer;
    loop_timer_arm(&w->timer, r->cons.first_line_ns ? 0 : loop_now() + TIMING_WAIT_NS);
    term_hold(t);
}

/* The record goes (destroyed, restarted, reaped): report what there is. */
static void timing_domain_gone(struct dom_rec *r)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(waits); i++) {
        struct timing_wait *w = &waits[i];
        if (w->t && !w->gone && w->dom == r->domid) {
            timing_capture(w, r);
            w->gone = true;
            r->cons.on_first_line = NULL;
            loop_timer_arm(&w->timer, 0);
        }
    }
}

int dom_create(struct term *t, const char *arg, bool attach, bool timing)
{
    const void *text;
    size_t len;
    char err[256];
    struct xl_domctl_info self;
    /* The start of the verb in hypervisor time, and how far dom0's pvclock
     * reads from it just after. */
    uint64_t verb_ns = dctl_info(0, false, &self) ? 0 : self.now_ns;
    uint64_t skew_ns = verb_ns ? loop_now() - verb_ns : 0;
    struct dom_rec *r = calloc(1, sizeof(*r));
    int rc;

    if (!r || !(r->cfg = malloc(sizeof(*r->cfg)))) {
        free(r);
        term_printf(t, "error: dom0 is out of memory\n");
        return 1;
    }
    r->verb_ns = verb_ns ? verb_ns : loop_now();
    rc = find_config(arg, r->cfg_path, sizeof(r->cfg_path), &text, &len);
    term_printf(t, "Parsing config from %s\n", r->cfg_path);
    if (rc) {
        term_printf(t, "error: %s: %s\n", r->cfg_path,
                    rc == -XEN_ENOENT ? "no such file in the ramdisk" : cli_strerror(rc));
        goto fail;
    }
    rc = xlcfg_parse(text, len, r->cfg_path, r->cfg, err, sizeof(err));
    if (rc) {
        term_printf(t, "error: %s\n", err);
        goto fail;
    }
    if (r->cfg->warnings[0]) {
        term_write(t, r->cfg->warnings, strlen(r->cfg->warnings));
    }
    domid_t other;
    if (dom_resolve(r->cfg->name, &other) == 0) {
        term_printf(t, "error: %s: name: domain '%s' already exists (id %u)\n", r->cfg_path,
                    r->cfg->name, other);
        goto fail;
    }
    snprintf(r->name, sizeof(r->name), "%s", r->cfg->name);
    if (start_domain(t, r)) {
        goto fail;
    }
    if (timing) {
        timing_start(t, r, attach, skew_ns);
        return 0;
    }
    if (attach) {
        return dom_console_attach(t, r->domid) ? 1 : 0;
    }
    return 0;

fail:
    cons_free(&r->cons);
    free(r->cfg);
    free(r);
    return 1;
}

/* ---- destroy and death ---- */

int dom_destroy(domid_t id)
{
    struct dom_rec *r = dom_find(id);

    if (id == 0) {
        return -XEN_EPERM;
    }
    if (r) {
        release_rec(r);
    }
    return dctl_destroy(id);
}

void dom_destroy_all(void)
{
    while (recs) {
        domid_t id = recs->domid;
        int rc = dom_destroy(id);
        if (rc) {
            log_err("destroying domain %u: %s\n", id, cli_strerror(rc));
        }
    }
}

static const char *reason_text(uint32_t reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return "powered off";
    case SHUTDOWN_reboot:
        return "rebooted";
    case SHUTDOWN_suspend:
        return "suspended";
    case SHUTDOWN_crash:
        return "crashed";
    case SHUTDOWN_watchdog:
        return "was stopped by its watchdog";
    default:
        return "shut down";
    }
}

/* Destroy r's domain and build it again from the same config. */
static void restart(struct dom_rec *r)
{
    uint64_t now = loop_now();
    struct dom_rec *n = calloc(1, sizeof(*n));
    domid_t old = r->domid;

    if (now - r->burst_start_ns > RESTART_WINDOW_NS) {
        r->burst_start_ns = now;
        r->restarts = 0;
    }
    if (++r->restarts > RESTART_BURST || !n) {
        log_err("domain %u (%s) restarted %u times in %lu s: not restarting it again\n", old,
                r->name, RESTART_BURST, RESTART_WINDOW_NS / 1000000000ul);
        free(n);
        dom_destroy(old);
        return;
    }
    /* The new record takes over the config; the old one goes with the domain. */
    *n = (struct dom_rec){
        .cfg = r->cfg, .restarts = r->restarts, .burst_start_ns = r->burst_start_ns};
    memcpy(n->name, r->name, sizeof(n->name));
    memcpy(n->cfg_path, r->cfg_path, sizeof(n->cfg_path));
    r->cfg = NULL;
    dom_destroy(old);
    if (start_domain(&term_console, n)) {
        log_err("restarting %s failed\n", n->name);
        cons_free(&n->cons);
        free(n->cfg);
        free(n);
    }
}

static void domain_ended(struct dom_rec *r, const struct xl_domctl_info *info)
{
    enum xlcfg_action act;
    const char *key;

    cons_service(&r->cons); /* its last words */
    switch (info->shutdown_reason) {
    case SHUTDOWN_poweroff:
        act = r->cfg->on_poweroff;
        key = "on_poweroff";
        break;
    case SHUTDOWN_reboot:
        act = r->cfg->on_reboot;
        key = "on_reboot";
        break;
    case SHUTDOWN_suspend:
        /* Nothing saves it: keep it for `destroy`, as a preserved domain. */
        act = XLCFG_ACTION_PRESERVE;
        key = "suspend";
        break;
    default:
        act = r->cfg->on_crash;
        key = "on_crash";
        break;
    }
    log_info("domain %u (%s) %s; %s=%s\n", r->domid, r->name, reason_text(info->shutdown_reason),
             key, xlcfg_action_name(act));
    switch (act) {
    case XLCFG_ACTION_PRESERVE:
        r->ended = true;
        break;
    case XLCFG_ACTION_RESTART:
    case XLCFG_ACTION_RENAME_RESTART: /* no rename operation yet: a plain restart */
        restart(r);
        break;
    default: {
        domid_t id = r->domid;
        int rc = dom_destroy(id);
        if (rc) {
            log_err("destroying domain %u: %s\n", id, cli_strerror(rc));
        } else {
            log_info("domain %u destroyed\n", id);
        }
        break;
    }
    }
}

static void on_dom_exc(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    struct dom_rec *r = recs;
    while (r) {
        struct dom_rec *next = r->next;
        struct xl_domctl_info info;
        int rc = dctl_info(r->domid, false, &info);

        if (rc == -XEN_ESRCH) {
            log_info("domain %u (%s) has gone\n", r->domid, r->name);
            release_rec(r);
        } else if (!rc && (info.flags & XL_INFO_SHUTDOWN) && !r->ended) {
            domain_ended(r, &info);
            /* Restarting may have changed the list: start over (ended ones are skipped). */
            next = recs;
        }
        r = next;
    }
}

int domains_init(void)
{
    long port = evtchn_bind_virq(VIRQ_DOM_EXC);
    if (port < 0) {
        return (int)port;
    }
    return loop_bind((evtchn_port_t)port, on_dom_exc, NULL);
}

/* ---- consoles ---- */

int dom_console_attach(struct term *t, domid_t id)
{
    struct dom_rec *r = dom_find(id);

    if (!r || !r->cons.buf) {
        return -XEN_ENOENT;
    }
    cons_service(&r->cons);
    cons_dump(&r->cons, t);
    t->attached = id;
    return 0;
}

void dom_console_input(unsigned int domid, const char *s, size_t n)
{
    struct dom_rec *r = dom_find((domid_t)domid);

    if (r) {
        cons_input(&r->cons, s, n);
    }
}
