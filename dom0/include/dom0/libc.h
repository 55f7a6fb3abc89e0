/* SPDX-License-Identifier: MIT */
/* C library functions dom0 adds to the guest runtime's (dom0/kernel/libc.c). */
#ifndef DOM0_LIBC_H
#define DOM0_LIBC_H

#include <stddef.h>

char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strdup(const char *s);

#endif /* DOM0_LIBC_H */
