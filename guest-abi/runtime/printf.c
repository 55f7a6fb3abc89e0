/* SPDX-License-Identifier: MIT */
/*
 * A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, with the flags '-', '0',
 * '#', ' ', '+', a width and a precision (also '*'), and the length
 * modifiers hh h l ll z.  Output is always NUL-terminated when size > 0.
 *
 * printf and vprintf format into a bounded buffer and hand it to
 * console_write(), which the image provides: console.c in a PV guest, a
 * serial port in the bare-metal benchmark floors (which link this file and
 * lib.c alone).
 */
#include <rt/lib.h>
#include <stdbool.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    while (n--)
        put(o, *s++);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper, int width,
                       int prec, bool left, bool zero, bool alt, char sign)
{
    char tmp[72];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    char prefix[3];
    int np = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;
    while (n < prec && n < (int)sizeof(tmp))
        tmp[n++] = '0';
    if (neg)
        prefix[np++] = '-';
    else if (sign)
        prefix[np++] = sign;
    if (alt && base == 16 && n) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    } else if (alt && base == 8 && (n == 0 || tmp[n - 1] != '0')) {
        tmp[n++] = '0';
    }
    int total = n + np;
    int fill = width > total ? width - total : 0;
    if (zero && !left && prec < 0) {
        for (int i = 0; i < np; i++)
            put(o, prefix[i]);
        while (fill-- > 0)
            put(o, '0');
    } else {
        if (!left)
            while (fill-- > 0)
                put(o, ' ');
        for (int i = 0; i < np; i++)
            put(o, prefix[i]);
    }
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        bool left = false, zero = false, alt = false;
        char sign = 0;
        int width = 0, prec = -1, lng = 0;
        for (;; fmt++) {
            char f = fmt[1];
            if (f == '-')
                left = true;
            else if (f == '0')
                zero = true;
            else if (f == '#')
                alt = true;
            else if (f == '+')
                sign = '+';
            else if (f == ' ') {
                if (!sign)
                    sign = ' ';
            } else
                break;
        }
        fmt++;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l' || *fmt == 'z')
                lng = 2;
            else if (*fmt == 'h')
                lng = lng > 0 ? lng : lng - 1;
            else
                break;
        }
        char c = *fmt;
        if (!c)
            break;
        switch (c) {
        case 'd':
        case 'i': {
            int64_t v = lng == 2 ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            if (lng == -2)
                v = (signed char)v;
            put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, width, prec, left,
                       zero, false, sign);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = lng == 2 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            if (lng == -2)
                v = (unsigned char)v;
            unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            put_number(&o, v, false, base, c == 'X', width, prec, left, zero, alt, 0);
            break;
        }
        case 'p':
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, -1, left, zero,
                       true, 0);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
            put_padded(&o, s, n, width, left, ' ');
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            put_padded(&o, &ch, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
