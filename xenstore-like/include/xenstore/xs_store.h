/*
 * The xenstore core: a store and the connections that talk to it.
 *
 * The core does no I/O. A transport (the shared ring page in the service
 * domain, a Unix socket in the hosted daemon, a test in CMocka) creates one
 * xs_conn per client, pushes the bytes it receives into xs_conn_input() and
 * drains what xs_conn_output() hands back. Everything a client can do goes
 * through the wire protocol of <xen/io/xs_wire.h>, so every transport gets the
 * same behaviour and the same checks.
 */
#ifndef XENSTORE_XS_STORE_H
#define XENSTORE_XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xs_store;
struct xs_conn;

/*
 * Per-domain limits. They bind unprivileged domains only: dom0 and other
 * privileged connections are trusted, as in Xen.
 */
struct xs_quota {
    uint32_t nodes;        /* nodes one domain may own */
    uint32_t node_size;    /* bytes of value plus child names in one node */
    uint32_t perms;        /* ACL entries in one node */
    uint32_t watches;      /* watches per connection */
    uint32_t transactions; /* open transactions per connection */
    uint32_t outstanding;  /* unread replies before input is paused */
    uint32_t events;       /* unread watch events before new ones are dropped */
    uint32_t memory;       /* bytes of node data one domain may own */
};

/* Fill *q with the defaults (documented in docs/xenstore.md). */
void xs_quota_defaults(struct xs_quota *q);

/* What the store asks of the component that embeds it. All are optional. */
struct xs_store_hooks {
    void *opaque;
    /*
     * INTRODUCE of a domain: map its ring page (mfn) and bind its event channel
     * (port), then create its connection with xs_conn_new(). 0 or -XS_E*.
     */
    int (*introduce)(void *opaque, unsigned int domid, uint64_t mfn, uint32_t port);
    /* RELEASE of a domain: free its connection (xs_conn_free) and unmap. */
    void (*release)(void *opaque, unsigned int domid);
    /* One line of log text (no newline) while logging is on. */
    void (*log)(void *opaque, const char *line);
};

/* A new store holding "/" (owned by dom0). quota may be NULL for the defaults. */
struct xs_store *xs_store_new(const struct xs_quota *quota, const struct xs_store_hooks *hooks);
/* Free the store. Every connection must have been freed first. */
void xs_store_free(struct xs_store *s);

/* Turn request logging on or off (also reachable as CONTROL "log"). */
void xs_store_set_logging(struct xs_store *s, bool on);

/*
 * Check the tree's invariants (every child listed exists, every node's parent
 * lists it, owner accounting adds up). 0 if consistent, else -XS_EIO. For
 * tests and the fuzzer; CONTROL "check" runs it too.
 */
int xs_store_check(const struct xs_store *s);

/* Number of nodes in the committed tree. */
uint32_t xs_store_node_count(const struct xs_store *s);

/* Bytes the committed tree uses, as the core accounts them. */
size_t xs_store_memory(const struct xs_store *s);

/*
 * A domain died without an explicit RELEASE: forget it and fire
 * @releaseDomain. The embedder frees the domain's connection itself.
 */
void xs_store_domain_gone(struct xs_store *s, unsigned int domid);

/* How a connection tells its transport that output is waiting. */
struct xs_conn_ops {
    void *opaque;
    void (*wakeup)(void *opaque);
};

/*
 * A new connection acting for domid. privileged: dom0 or a local socket
 * client, allowed every operation. ops may be NULL (poll xs_conn_output).
 * NULL when out of memory.
 */
struct xs_conn *xs_conn_new(struct xs_store *s, unsigned int domid, bool privileged,
                            const struct xs_conn_ops *ops);
/* Free a connection with its watches, transactions and queued output. */
void xs_conn_free(struct xs_conn *c);

/*
 * Feed bytes received from the client. Returns how many bytes were taken
 * (fewer than len when the client has too many unread replies: offer the rest
 * again after draining output), or -XS_EPROTO when the client broke the
 * protocol. A broken connection takes no more input; drop it.
 */
long xs_conn_input(struct xs_conn *c, const void *buf, size_t len);

/* Whether xs_conn_input() would take more bytes now. */
bool xs_conn_can_input(const struct xs_conn *c);

/*
 * The next bytes to send to the client: buf and len describe the unsent part of
 * the oldest queued message. false when nothing is queued.
 */
bool xs_conn_output(struct xs_conn *c, const void **buf, size_t *len);
/* n bytes of what xs_conn_output() returned have been sent. */
void xs_conn_output_done(struct xs_conn *c, size_t n);

/*
 * Start over as if newly connected (ring reconnection): drop watches,
 * transactions, a half-received message and queued output.
 */
void xs_conn_reset(struct xs_conn *c);

/* Whether the connection broke the protocol (then it takes no more input). */
bool xs_conn_broken(const struct xs_conn *c);

/* The domain a connection acts for. */
unsigned int xs_conn_domid(const struct xs_conn *c);

/* Watch events dropped for this connection because it did not read them. */
uint32_t xs_conn_dropped_events(const struct xs_conn *c);

#ifdef __cplusplus
}
#endif

#endif /* XENSTORE_XS_STORE_H */
