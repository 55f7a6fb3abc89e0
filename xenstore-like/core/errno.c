/*
 * Error names on the wire. The first sixteen are the names every Xen client
 * knows (xsd_errors in xs_wire.h); EQUOTA is what oxenstored sends for an
 * exhausted quota (clients that do not know it read EINVAL).
 */
#include "xs_internal.h"

static const struct xsd_errors names[] = {
    {XS_EINVAL, "EINVAL"}, {XS_EACCES, "EACCES"},   {XS_EEXIST, "EEXIST"},
    {XS_EISDIR, "EISDIR"}, {XS_ENOENT, "ENOENT"},   {XS_ENOMEM, "ENOMEM"},
    {XS_ENOSPC, "ENOSPC"}, {XS_EIO, "EIO"},         {XS_ENOTEMPTY, "ENOTEMPTY"},
    {XS_ENOSYS, "ENOSYS"}, {XS_EROFS, "EROFS"},     {XS_EBUSY, "EBUSY"},
    {XS_EAGAIN, "EAGAIN"}, {XS_EISCONN, "EISCONN"}, {XS_E2BIG, "E2BIG"},
    {XS_EPERM, "EPERM"},   {XS_EDQUOT, "EQUOTA"},
};

const char *xs_errno_name(int err)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].errnum == err) {
            return names[i].errstring;
        }
    }
    return "EINVAL";
}

int xs_errno_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i].errstring, name) == 0) {
            return names[i].errnum;
        }
    }
    return 0;
}
