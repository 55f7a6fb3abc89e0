/*
 * The hypervisor's printf engine. Differential unit tests compare it with the
 * host C library byte for byte, so it follows C's rules for what it supports.
 */
#include <hv/lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len;     /* characters produced so far, written or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0) {
        put(o, c);
    }
}

struct spec {
    bool left, zero, plus, space, alt;
    int width;
    int prec;       /* -1: none */
    char conv;
};

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
    size_t n;

    if (!s) {
        s = "(null)";
    }
    n = strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    if (!sp->left) {
        pad(o, ' ', sp->width - (int)n);
    }
    for (size_t i = 0; i < n; i++) {
        put(o, s[i]);
    }
    if (sp->left) {
        pad(o, ' ', sp->width - (int)n);
    }
}

static void emit_number(struct out *o, const struct spec *sp, uint64_t v, bool neg)
{
    char digits[24];
    int nd = 0, base = 10, prefix_len = 0, zeros, total;
    const char *hex = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char sign = 0, prefix[2];

    if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') {
        base = 16;
    } else if (sp->conv == 'o') {
        base = 8;
    }
    while (v) {
        digits[nd++] = hex[v % (unsigned)base];
        v /= (unsigned)base;
    }
    if (nd == 0 && sp->prec != 0) {
        digits[nd++] = '0';
    }
    if (neg) {
        sign = '-';
    } else if (sp->plus && (sp->conv == 'd' || sp->conv == 'i')) {
        sign = '+';
    } else if (sp->space && (sp->conv == 'd' || sp->conv == 'i')) {
        sign = ' ';
    }
    if (sign) {
        prefix[prefix_len++] = sign;
    }
    /* nd is 0 for a zero value with precision 0: no digits, so no "0x" either. */
    if ((sp->alt && base == 16 && (nd > 1 || (nd == 1 && digits[0] != '0'))) || sp->conv == 'p') {
        prefix[0] = '0';
        prefix[1] = sp->conv == 'X' ? 'X' : 'x';
        prefix_len = 2;
    }
    zeros = sp->prec > nd ? sp->prec - nd : 0;
    if (sp->alt && base == 8 && zeros == 0 && (nd == 0 || digits[nd - 1] != '0')) {
        zeros = 1;
    }
    total = prefix_len + zeros + nd;
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!sp->left) {
        pad(o, ' ', sp->width - total);
    }
    for (int i = 0; i < prefix_len; i++) {
        put(o, prefix[i]);
    }
    pad(o, '0', zeros);
    while (nd) {
        put(o, digits[--nd]);
    }
    if (sp->left) {
        pad(o, ' ', sp->width - total);
    }
}

static const char *parse_flags(const char *f, struct spec *sp)
{
    for (;; f++) {
        switch (*f) {
        case '-': sp->left = true; break;
        case '0': sp->zero = true; break;
        case '+': sp->plus = true; break;
        case ' ': sp->space = true; break;
        case '#': sp->alt = true; break;
        default: return f;
        }
    }
}

static const char *parse_int(const char *f, int *out, va_list *ap)
{
    if (*f == '*') {
        *out = va_arg(*ap, int);
        return f + 1;
    }
    *out = 0;
    while (*f >= '0' && *f <= '9') {
        *out = *out * 10 + (*f++ - '0');
    }
    return f;
}

/* Length modifiers collapse to the argument's size: 'h' 'H'(hh) 'l' 'L'(ll) or 0. */
static const char *parse_length(const char *f, char *len)
{
    *len = 0;
    if (f[0] == 'h') {
        *len = f[1] == 'h' ? 'H' : 'h';
        return f + (f[1] == 'h' ? 2 : 1);
    }
    if (f[0] == 'l') {
        *len = f[1] == 'l' ? 'L' : 'l';
        return f + (f[1] == 'l' ? 2 : 1);
    }
    if (f[0] == 'z' || f[0] == 't' || f[0] == 'j') {
        *len = 'L';
        return f + 1;
    }
    return f;
}

static void emit_integer(struct out *o, struct spec *sp, char len, va_list *ap)
{
    bool is_signed = sp->conv == 'd' || sp->conv == 'i';
    uint64_t u;

    if (is_signed) {
        int64_t s;
        switch (len) {
        case 'H': s = (signed char)va_arg(*ap, int); break;
        case 'h': s = (short)va_arg(*ap, int); break;
        case 'l': s = va_arg(*ap, long); break;
        case 'L': s = va_arg(*ap, long long); break;
        default: s = va_arg(*ap, int); break;
        }
        u = s < 0 ? -(uint64_t)s : (uint64_t)s;
        emit_number(o, sp, u, s < 0);
        return;
    }
    switch (len) {
    case 'H': u = (unsigned char)va_arg(*ap, unsigned int); break;
    case 'h': u = (unsigned short)va_arg(*ap, unsigned int); break;
    case 'l': u = va_arg(*ap, unsigned long); break;
    case 'L': u = va_arg(*ap, unsigned long long); break;
    default: u = va_arg(*ap, unsigned int); break;
    }
    emit_number(o, sp, u, false);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;
    char len;

    va_copy(ap, ap_in);
    while (*fmt) {
        struct spec sp = { .prec = -1 };

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_flags(fmt + 1, &sp);
        fmt = parse_int(fmt, &sp.width, &ap);
        if (sp.width < 0) {
            sp.left = true;
            sp.width = -sp.width;
        }
        if (*fmt == '.') {
            fmt = parse_int(fmt + 1, &sp.prec, &ap);
            if (sp.prec < 0) {
                sp.prec = -1;
            }
        }
        fmt = parse_length(fmt, &len);
        sp.conv = *fmt;
        if (!sp.conv) {
            break;
        }
        fmt++;
        switch (sp.conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
            emit_integer(&o, &sp, len, &ap);
            break;
        case 'p':
            emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), false);
            break;
        case 's':
            emit_string(&o, &sp, va_arg(ap, const char *));
            break;
        case 'c': {
            char c[2] = { (char)va_arg(ap, int), 0 };
            sp.prec = 1;
            if (!sp.left) {
                pad(&o, ' ', sp.width - 1);
            }
            put(&o, c[0]);
            if (sp.left) {
                pad(&o, ' ', sp.width - 1);
            }
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            /* Unknown conversion: print it verbatim so the mistake is visible. */
            put(&o, '%');
            put(&o, sp.conv);
            break;
        }
    }
    va_end(ap);
    if (size) {
        buf[o.len < size ? o.len : size - 1] = '\0';
    }
    return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
