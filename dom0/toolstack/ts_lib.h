/*
 * The few C library functions the toolstack uses. In the dom0 kernel they
 * come from the guest runtime (rt/lib.h); in host unit tests from the host's
 * C library, so that AddressSanitizer sees every access.
 */
#ifndef DOM0_TS_LIB_H
#define DOM0_TS_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef XENOLITH_HOST_TEST
#include <stdio.h>
#include <string.h>
#else
#include <rt/lib.h>
#endif

#include <xen/errno.h>

#endif /* DOM0_TS_LIB_H */
