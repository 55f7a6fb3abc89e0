/*
 * The xenstore wire protocol and the shared ring page, as Xen defines them.
 *
 * Every number and layout here is part of Xen's public ABI (io/xs_wire.h in
 * Xen's public headers, docs/misc/xenstore.txt and xenstore-ring.txt): real
 * clients (Linux's xenbus, Xen's libxenstore, Mini-OS) depend on them, so they
 * must never change. The text and the code are Xenolith's own.
 *
 * A message is a 16-byte header followed by `len` bytes of payload; strings in
 * the payload are NUL-separated. Replies echo the request's req_id and tx_id.
 * Errors come back as an XS_ERROR message whose payload is the errno *name*
 * ("ENOENT"), so that the protocol does not depend on any OS's errno numbers.
 */
#ifndef XEN_IO_XS_WIRE_H
#define XEN_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Message types (the `type` field). The values are fixed by Xen. */
enum xsd_sockmsg_type {
    XS_CONTROL = 0, /* formerly XS_DEBUG: daemon control ("log", "quota", ...) */
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT; Xen removed it and the number stays unused. */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT = 23, /* number of defined types (Xen 4.17, Linux 6.1) */
    XS_INVALID = 0xffff /* never a valid type */
};
#define XS_DEBUG XS_CONTROL

/* Optional second argument of XS_WRITE in the oldest protocol revision. */
#define XS_WRITE_NONE        "NONE"
#define XS_WRITE_CREATE      "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/*
 * The error names a server may put in an XS_ERROR payload. Clients map them
 * back with a table like this one; a name they do not know reads as EINVAL.
 * The numbers are Xen's (and Linux's) errno values.
 */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#define XSD_ERRORS_INIT                                                                            \
    {                                                                                              \
        {22, "EINVAL"}, {13, "EACCES"}, {17, "EEXIST"}, {21, "EISDIR"}, {2, "ENOENT"},             \
            {12, "ENOMEM"}, {28, "ENOSPC"}, {5, "EIO"}, {39, "ENOTEMPTY"}, {38, "ENOSYS"},         \
            {30, "EROFS"}, {16, "EBUSY"}, {11, "EAGAIN"}, {106, "EISCONN"}, {7, "E2BIG"},          \
            {1, "EPERM"},                                                                          \
    }

/* The header of every message, in both directions. */
struct xsd_sockmsg {
    uint32_t type;   /* enum xsd_sockmsg_type */
    uint32_t req_id; /* chosen by the client, echoed in the reply */
    uint32_t tx_id;  /* transaction id, 0 outside a transaction */
    uint32_t len;    /* payload bytes that follow */
};

/* Field order inside an XS_WATCH_EVENT payload: "path\0token\0". */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN = 1 };

/* The ring page shared between a domain and the xenstore server. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
/* Indices run freely and wrap at 2^32; only their low bits address the ring. */
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /* client -> server */
    char rsp[XENSTORE_RING_SIZE]; /* server -> client: replies and watch events */
    XENSTORE_RING_IDX req_cons;   /* written by the server */
    XENSTORE_RING_IDX req_prod;   /* written by the client */
    XENSTORE_RING_IDX rsp_cons;   /* written by the client */
    XENSTORE_RING_IDX rsp_prod;   /* written by the server */
    uint32_t server_features;     /* XENSTORE_SERVER_FEATURE_* the server offers */
    uint32_t connection;          /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
    uint32_t error;               /* XENSTORE_ERROR_*, set by the server */
};

/* Largest payload of one message; a longer one breaks the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longest absolute path, and longest path below a domain's home directory. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1 /* the connection field works */
#define XENSTORE_SERVER_FEATURE_ERROR        2 /* the error field works */

/* connection values. */
#define XENSTORE_CONNECTED 0 /* normal operation */
#define XENSTORE_RECONNECT 1 /* client asked for a reset; server sets CONNECTED when done */

/* error values: why the server stopped serving the ring. */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1 /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2 /* producer/consumer indices out of range */
#define XENSTORE_ERROR_PROTO   3 /* protocol violation, e.g. payload too long */

/* Layout checks: these are what guests compiled against Xen rely on. */
#ifdef __cplusplus
#define XS_WIRE_ASSERT static_assert
#else
#define XS_WIRE_ASSERT _Static_assert
#endif
XS_WIRE_ASSERT(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg is 16 bytes");
XS_WIRE_ASSERT(offsetof(struct xsd_sockmsg, req_id) == 4, "req_id at 4");
XS_WIRE_ASSERT(offsetof(struct xsd_sockmsg, tx_id) == 8, "tx_id at 8");
XS_WIRE_ASSERT(offsetof(struct xsd_sockmsg, len) == 12, "len at 12");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, rsp) == 1024, "rsp at 1024");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "req_cons at 2048");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, req_prod) == 2052, "req_prod at 2052");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, rsp_cons) == 2056, "rsp_cons at 2056");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "rsp_prod at 2060");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, server_features) == 2064,
               "server_features at 2064");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, connection) == 2068,
               "connection at 2068");
XS_WIRE_ASSERT(offsetof(struct xenstore_domain_interface, error) == 2072, "error at 2072");
XS_WIRE_ASSERT(sizeof(struct xenstore_domain_interface) == 2076, "ring page header size");
XS_WIRE_ASSERT((XENSTORE_RING_SIZE & (XENSTORE_RING_SIZE - 1)) == 0, "ring size power of 2");
#undef XS_WIRE_ASSERT

#endif /* XEN_IO_XS_WIRE_H */
