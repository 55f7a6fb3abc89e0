/*
 * XS_CONTROL: daemon commands for dom0 ("xenstore-control <cmd> [args]").
 *   log on|off            log every request through the embedder's log hook
 *   quota                 list the quotas
 *   quota <domid>         what a domain owns
 *   quota <name> <value>  change a quota
 *   check                 check the tree's consistency
 *   print <text>          write text to the log
 *   help                  list the commands
 */
#include "xs_internal.h"

struct text {
    char *buf;
    size_t room, len;
};

static void put(struct text *t, const char *s)
{
    for (; *s && t->len + 1 < t->room; s++) {
        t->buf[t->len++] = *s;
    }
}

static void put_num(struct text *t, uint64_t v)
{
    char num[24];

    xs_utoa(v, num);
    put(t, num);
}

static const struct {
    const char *name;
    size_t offset;
} quota_names[] = {
    {"nodes", offsetof(struct xs_quota, nodes)},
    {"node-size", offsetof(struct xs_quota, node_size)},
    {"perms", offsetof(struct xs_quota, perms)},
    {"watches", offsetof(struct xs_quota, watches)},
    {"transactions", offsetof(struct xs_quota, transactions)},
    {"outstanding", offsetof(struct xs_quota, outstanding)},
    {"events", offsetof(struct xs_quota, events)},
    {"memory", offsetof(struct xs_quota, memory)},
};
#define NQUOTA (sizeof(quota_names) / sizeof(quota_names[0]))

static uint32_t *quota_field(struct xs_store *s, const char *name)
{
    for (size_t i = 0; i < NQUOTA; i++) {
        if (strcmp(quota_names[i].name, name) == 0) {
            return (uint32_t *)((char *)&s->quota + quota_names[i].offset);
        }
    }
    return NULL;
}

static int control_quota(struct xs_store *s, const char *const *argv, uint32_t argc, struct text *t)
{
    uint64_t v;

    if (argc == 1) {
        for (size_t i = 0; i < NQUOTA; i++) {
            put(t, quota_names[i].name);
            put(t, " ");
            put_num(t, *quota_field(s, quota_names[i].name));
            put(t, "\n");
        }
        return 0;
    }
    if (argc == 2) {
        const struct xs_domain *d;

        if (xs_atou(argv[1], XS_DOMID_MAX, &v)) {
            return -XS_EINVAL;
        }
        d = xs_domain_find(s, (unsigned int)v);
        if (!d) {
            return -XS_ENOENT;
        }
        put(t, "nodes ");
        put_num(t, d->nodes);
        put(t, "\nmemory ");
        put_num(t, d->memory);
        put(t, "\nintroduced ");
        put(t, d->introduced ? "yes\n" : "no\n");
        return 0;
    }
    if (argc == 3) {
        uint32_t *f = quota_field(s, argv[1]);

        if (!f || xs_atou(argv[2], UINT32_MAX, &v)) {
            return -XS_EINVAL;
        }
        *f = (uint32_t)v;
        put(t, "OK");
        return 0;
    }
    return -XS_EINVAL;
}

int xs_do_control(struct xs_conn *c, const char *const *argv, uint32_t argc, char *out, size_t room,
                  size_t *len)
{
    struct xs_store *s = c->store;
    struct text t = {out, room, 0};
    int rc = 0;

    if (strcmp(argv[0], "log") == 0 && argc == 2 &&
        (strcmp(argv[1], "on") == 0 || strcmp(argv[1], "off") == 0)) {
        s->logging = strcmp(argv[1], "on") == 0;
        put(&t, "OK");
    } else if (strcmp(argv[0], "quota") == 0) {
        rc = control_quota(s, argv, argc, &t);
    } else if (strcmp(argv[0], "check") == 0 && argc == 1) {
        rc = xs_store_check(s);
        put(&t, "OK nodes ");
        put_num(&t, s->nodes.count);
        put(&t, " bytes ");
        put_num(&t, s->memory);
    } else if (strcmp(argv[0], "print") == 0 && argc == 2) {
        bool was = s->logging;

        s->logging = true;
        xs_log(s, "print", argv[1], NULL);
        s->logging = was;
        put(&t, "OK");
    } else if (strcmp(argv[0], "help") == 0 && argc == 1) {
        put(&t, "log on|off\nquota [<domid>|<name> <value>]\ncheck\nprint <text>\nhelp\n");
    } else {
        rc = -XS_EINVAL;
    }
    if (rc) {
        return rc;
    }
    out[t.len++] = '\0'; /* put() always leaves room for it */
    *len = t.len;
    return 0;
}
