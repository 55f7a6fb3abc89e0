/* SPDX-License-Identifier: MIT */
/*
 * C library functions dom0 needs beyond the guest runtime's (rt/lib.h):
 * what xenstore-like's core and the toolstack call (xs_libc.h).
 */
#include <rt/lib.h>
#include <dom0/heap.h>
#include <dom0/libc.h>

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c) {
            return (char *)s;
        }
        if (!*s) {
            return NULL;
        }
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c) {
            last = s;
        }
        if (!*s) {
            return (char *)last;
        }
    }
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) {
        memcpy(d, s, n);
    }
    return d;
}
