/* SPDX-License-Identifier: MIT */
/*
 * Xenolith: the PV kernel loader.  See guest-abi/include/xenolith/pv_elf.h
 * for the interface and docs/abi.md for the rules.
 *
 * Freestanding: no libc, no allocation.  Every field is read byte by byte
 * (little-endian) through bounds-checked helpers, so the image needs no
 * particular alignment, and every offset + size sum is checked for overflow
 * before it is compared with the image size.
 */
#include <stdarg.h>

#include "xen/arch-x86_64.h"
#include "xen/elfnote.h"
#include "xen/features.h"
#include "xenolith/elf64.h"
#include "xenolith/pv_elf.h"

#define PAGE_SIZE UINT64_C(4096)
#define PAGE_MASK (PAGE_SIZE - 1)

/* Lower canonical half ends here; the upper half starts at its complement. */
#define CANONICAL_LOW_END   UINT64_C(0x0000800000000000)
#define CANONICAL_HIGH_BASE UINT64_C(0xffff800000000000)

/* ---------------------------------------------------------------------------
 * Small freestanding helpers.
 */

static uint64_t rd_le(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;

    while (bytes-- > 0) {
        v = (v << 8) | p[bytes];
    }
    return v;
}

static int mem_equal(const void *a, const void *b, size_t n)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;

    while (n-- > 0) {
        if (*x++ != *y++) {
            return 0;
        }
    }
    return 1;
}

static size_t str_len(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

/* Does the string s (of length len) start with prefix? */
static int has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = str_len(prefix);

    return len >= n && mem_equal(s, prefix, n);
}

/* a + b, or 0 with *ok cleared if it overflows 64 bits. */
static uint64_t add_ovf(uint64_t a, uint64_t b, int *ok)
{
    if (a > UINT64_MAX - b) {
        *ok = 0;
        return 0;
    }
    return a + b;
}

/* Is [off, off + len) inside an object of `size` bytes? */
static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* ---------------------------------------------------------------------------
 * Messages: a tiny formatter into the caller's buffer.
 *   %s  const char *
 *   %u  unsigned int (uint32_t)
 *   %U  uint64_t, decimal
 *   %x  uint64_t, hexadecimal with 0x
 */
struct msgbuf {
    char *buf;
    size_t size;
    size_t len;
};

static void msg_putc(struct msgbuf *m, char c)
{
    if (m->buf != NULL && m->len + 1 < m->size) {
        m->buf[m->len++] = c;
        m->buf[m->len] = '\0';
    }
}

static void msg_puts(struct msgbuf *m, const char *s)
{
    while (*s != '\0') {
        msg_putc(m, *s++);
    }
}

static void msg_putu(struct msgbuf *m, uint64_t v, unsigned int base)
{
    char digits[24];
    int n = 0;

    do {
        unsigned int d = (unsigned int)(v % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    if (base == 16) {
        msg_puts(m, "0x");
    }
    while (n > 0) {
        msg_putc(m, digits[--n]);
    }
}

static void msg_vformat(struct msgbuf *m, const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%' || fmt[1] == '\0') {
            msg_putc(m, *fmt);
            continue;
        }
        switch (*++fmt) {
        case 's':
            msg_puts(m, va_arg(ap, const char *));
            break;
        case 'u':
            msg_putu(m, va_arg(ap, unsigned int), 10);
            break;
        case 'U':
            msg_putu(m, va_arg(ap, uint64_t), 10);
            break;
        case 'x':
            msg_putu(m, va_arg(ap, uint64_t), 16);
            break;
        default:
            msg_putc(m, *fmt);
            break;
        }
    }
}

/* Record why we fail and return the code. */
static int fail(struct msgbuf *m, int code, const char *fmt, ...)
{
    va_list ap;

    if (m->buf != NULL && m->size > 0) {
        m->len = 0;
        m->buf[0] = '\0';
    }
    va_start(ap, fmt);
    msg_vformat(m, fmt, ap);
    va_end(ap);
    return code;
}

static void msg_init(struct msgbuf *m, char *buf, size_t size)
{
    m->buf = size > 0 ? buf : NULL;
    m->size = size;
    m->len = 0;
    if (m->buf != NULL) {
        m->buf[0] = '\0';
    }
}

const char *pv_elf_strerror(int code)
{
    static const char *const names[] = {
        "OK",       "E_ARGS",           "E_TRUNCATED", "E_NOT_ELF",  "E_CLASS",
        "E_ENDIAN", "E_HEADER",         "E_TYPE",      "E_MACHINE",  "E_PHDRS",
        "E_SHDRS",  "E_SEGMENT",        "E_OVERLAP",   "E_OVERFLOW", "E_NO_LOAD",
        "E_NOTE",   "E_NO_NOTES",       "E_GUEST",     "E_FEATURES", "E_ADDRESS",
        "E_ENTRY",  "E_HYPERCALL_PAGE", "E_P2M",       "E_DOM0",     "E_WRITE",
    };

    if (code > 0 || -code >= (int)(sizeof(names) / sizeof(names[0]))) {
        return "E_UNKNOWN";
    }
    return names[-code];
}

/* ---------------------------------------------------------------------------
 * FEATURES note: "name|!name|...".  Names are Xen libelf's.
 */
static const struct {
    const char *name;
    unsigned int bit;
} feature_names[] = {
    {"writable_page_tables", XENFEAT_writable_page_tables},
    {"writable_descriptor_tables", XENFEAT_writable_descriptor_tables},
    {"auto_translated_physmap", XENFEAT_auto_translated_physmap},
    {"supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel},
    {"pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb},
    {"hvm_callback_vector", XENFEAT_hvm_callback_vector},
    {"dom0", XENFEAT_dom0},
};
#define NR_FEATURE_NAMES (sizeof(feature_names) / sizeof(feature_names[0]))

/* Xen compares at most 63 characters of a feature name. */
#define FEATURE_NAME_MAX 63

int pv_elf_feature_bit(const char *name, size_t len)
{
    size_t i;

    if (name == NULL) {
        return -1;
    }
    for (i = 0; i < NR_FEATURE_NAMES; i++) {
        if (str_len(feature_names[i].name) == len && mem_equal(feature_names[i].name, name, len)) {
            return (int)feature_names[i].bit;
        }
    }
    return -1;
}

static const char *feature_name(unsigned int bit)
{
    size_t i;

    for (i = 0; i < NR_FEATURE_NAMES; i++) {
        if (feature_names[i].bit == bit) {
            return feature_names[i].name;
        }
    }
    return "(unnamed)";
}

/* Copy at most 63 characters of a token into buf for a message. */
static const char *token_for_msg(char buf[FEATURE_NAME_MAX + 1], const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len && i < FEATURE_NAME_MAX; i++) {
        buf[i] = s[i];
    }
    buf[i] = '\0';
    return buf;
}

static int parse_features(struct msgbuf *m, const char *s, size_t len, struct pv_elf_info *info)
{
    size_t pos = 0;
    char shown[FEATURE_NAME_MAX + 1];

    while (pos < len) {
        size_t end = pos, tlen;
        int required = 0, bit;

        while (end < len && s[end] != '|') {
            end++;
        }
        tlen = end - pos;
        if (tlen > 0 && s[pos] == '!') {
            required = 1;
            pos++;
            tlen--;
        }
        bit = tlen <= FEATURE_NAME_MAX ? pv_elf_feature_bit(s + pos, tlen) : -1;
        if (bit >= 0) {
            info->features_supported |= 1u << bit;
            if (required) {
                info->features_required |= 1u << bit;
            }
        } else if (required) {
            return fail(m, PV_ELF_E_FEATURES,
                        "FEATURES note requires \"%s\", a feature this loader does not know",
                        token_for_msg(shown, s + pos, tlen));
        }
        /* An unknown optional feature is ignored, as Xen does. */
        pos = end + 1;
    }
    return PV_ELF_OK;
}

/* ---------------------------------------------------------------------------
 * Notes.
 */
struct parse_state {
    const uint8_t *img;
    uint64_t size;
    struct msgbuf *msg;
    struct pv_elf_info *info;
    uint64_t e_entry;
};

static const char *note_name(uint32_t type)
{
    static const char *const names[] = {
        "INFO",        "ENTRY",         "HYPERCALL_PAGE",     "VIRT_BASE",    "PADDR_OFFSET",
        "XEN_VERSION", "GUEST_OS",      "GUEST_VERSION",      "LOADER",       "PAE_MODE",
        "FEATURES",    "BSD_SYMTAB",    "HV_START_LOW",       "L1_MFN_VALID", "SUSPEND_CANCEL",
        "INIT_P2M",    "MOD_START_PFN", "SUPPORTED_FEATURES", "PHYS32_ENTRY", "PHYS32_RELOC",
    };

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* A string note: NUL-terminated within its descriptor.  Returns its length. */
static int note_string(struct parse_state *ps, uint32_t type, const uint8_t *desc, uint32_t descsz,
                       size_t *len)
{
    uint32_t i;

    for (i = 0; i < descsz; i++) {
        if (desc[i] == '\0') {
            *len = i;
            return PV_ELF_OK;
        }
    }
    return fail(ps->msg, PV_ELF_E_NOTE,
                "Xen note %s (type %u): the string is not NUL-terminated within its %u bytes",
                note_name(type), type, descsz);
}

/* A numeric note: 1, 2, 4 or 8 bytes. */
static int note_number(struct parse_state *ps, uint32_t type, const uint8_t *desc, uint32_t descsz,
                       uint64_t *val)
{
    if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8) {
        return fail(ps->msg, PV_ELF_E_NOTE,
                    "Xen note %s (type %u): a number must be 1, 2, 4 or 8 bytes, not %u",
                    note_name(type), type, descsz);
    }
    *val = rd_le(desc, descsz);
    return PV_ELF_OK;
}

static void keep_string(char dst[PV_ELF_STR_MAX], const uint8_t *src, size_t len)
{
    size_t i;

    for (i = 0; i < len && i < PV_ELF_STR_MAX - 1; i++) {
        dst[i] = (char)src[i];
    }
    dst[i] = '\0';
}

static int xen_note(struct parse_state *ps, uint32_t type, const uint8_t *desc, uint32_t descsz)
{
    struct pv_elf_info *info = ps->info;
    uint64_t val = 0;
    size_t len = 0;
    int rc = PV_ELF_OK;

    info->nr_xen_notes++;
    if (type < 32) {
        info->notes_seen |= 1u << type;
    }

    switch (type) {
    case XEN_ELFNOTE_ENTRY:
    case XEN_ELFNOTE_HYPERCALL_PAGE:
    case XEN_ELFNOTE_VIRT_BASE:
    case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HV_START_LOW:
    case XEN_ELFNOTE_SUSPEND_CANCEL:
    case XEN_ELFNOTE_INIT_P2M:
    case XEN_ELFNOTE_MOD_START_PFN:
        rc = note_number(ps, type, desc, descsz, &val);
        break;
    case XEN_ELFNOTE_XEN_VERSION:
    case XEN_ELFNOTE_GUEST_OS:
    case XEN_ELFNOTE_GUEST_VERSION:
    case XEN_ELFNOTE_LOADER:
    case XEN_ELFNOTE_PAE_MODE:
    case XEN_ELFNOTE_FEATURES:
        rc = note_string(ps, type, desc, descsz, &len);
        break;
    default:
        break;
    }
    if (rc != PV_ELF_OK) {
        return rc;
    }

    /* A repeated note overrides the earlier one, as in Xen (FEATURES accumulate). */
    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        info->entry = val;
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        info->hypercall_page = val;
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        info->virt_base = val;
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        info->paddr_offset = val;
        break;
    case XEN_ELFNOTE_HV_START_LOW:
        info->hv_start_low = val;
        break;
    case XEN_ELFNOTE_SUSPEND_CANCEL:
        info->suspend_cancel = val != 0;
        break;
    case XEN_ELFNOTE_INIT_P2M:
        info->p2m_base = val;
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        info->mod_start_pfn = val != 0;
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        keep_string(info->xen_version, desc, len);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        keep_string(info->guest_os, desc, len);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        keep_string(info->guest_version, desc, len);
        break;
    case XEN_ELFNOTE_LOADER:
        keep_string(info->loader, desc, len);
        break;
    case XEN_ELFNOTE_PAE_MODE:
        keep_string(info->pae_mode, desc, len);
        break;
    case XEN_ELFNOTE_FEATURES:
        rc = parse_features(ps->msg, (const char *)desc, len, info);
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* An array of 32-bit submaps; only submap 0 exists. */
        if (descsz < 4 || descsz % 4 != 0) {
            return fail(ps->msg, PV_ELF_E_NOTE,
                        "Xen note SUPPORTED_FEATURES (type %u): %u bytes, not a whole number of "
                        "32-bit words",
                        type, descsz);
        }
        info->features_supported |= (uint32_t)rd_le(desc, 4);
        break;
    case XEN_ELFNOTE_L1_MFN_VALID:
        /* Informational (for save/restore tools): mask and value, 8 bytes each. */
        if (descsz == 16) {
            info->l1_mfn_valid_mask = rd_le(desc, 8);
            info->l1_mfn_valid_value = rd_le(desc + 8, 8);
        }
        break;
    default:
        /* INFO, BSD_SYMTAB, PHYS32_ENTRY, PHYS32_RELOC and unknown types:
         * ignored, as a 64-bit PV loader has no use for them. */
        break;
    }
    return rc;
}

/*
 * Walk the notes in [off, off + len) of the image.  The caller checked the
 * range is inside the image.  `what` and `index` name the container for
 * messages.
 */
static int walk_notes(struct parse_state *ps, uint64_t off, uint64_t len, const char *what,
                      unsigned int index)
{
    uint64_t pos = off, end = off + len;

    if (off % 4 != 0) {
        return fail(ps->msg, PV_ELF_E_NOTE, "%s %u: notes at file offset %x are not 4-byte aligned",
                    what, index, off);
    }

    while (pos < end) {
        const uint8_t *p = ps->img + pos;
        uint64_t left = end - pos, name_span, desc_off, desc_span;
        uint32_t namesz, descsz, type;
        int rc;

        if (left < sizeof(struct elf64_nhdr)) {
            return fail(
                ps->msg, PV_ELF_E_NOTE,
                "%s %u: note header at file offset %x is cut off (%U bytes left, 12 needed)", what,
                index, pos, left);
        }
        namesz = (uint32_t)rd_le(p, 4);
        descsz = (uint32_t)rd_le(p + 4, 4);
        type = (uint32_t)rd_le(p + 8, 4);
        left -= sizeof(struct elf64_nhdr);

        name_span = ((uint64_t)namesz + 3) & ~UINT64_C(3);
        if (name_span > left) {
            return fail(ps->msg, PV_ELF_E_NOTE,
                        "%s %u: note at file offset %x has a %u-byte name running past the end "
                        "of the notes",
                        what, index, pos, namesz);
        }
        left -= name_span;
        if (descsz > left) {
            return fail(ps->msg, PV_ELF_E_NOTE,
                        "%s %u: note at file offset %x (type %u) has a %u-byte descriptor running "
                        "past the end of the notes",
                        what, index, pos, type, descsz);
        }
        desc_off = pos + sizeof(struct elf64_nhdr) + name_span;
        desc_span = ((uint64_t)descsz + 3) & ~UINT64_C(3);

        if (namesz == sizeof(XEN_ELFNOTE_NAME) &&
            mem_equal(p + sizeof(struct elf64_nhdr), XEN_ELFNOTE_NAME, sizeof(XEN_ELFNOTE_NAME))) {
            rc = xen_note(ps, type, ps->img + desc_off, descsz);
            if (rc != PV_ELF_OK) {
                return rc;
            }
        }
        /* The last descriptor's padding may be missing at the very end. */
        pos = desc_span <= end - desc_off ? desc_off + desc_span : end;
    }
    return PV_ELF_OK;
}

/* Xen notes from PT_NOTE segments. */
static int notes_from_phdrs(struct parse_state *ps, uint64_t phoff, uint32_t phnum)
{
    uint32_t i;

    for (i = 0; i < phnum; i++) {
        const uint8_t *ph = ps->img + phoff + (uint64_t)i * sizeof(struct elf64_phdr);
        uint64_t off, filesz;
        int rc;

        if (rd_le(ph + offsetof(struct elf64_phdr, p_type), 4) != ELF64_PT_NOTE) {
            continue;
        }
        off = rd_le(ph + offsetof(struct elf64_phdr, p_offset), 8);
        filesz = rd_le(ph + offsetof(struct elf64_phdr, p_filesz), 8);
        /* Some binutils versions leave p_offset 0 in empty note segments: skipped, as Xen does. */
        if (off == 0) {
            continue;
        }
        if (!range_ok(off, filesz, ps->size)) {
            return fail(ps->msg, PV_ELF_E_NOTE,
                        "program header %u: PT_NOTE file range %x + %x lies outside the %U-byte "
                        "image",
                        i, off, filesz, ps->size);
        }
        rc = walk_notes(ps, off, filesz, "program header", i);
        if (rc != PV_ELF_OK) {
            return rc;
        }
    }
    return PV_ELF_OK;
}

/* Fallback, as in Xen: Xen notes from SHT_NOTE sections. */
static int notes_from_shdrs(struct parse_state *ps)
{
    const uint8_t *eh = ps->img;
    uint64_t shoff = rd_le(eh + offsetof(struct elf64_ehdr, e_shoff), 8);
    uint32_t shentsize = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_shentsize), 2);
    uint32_t shnum = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_shnum), 2);
    uint32_t i;

    if (shnum == 0 || shoff == 0) {
        return PV_ELF_OK;
    }
    if (shentsize != sizeof(struct elf64_shdr)) {
        return fail(ps->msg, PV_ELF_E_SHDRS, "e_shentsize is %u, not %u", shentsize,
                    (unsigned int)sizeof(struct elf64_shdr));
    }
    if (!range_ok(shoff, (uint64_t)shnum * sizeof(struct elf64_shdr), ps->size)) {
        return fail(ps->msg, PV_ELF_E_SHDRS,
                    "section header table (%u entries at file offset %x) lies outside the "
                    "%U-byte image",
                    shnum, shoff, ps->size);
    }
    for (i = 1; i < shnum; i++) {
        const uint8_t *sh = ps->img + shoff + (uint64_t)i * sizeof(struct elf64_shdr);
        uint64_t off, sz;
        int rc;

        if (rd_le(sh + offsetof(struct elf64_shdr, sh_type), 4) != ELF64_SHT_NOTE) {
            continue;
        }
        off = rd_le(sh + offsetof(struct elf64_shdr, sh_offset), 8);
        sz = rd_le(sh + offsetof(struct elf64_shdr, sh_size), 8);
        if (!range_ok(off, sz, ps->size)) {
            return fail(ps->msg, PV_ELF_E_NOTE,
                        "section %u: SHT_NOTE file range %x + %x lies outside the %U-byte image", i,
                        off, sz, ps->size);
        }
        rc = walk_notes(ps, off, sz, "section", i);
        if (rc != PV_ELF_OK) {
            return rc;
        }
    }
    return PV_ELF_OK;
}

/* ---------------------------------------------------------------------------
 * Headers and segments.
 */
static int check_ehdr(struct parse_state *ps, uint64_t *phoff, uint32_t *phnum)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    const uint8_t *eh = ps->img;
    uint32_t v;

    if (ps->size < sizeof(struct elf64_ehdr)) {
        return fail(ps->msg, PV_ELF_E_TRUNCATED,
                    "the image is %U bytes, shorter than a %u-byte ELF64 header", ps->size,
                    (unsigned int)sizeof(struct elf64_ehdr));
    }
    if (!mem_equal(eh, magic, sizeof(magic))) {
        return fail(ps->msg, PV_ELF_E_NOT_ELF, "not an ELF file (bad magic number)");
    }
    if (eh[ELF64_EI_CLASS] != ELF64_ELFCLASS64) {
        return fail(ps->msg, PV_ELF_E_CLASS,
                    "ELF class %u: only 64-bit (ELFCLASS64) PV kernels are supported",
                    (unsigned int)eh[ELF64_EI_CLASS]);
    }
    if (eh[ELF64_EI_DATA] != ELF64_ELFDATA2LSB) {
        return fail(ps->msg, PV_ELF_E_ENDIAN, "ELF data encoding %u: not little-endian",
                    (unsigned int)eh[ELF64_EI_DATA]);
    }
    v = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_version), 4);
    if (eh[ELF64_EI_VERSION] != ELF64_EV_CURRENT || v != ELF64_EV_CURRENT) {
        return fail(ps->msg, PV_ELF_E_HEADER, "ELF version %u/%u, not 1",
                    (unsigned int)eh[ELF64_EI_VERSION], v);
    }
    v = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_type), 2);
    if (v != ELF64_ET_EXEC) {
        return fail(ps->msg, PV_ELF_E_TYPE, "ELF type %u: a PV kernel must be ET_EXEC (2)%s", v,
                    v == ELF64_ET_DYN ? " (position-independent images are not supported)" : "");
    }
    v = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_machine), 2);
    if (v != ELF64_EM_X86_64) {
        return fail(ps->msg, PV_ELF_E_MACHINE, "ELF machine %u: not x86-64 (62)", v);
    }
    v = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_ehsize), 2);
    if (v < sizeof(struct elf64_ehdr)) {
        return fail(ps->msg, PV_ELF_E_HEADER, "e_ehsize is %u, smaller than an ELF64 header (64)",
                    v);
    }

    *phoff = rd_le(eh + offsetof(struct elf64_ehdr, e_phoff), 8);
    *phnum = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_phnum), 2);
    v = (uint32_t)rd_le(eh + offsetof(struct elf64_ehdr, e_phentsize), 2);
    if (*phnum == 0) {
        return fail(ps->msg, PV_ELF_E_NO_LOAD, "no program headers: nothing to load");
    }
    if (*phnum == ELF64_PN_XNUM) {
        return fail(ps->msg, PV_ELF_E_PHDRS,
                    "e_phnum is PN_XNUM (65535): extended program header numbering is not "
                    "supported");
    }
    if (v != sizeof(struct elf64_phdr)) {
        return fail(ps->msg, PV_ELF_E_PHDRS, "e_phentsize is %u, not %u", v,
                    (unsigned int)sizeof(struct elf64_phdr));
    }
    if (!range_ok(*phoff, (uint64_t)*phnum * sizeof(struct elf64_phdr), ps->size)) {
        return fail(ps->msg, PV_ELF_E_PHDRS,
                    "program header table (%u entries at file offset %x) lies outside the "
                    "%U-byte image",
                    *phnum, *phoff, ps->size);
    }
    ps->e_entry = rd_le(eh + offsetof(struct elf64_ehdr, e_entry), 8);
    return PV_ELF_OK;
}

/* Collect and check the loadable segments (before their addresses are known). */
static int collect_segments(struct parse_state *ps, uint64_t phoff, uint32_t phnum)
{
    struct pv_elf_info *info = ps->info;
    uint32_t i;

    for (i = 0; i < phnum; i++) {
        const uint8_t *ph = ps->img + phoff + (uint64_t)i * sizeof(struct elf64_phdr);
        struct pv_elf_segment *seg;
        uint64_t off, filesz, memsz, paddr;
        uint32_t flags;
        int ok = 1;

        if (rd_le(ph + offsetof(struct elf64_phdr, p_type), 4) != ELF64_PT_LOAD) {
            continue;
        }
        flags = (uint32_t)rd_le(ph + offsetof(struct elf64_phdr, p_flags), 4);
        /* As in Xen: a PT_LOAD without R, W or X is not loaded. */
        if ((flags & (ELF64_PF_R | ELF64_PF_W | ELF64_PF_X)) == 0) {
            continue;
        }
        off = rd_le(ph + offsetof(struct elf64_phdr, p_offset), 8);
        paddr = rd_le(ph + offsetof(struct elf64_phdr, p_paddr), 8);
        filesz = rd_le(ph + offsetof(struct elf64_phdr, p_filesz), 8);
        memsz = rd_le(ph + offsetof(struct elf64_phdr, p_memsz), 8);

        if (filesz > memsz) {
            return fail(ps->msg, PV_ELF_E_SEGMENT,
                        "program header %u: p_filesz %x is larger than p_memsz %x", i, filesz,
                        memsz);
        }
        add_ovf(off, filesz, &ok);
        if (!ok || !range_ok(off, filesz, ps->size)) {
            return fail(ps->msg, PV_ELF_E_SEGMENT,
                        "program header %u: file range %x + %x lies outside the %U-byte image", i,
                        off, filesz, ps->size);
        }
        add_ovf(paddr, memsz, &ok);
        if (!ok) {
            return fail(ps->msg, PV_ELF_E_OVERFLOW,
                        "program header %u: p_paddr %x + p_memsz %x overflows 64 bits", i, paddr,
                        memsz);
        }
        if (memsz == 0) {
            continue; /* occupies nothing */
        }
        if (info->nr_segments == PV_ELF_MAX_SEGMENTS) {
            return fail(ps->msg, PV_ELF_E_NO_LOAD, "more than %u loadable segments",
                        (unsigned int)PV_ELF_MAX_SEGMENTS);
        }
        seg = &info->segments[info->nr_segments++];
        seg->offset = off;
        seg->filesz = filesz;
        seg->memsz = memsz;
        seg->paddr = paddr;
        seg->va = 0;
        seg->flags = flags;
        seg->index = i;
    }
    if (info->nr_segments == 0) {
        return fail(ps->msg, PV_ELF_E_NO_LOAD, "no loadable (PT_LOAD) segment");
    }
    return PV_ELF_OK;
}

/* Does [start, end) intersect the hypervisor's hole or the non-canonical range? */
static int range_forbidden(uint64_t start, uint64_t end)
{
    /* end is exclusive; end == 0 would mean "up to 2^64", which callers exclude. */
    if (start < CANONICAL_HIGH_BASE && end > CANONICAL_LOW_END) {
        return 1; /* touches the non-canonical gap */
    }
    return start < HYPERVISOR_VIRT_END && end > HYPERVISOR_VIRT_START;
}

/* Xen's address calculations and checks (libelf's elf_xen_addr_calc_check),
 * with the overflow and overlap checks a hostile image needs. */
static int place_segments(struct parse_state *ps, const struct pv_elf_options *opts)
{
    struct pv_elf_info *info = ps->info;
    uint64_t kstart = UINT64_MAX, kend = 0;
    uint32_t i, j;

    if (info->paddr_offset != PV_ELF_UNSET && info->virt_base == PV_ELF_UNSET) {
        return fail(ps->msg, PV_ELF_E_ADDRESS, "PADDR_OFFSET note without a VIRT_BASE note");
    }
    if (info->virt_base == PV_ELF_UNSET) {
        info->virt_base = 0;
    }
    if (info->paddr_offset == PV_ELF_UNSET) {
        info->paddr_offset = 0;
    }
    if (info->entry == PV_ELF_UNSET) {
        info->entry = ps->e_entry;
    }

    for (i = 0; i < info->nr_segments; i++) {
        struct pv_elf_segment *seg = &info->segments[i];
        uint64_t pseudo, end;
        int ok = 1;

        if (seg->paddr < info->paddr_offset) {
            return fail(ps->msg, PV_ELF_E_ADDRESS,
                        "program header %u: p_paddr %x is below PADDR_OFFSET %x", seg->index,
                        seg->paddr, info->paddr_offset);
        }
        pseudo = seg->paddr - info->paddr_offset;
        seg->va = add_ovf(info->virt_base, pseudo, &ok);
        end = add_ovf(seg->va, seg->memsz, &ok);
        if (!ok) {
            return fail(ps->msg, PV_ELF_E_OVERFLOW,
                        "program header %u: VIRT_BASE %x + pseudo-physical %x + p_memsz %x "
                        "overflows 64 bits",
                        seg->index, info->virt_base, pseudo, seg->memsz);
        }
        if (seg->va < kstart) {
            kstart = seg->va;
        }
        if (end > kend) {
            kend = end;
        }
        for (j = 0; j < i; j++) {
            const struct pv_elf_segment *o = &info->segments[j];

            if (seg->va < o->va + o->memsz && o->va < end) {
                return fail(ps->msg, PV_ELF_E_OVERLAP,
                            "program headers %u and %u overlap: [%x, %x) and [%x, %x)", o->index,
                            seg->index, o->va, o->va + o->memsz, seg->va, end);
            }
        }
    }
    info->virt_kstart = kstart;
    info->virt_kend = kend;

    if (info->virt_base > kstart) {
        return fail(ps->msg, PV_ELF_E_ADDRESS, "VIRT_BASE %x lies above the image start %x",
                    info->virt_base, kstart);
    }
    if (range_forbidden(info->virt_base, kend)) {
        return fail(ps->msg, PV_ELF_E_ADDRESS,
                    "the image [%x, %x) is not canonical or overlaps the hypervisor's area "
                    "[%x, %x)",
                    info->virt_base, kend, HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END);
    }
    if (opts->max_span != 0 && kend - info->virt_base > opts->max_span) {
        return fail(ps->msg, PV_ELF_E_ADDRESS,
                    "the image needs %U bytes from VIRT_BASE %x, more than the limit of %U",
                    kend - info->virt_base, info->virt_base, opts->max_span);
    }

    if (info->entry < kstart || info->entry >= kend) {
        return fail(ps->msg, PV_ELF_E_ENTRY,
                    "entry point %x lies outside the loaded image [%x, %x)", info->entry, kstart,
                    kend);
    }

    if (info->hypercall_page != PV_ELF_UNSET) {
        uint64_t hc = info->hypercall_page;

        if (hc & PAGE_MASK) {
            return fail(ps->msg, PV_ELF_E_HYPERCALL_PAGE, "HYPERCALL_PAGE %x is not page-aligned",
                        hc);
        }
        /* hc is page-aligned, so hc < kend puts the whole page inside the
         * image's last (partial) page at worst: the builder maps whole pages. */
        if (hc < kstart || hc >= kend) {
            return fail(ps->msg, PV_ELF_E_HYPERCALL_PAGE,
                        "HYPERCALL_PAGE %x lies outside the loaded image [%x, %x)", hc, kstart,
                        kend);
        }
    }

    if (info->p2m_base != PV_ELF_UNSET) {
        uint64_t p2m = info->p2m_base;

        if (p2m >= kstart && p2m < kend) {
            return fail(ps->msg, PV_ELF_E_P2M, "INIT_P2M %x lies inside the loaded image [%x, %x)",
                        p2m, kstart, kend);
        }
        if (p2m & PAGE_MASK) {
            return fail(ps->msg, PV_ELF_E_P2M, "INIT_P2M %x is not page-aligned", p2m);
        }
        if (range_forbidden(p2m, p2m + 1)) {
            return fail(ps->msg, PV_ELF_E_P2M,
                        "INIT_P2M %x is not canonical or lies in the hypervisor's area", p2m);
        }
    }
    return PV_ELF_OK;
}

/* Xen's check of the guest's notes (libelf's elf_xen_note_check) and ours. */
static int check_guest(struct parse_state *ps, const struct pv_elf_options *opts)
{
    struct pv_elf_info *info = ps->info;
    uint32_t missing;

    if (info->nr_xen_notes == 0) {
        return fail(ps->msg, PV_ELF_E_NO_NOTES,
                    "not a Xen PV kernel: no \"Xen\" ELF notes (PT_NOTE or SHT_NOTE)");
    }
    if (!has_prefix(info->loader, str_len(info->loader), "generic") &&
        !has_prefix(info->guest_os, str_len(info->guest_os), "linux")) {
        return fail(ps->msg, PV_ELF_E_GUEST,
                    "only kernels for the generic loader (LOADER \"generic\") or Linux (GUEST_OS "
                    "\"linux\") are loaded; this one has LOADER \"%s\", GUEST_OS \"%s\"",
                    info->loader, info->guest_os);
    }
    if (!has_prefix(info->xen_version, str_len(info->xen_version), "xen-3.0")) {
        return fail(ps->msg, PV_ELF_E_GUEST,
                    "XEN_VERSION note is \"%s\": only \"xen-3.0\" kernels are loaded",
                    info->xen_version);
    }

    missing = info->features_required & ~opts->host_features;
    if (missing != 0) {
        unsigned int bit = 0;

        while (!(missing & (1u << bit))) {
            bit++;
        }
        return fail(ps->msg, PV_ELF_E_FEATURES,
                    "the kernel requires feature %s (XENFEAT %u), which this host does not offer",
                    feature_name(bit), bit);
    }
    if ((opts->flags & PV_ELF_OPT_INITDOMAIN) &&
        (info->notes_seen & (1u << XEN_ELFNOTE_SUPPORTED_FEATURES)) &&
        !(info->features_supported & (1u << XENFEAT_dom0))) {
        return fail(ps->msg, PV_ELF_E_DOM0,
                    "the kernel's SUPPORTED_FEATURES lack dom0: it cannot be the initial domain");
    }
    return PV_ELF_OK;
}

static void info_reset(struct pv_elf_info *info)
{
    uint8_t *p = (uint8_t *)info;
    size_t i;

    for (i = 0; i < sizeof(*info); i++) {
        p[i] = 0;
    }
    info->entry = PV_ELF_UNSET;
    info->virt_base = PV_ELF_UNSET;
    info->paddr_offset = PV_ELF_UNSET;
    info->hypercall_page = PV_ELF_UNSET;
    info->p2m_base = PV_ELF_UNSET;
    info->hv_start_low = PV_ELF_UNSET;
}

int pv_elf_parse(const void *image, size_t size, const struct pv_elf_options *opts,
                 struct pv_elf_info *info, char *msg, size_t msg_size)
{
    static const struct pv_elf_options defaults = {PV_ELF_HOST_FEATURES_DEFAULT, 0, 0};
    struct msgbuf m;
    struct parse_state ps;
    uint64_t phoff = 0;
    uint32_t phnum = 0;
    int rc;

    msg_init(&m, msg, msg_size);
    if (image == NULL || info == NULL) {
        return fail(&m, PV_ELF_E_ARGS, "no image or no result buffer");
    }
    if (opts == NULL) {
        opts = &defaults;
    }
    info_reset(info);
    ps.img = (const uint8_t *)image;
    ps.size = (uint64_t)size;
    ps.msg = &m;
    ps.info = info;
    ps.e_entry = 0;

    rc = check_ehdr(&ps, &phoff, &phnum);
    if (rc == PV_ELF_OK) {
        rc = collect_segments(&ps, phoff, phnum);
    }
    if (rc == PV_ELF_OK) {
        rc = notes_from_phdrs(&ps, phoff, phnum);
    }
    if (rc == PV_ELF_OK && info->nr_xen_notes == 0) {
        rc = notes_from_shdrs(&ps);
        info->notes_from_sections = info->nr_xen_notes != 0;
    }
    if (rc == PV_ELF_OK) {
        rc = check_guest(&ps, opts);
    }
    if (rc == PV_ELF_OK) {
        rc = place_segments(&ps, opts);
    }
    return rc;
}

int pv_elf_load(const void *image, size_t size, const struct pv_elf_info *info,
                pv_elf_write_fn write, void *ctx, char *msg, size_t msg_size)
{
    const uint8_t *img = (const uint8_t *)image;
    struct msgbuf m;
    uint32_t i;

    msg_init(&m, msg, msg_size);
    if (image == NULL || info == NULL || write == NULL) {
        return fail(&m, PV_ELF_E_ARGS, "no image, no load description or no write callback");
    }
    if (info->nr_segments > PV_ELF_MAX_SEGMENTS) {
        return fail(&m, PV_ELF_E_ARGS, "the load description has %u segments, more than %u",
                    info->nr_segments, (unsigned int)PV_ELF_MAX_SEGMENTS);
    }

    for (i = 0; i < info->nr_segments; i++) {
        const struct pv_elf_segment *seg = &info->segments[i];
        int rc;

        /* The description must still match this image. */
        if (seg->filesz > seg->memsz || !range_ok(seg->offset, seg->filesz, (uint64_t)size) ||
            seg->va > UINT64_MAX - seg->memsz) {
            return fail(&m, PV_ELF_E_SEGMENT,
                        "segment %u (program header %u) does not fit this %U-byte image", i,
                        seg->index, (uint64_t)size);
        }
        if (seg->filesz > 0) {
            rc = write(ctx, seg->va, img + seg->offset, seg->filesz);
            if (rc != 0) {
                return fail(&m, PV_ELF_E_WRITE,
                            "writing %x bytes of program header %u at %x failed", seg->filesz,
                            seg->index, seg->va);
            }
        }
        if (seg->memsz > seg->filesz) {
            rc = write(ctx, seg->va + seg->filesz, NULL, seg->memsz - seg->filesz);
            if (rc != 0) {
                return fail(&m, PV_ELF_E_WRITE,
                            "zeroing %x bytes of program header %u at %x failed",
                            seg->memsz - seg->filesz, seg->index, seg->va + seg->filesz);
            }
        }
    }
    return PV_ELF_OK;
}
