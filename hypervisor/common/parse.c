/* Small parsing helpers shared by the command line and other text inputs. */
#include <hv/errno.h>
#include <hv/lib.h>

const char *memchr_hv(const char *s, int c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == (char)c) {
            return s + i;
        }
    }
    return NULL;
}

size_t strlcpy_hv(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return 99;
}

int parse_u64(const char *s, size_t len, uint64_t *out)
{
    unsigned int base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (len == 0) {
        return -EINVAL;
    }
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len > 1 && s[0] == '0') {
        base = 8;
        i = 1;
    }
    for (; i < len; i++) {
        unsigned int d = (unsigned int)digit_value(s[i]);
        if (d >= base) {
            return -EINVAL;
        }
        if (v > (UINT64_MAX - d) / base) {
            return -ERANGE;
        }
        v = v * base + d;
    }
    *out = v;
    return 0;
}

int parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned int shift = 0;
    uint64_t v;
    int rc;

    if (len > 1) {
        switch (s[len - 1]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: break;
        }
        if (shift) {
            len--;
        }
    }
    rc = parse_u64(s, len, &v);
    if (rc) {
        return rc;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        return -ERANGE;
    }
    *out = v << shift;
    return 0;
}
