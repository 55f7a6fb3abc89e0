/* SPDX-License-Identifier: MIT */
/* A minimal xenstore client for the startinfo guest (xenbus.c). */
#ifndef STARTINFO_XENBUS_H
#define STARTINFO_XENBUS_H

#include <stddef.h>
#include <stdint.h>

/* One request: a, then b (the value of a WRITE; NULL for none). The reply
 * payload goes to out, NUL-terminated; returns its length or -XEN_E*. */
long xenbus_request(uint32_t type, const char *a, const char *b, char *out, size_t outlen);

#endif /* STARTINFO_XENBUS_H */
