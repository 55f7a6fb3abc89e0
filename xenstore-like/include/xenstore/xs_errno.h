/*
 * Error numbers used inside the xenstore core.
 *
 * The core returns negative values of these (R8). They are Xen's errno numbers
 * (equal to Linux's), defined here so that the core needs no <errno.h> and
 * builds freestanding in the service domain. On the wire an error travels by
 * name, which xs_errno_name() gives.
 */
#ifndef XENSTORE_XS_ERRNO_H
#define XENSTORE_XS_ERRNO_H

#define XS_EPERM     1
#define XS_ENOENT    2
#define XS_EIO       5
#define XS_E2BIG     7
#define XS_EAGAIN    11
#define XS_ENOMEM    12
#define XS_EACCES    13
#define XS_EBUSY     16
#define XS_EEXIST    17
#define XS_EISDIR    21
#define XS_EINVAL    22
#define XS_ENOSPC    28
#define XS_EROFS     30
#define XS_ENOSYS    38
#define XS_ENOTEMPTY 39
#define XS_EPROTO    71 /* internal only: the connection broke the protocol */
#define XS_EISCONN   106
#define XS_EDQUOT    122 /* a per-domain quota is exhausted: "EQUOTA" on the wire */

#ifdef __cplusplus
extern "C" {
#endif

/* The wire name of a positive error number ("ENOENT"); "EINVAL" if unknown. */
const char *xs_errno_name(int err);

/* The error number for a wire name, or 0 if the name is unknown. */
int xs_errno_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* XENSTORE_XS_ERRNO_H */
