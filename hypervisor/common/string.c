/*
 * The C string and memory functions the compiler and our code expect.
 * Freestanding builds only: host tests use the C library's.
 */
#include <hv/lib.h>

/*
 * Quadwords first, then the tail: page copies and clears dominate (grant
 * copies, zeroing new frames), and under emulation a byte loop costs about
 * eight times a quadword one.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
#if defined(__x86_64__)
    void *d = dst;
    size_t q = n / 8, r = n % 8;

    __asm__ volatile("rep movsq\n\tmov %[r], %%rcx\n\trep movsb"
                     : "+D"(d), "+S"(src), "+c"(q)
                     : [r] "r"(r)
                     : "memory");
#else
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--) {
        *d++ = *s++;
    }
#endif
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0) {
        return dst;
    }
    if (d < s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
#if defined(__x86_64__)
    void *d = dst;
    size_t q = n / 8, r = n % 8;
    uint64_t v = (uint8_t)c * 0x0101010101010101ull;

    __asm__ volatile("rep stosq\n\tmov %[r], %%rcx\n\trep stosb"
                     : "+D"(d), "+c"(q)
                     : "a"(v), [r] "r"(r)
                     : "memory");
#else
    unsigned char *d = dst;

    while (n--) {
        *d++ = (unsigned char)c;
    }
#endif
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i]) {
            return (unsigned char)a[i] - (unsigned char)b[i];
        }
    }
    return 0;
}

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
