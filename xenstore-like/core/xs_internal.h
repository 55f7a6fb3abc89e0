/*
 * Internal structures of the xenstore core, shared by the files of core/.
 *
 * Data model: a flat hash table maps each absolute path to a node record
 * holding its value, its ACL and the names of its children (NUL-terminated,
 * back to back, which is also the DIRECTORY reply format). Every change of a
 * committed node gives it a new generation number from a store-wide counter.
 *
 * A transaction is an overlay table of private copies of every node it has
 * touched, read or written, each remembering the generation it was copied at
 * (0 if the node was absent). Commit succeeds only if none of those nodes has
 * changed since; then the dirty copies replace the committed records.
 */
#ifndef XENSTORE_CORE_XS_INTERNAL_H
#define XENSTORE_CORE_XS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>
#include <xenstore/xs_errno.h>
#include <xenstore/xs_libc.h>
#include <xenstore/xs_store.h>

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u /* internal: may change the ACL */

#define XS_DOMID_MAX 0x7fefu /* DOMID_FIRST_RESERVED - 1 */

/* The longest absolute path a client can name, plus its NUL. */
#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

struct xs_perm {
    uint32_t id;   /* domain */
    uint32_t bits; /* XS_PERM_READ | XS_PERM_WRITE */
};

/* An ACL: entry 0 names the owner and the default for everyone else. */
struct xs_acl {
    struct xs_perm *p;
    uint32_t n;
};

struct xs_node {
    struct xs_node *hnext; /* hash chain */
    uint32_t hash;
    uint32_t path_len;
    char *path; /* points into the same allocation */
    char *value;
    uint32_t value_len;
    char *children;
    uint32_t children_len;
    struct xs_acl acl;
    uint64_t gen;
    /* transaction overlay only */
    uint64_t base_gen; /* generation when copied, 0 = was absent */
    bool present;      /* false: absent in this transaction's view */
    bool dirty;        /* changed by the transaction */
};

struct xs_table {
    struct xs_node **buckets;
    uint32_t nbuckets; /* power of two, 0 before the first insert */
    uint32_t count;
};

/* A watch event a transaction will fire when it commits. */
struct xs_pending_event {
    struct xs_pending_event *next;
    bool recurse; /* a removal: watches below path fire too */
    struct xs_acl acl;
    char path[];
};

struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    struct xs_table nodes;
    struct xs_pending_event *events, **events_tail;
    int64_t nodes_delta; /* nodes created minus removed, for the caller's quota */
    int64_t mem_delta;
};

struct xs_watch {
    struct xs_watch *next;
    char *token;
    bool relative; /* registered relative to the domain's home */
    char path[];   /* absolute path or @special */
};

/* One queued message: header and payload, as sent. */
struct xs_msg {
    struct xs_msg *next;
    uint32_t len; /* header + payload */
    uint32_t sent;
    bool event;
    unsigned char data[];
};

struct xs_conn {
    struct xs_conn *next, *prev; /* in the store's list */
    struct xs_store *store;
    unsigned int domid;
    bool privileged;
    bool broken;
    struct xs_conn_ops ops;
    /* input: one message is assembled here, then copied to nowhere else */
    uint32_t in_have;
    struct xsd_sockmsg in_hdr;
    char in_buf[XENSTORE_PAYLOAD_MAX + 1]; /* +1: always NUL-terminated */
    /* output */
    struct xs_msg *out_head, **out_tail;
    uint32_t out_replies, out_events;
    uint32_t dropped_events;
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns;
    uint32_t next_txid;
};

struct xs_domain {
    struct xs_domain *next;
    unsigned int domid;
    bool introduced;
    uint64_t mfn;
    uint32_t port;
    int target;     /* domain this one may act for (SET_TARGET), -1 = none */
    uint32_t nodes; /* nodes owned */
    size_t memory;  /* bytes of nodes owned */
};

/* @introduceDomain / @releaseDomain: watchable names that carry an ACL. */
struct xs_special {
    const char *name;
    struct xs_acl acl;
};

#define XS_NSPECIAL 2

struct xs_store {
    struct xs_table nodes;
    uint64_t next_gen;
    size_t memory;
    struct xs_quota quota;
    struct xs_store_hooks hooks;
    bool logging;
    struct xs_conn *conns;
    struct xs_domain *domains;
    struct xs_special special[XS_NSPECIAL];
};

/* A place requests read and write: the committed tree or a transaction. */
struct xs_view {
    struct xs_store *s;
    struct xs_conn *c; /* may be NULL: act as dom0 */
    struct xs_txn *t;  /* NULL: the committed tree */
};

/* path.c */
bool xs_path_chars_ok(const char *p);
int xs_path_canon(const struct xs_conn *c, const char *in, bool allow_special, char *out,
                  bool *relative);
bool xs_path_is_special(const char *p);
bool xs_path_is_child(const char *child, const char *parent);
size_t xs_path_parent_len(const char *p, size_t len);
const char *xs_path_basename(const char *p);
size_t xs_home_path(unsigned int domid, char *out);
size_t xs_utoa(uint64_t v, char *out);
int xs_atou(const char *s, uint64_t max, uint64_t *out);

/* table.c */
uint32_t xs_hash(const char *s, size_t len);
struct xs_node *xs_table_find(const struct xs_table *t, const char *path, size_t len);
int xs_table_insert(struct xs_table *t, struct xs_node *n);
void xs_table_remove(struct xs_table *t, struct xs_node *n);
void xs_table_clear(struct xs_table *t);
struct xs_node *xs_node_alloc(const char *path, size_t len);
void xs_node_free(struct xs_node *n);
struct xs_node *xs_node_clone(const struct xs_node *n);
size_t xs_node_size(const struct xs_node *n);
bool xs_node_has_child(const struct xs_node *n, const char *name, size_t len);
int xs_node_add_child(struct xs_node *n, const char *name, size_t len);
void xs_node_del_child(struct xs_node *n, const char *name, size_t len);
int xs_node_set_value(struct xs_node *n, const char *v, size_t len);

/* perms.c */
int xs_acl_copy(struct xs_acl *dst, const struct xs_acl *src);
void xs_acl_free(struct xs_acl *a);
int xs_acl_parse(const char *const *strs, uint32_t n, struct xs_acl *out);
size_t xs_acl_format(const struct xs_acl *a, char *out, size_t room);
unsigned int xs_perm_for(const struct xs_store *s, const struct xs_conn *c, const struct xs_acl *a);
bool xs_conn_is_priv(const struct xs_conn *c);

/* view.c */
int xs_view_get(struct xs_view *v, const char *path, struct xs_node **out);
int xs_view_lookup(struct xs_view *v, const char *path, unsigned int need, struct xs_node **out);
int xs_view_write(struct xs_view *v, const char *path, const char *val, size_t len,
                  bool create_only);
int xs_view_rm(struct xs_view *v, const char *path);
int xs_view_set_acl(struct xs_view *v, const char *path, const struct xs_acl *acl);
int xs_main_apply(struct xs_store *s, struct xs_node *copy);
int xs_main_init_root(struct xs_store *s);
void xs_main_free(struct xs_store *s);

/* txn.c */
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_start(struct xs_conn *c, uint32_t *id);
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
void xs_txn_free_all(struct xs_conn *c);
int xs_txn_add_event(struct xs_txn *t, const char *path, bool recurse, const struct xs_acl *acl);

/* watch.c */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
void xs_watch_fire(struct xs_store *s, const char *path, bool recurse, const struct xs_acl *acl);
void xs_watch_note(struct xs_view *v, const char *path, bool recurse, const struct xs_acl *acl);

/* domain.c */
struct xs_domain *xs_domain_find(const struct xs_store *s, unsigned int domid);
struct xs_domain *xs_domain_get(struct xs_store *s, unsigned int domid);
void xs_domain_account(struct xs_store *s, unsigned int owner, int nodes, long mem);
int xs_quota_check(struct xs_view *v, unsigned int owner, int new_nodes, long mem_increase);
struct xs_special *xs_special_find(struct xs_store *s, const char *name);

/* conn.c */
int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *p1,
                  size_t l1, const void *p2, size_t l2, bool event);
void xs_log(struct xs_store *s, const char *a, const char *b, const char *c2);

/* dispatch.c */
void xs_dispatch(struct xs_conn *c);

/* control.c */
int xs_do_control(struct xs_conn *c, const char *const *argv, uint32_t argc, char *out, size_t room,
                  size_t *len);

#endif /* XENSTORE_CORE_XS_INTERNAL_H */
