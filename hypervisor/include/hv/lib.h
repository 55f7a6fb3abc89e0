/* String and formatting helpers for freestanding hypervisor code. */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <hv/types.h>

#ifdef XENOLITH_HOST_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* memchr for const buffers, available on every build. */
const char *memchr_hv(const char *s, int c, size_t n);

/* Bounded copy that always NUL-terminates; returns strlen(src). */
size_t strlcpy_hv(char *dst, const char *src, size_t size);

/*
 * Our own printf engine (common/vsnprintf.c): %d %i %u %x %X %o %p %s %c %%,
 * flags '-' '0' ' ' '+' '#', width and precision (also '*'), length modifiers
 * hh h l ll z t j. Returns the length the full output would have, as C does.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Parse an unsigned number (0x hex, 0 octal, decimal). Returns 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, size_t len, uint64_t *out);
/* Parse a size with an optional K/M/G/T suffix (binary units). */
int parse_size(const char *s, size_t len, uint64_t *out);

#endif /* HV_LIB_H */
