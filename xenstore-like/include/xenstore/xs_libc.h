/*
 * The handful of C library functions the xenstore core uses.
 *
 * Hosted builds (the Linux daemon, unit tests, the fuzzer) take them from the
 * C library. The freestanding service domain has no <string.h>, so its runtime
 * provides these same functions and this header declares them.
 */
#ifndef XENSTORE_XS_LIBC_H
#define XENSTORE_XS_LIBC_H

#include <stddef.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <stdlib.h>
#include <string.h>
#else
#ifdef __cplusplus
extern "C" {
#endif
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *malloc(size_t n);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
#ifdef __cplusplus
}
#endif
#endif

#endif /* XENSTORE_XS_LIBC_H */
