/*
 * Watches: a client names a path (or @introduceDomain / @releaseDomain) and a
 * token; a change of that node or of anything below it queues a WATCH_EVENT
 * "path\0token\0" on the client's connection, where path is the node that
 * changed. Removing a subtree also fires the watches set inside it, with
 * their own paths. Events reach only clients that may read the node.
 */
#include "xs_internal.h"

int xs_watch_add(struct xs_conn *c, const char *path, const char *token)
{
    char abs[XS_PATH_BUF];
    struct xs_watch *w, **pp;
    bool relative;
    size_t plen, tlen = strlen(token);
    int rc = xs_path_canon(c, path, true, abs, &relative);

    if (rc < 0) {
        return rc;
    }
    plen = (size_t)rc;
    for (w = c->watches; w; w = w->next) {
        if (strcmp(w->path, abs) == 0 && strcmp(w->token, token) == 0) {
            return -XS_EEXIST;
        }
    }
    if (!xs_conn_is_priv(c) && c->nwatches >= c->store->quota.watches) {
        return -XS_EDQUOT;
    }
    w = malloc(sizeof(*w) + plen + 1 + tlen + 1);
    if (!w) {
        return -XS_ENOMEM;
    }
    memcpy(w->path, abs, plen + 1);
    w->token = w->path + plen + 1;
    memcpy(w->token, token, tlen + 1);
    w->relative = relative;
    /* Appended, so that one change fires a connection's watches in the order set. */
    w->next = NULL;
    pp = &c->watches;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = w;
    c->nwatches++;
    return 0;
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
    char abs[XS_PATH_BUF];
    bool relative;
    int rc = xs_path_canon(c, path, true, abs, &relative);

    if (rc < 0) {
        return rc;
    }
    for (struct xs_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;

        if (strcmp(w->path, abs) == 0 && strcmp(w->token, token) == 0) {
            *pp = w->next;
            free(w);
            c->nwatches--;
            return 0;
        }
    }
    return -XS_ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        free(w);
    }
    c->nwatches = 0;
}

/* Queue one event; a client that does not read its events loses new ones. */
static void queue_event(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
    char home[32];
    size_t hl;

    if (w->relative) {
        hl = xs_home_path(c->domid, home);
        if (strncmp(path, home, hl) == 0 && path[hl] == '/') {
            path += hl + 1;
        }
    }
    if (!xs_conn_is_priv(c) && c->out_events >= c->store->quota.events) {
        c->dropped_events++;
        return;
    }
    if (xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, path, strlen(path) + 1, w->token,
                      strlen(w->token) + 1, true)) {
        c->dropped_events++;
    }
}

void xs_watch_fire(struct xs_store *s, const char *path, bool recurse, const struct xs_acl *acl)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        if (!c->watches || c->broken) {
            continue;
        }
        if (!(xs_perm_for(s, c, acl) & XS_PERM_READ)) {
            continue;
        }
        for (const struct xs_watch *w = c->watches; w; w = w->next) {
            if (xs_path_is_child(path, w->path)) {
                queue_event(c, w, path);
            } else if (recurse && xs_path_is_child(w->path, path)) {
                queue_event(c, w, w->path);
            }
        }
    }
}

void xs_watch_note(struct xs_view *v, const char *path, bool recurse, const struct xs_acl *acl)
{
    /* Out of memory, a transaction's event is lost, as a dropped event would be. */
    if (!v->t) {
        xs_watch_fire(v->s, path, recurse, acl);
    } else {
        (void)xs_txn_add_event(v->t, path, recurse, acl);
    }
}
