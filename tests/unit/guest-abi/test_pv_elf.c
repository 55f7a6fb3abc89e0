/* SPDX-License-Identifier: MIT */
/*
 * CMocka tests of the PV ELF loader (guest-abi/lib/pv_elf.c).
 *
 * Images are built here: a small ELF64 writer emits the header, program
 * headers, "Xen" notes and segment data.  Two shapes stand for the guests
 * the loader must run: a Linux 6.1-like kernel (every note, VIRT_BASE,
 * ENTRY) and an XTF-like one (no VIRT_BASE / ENTRY).  Hostile images are
 * those with one thing broken.  Two more images, built by the real assembler
 * and linker from tests/unit/guest-abi/fixtures/, check the loader against
 * what the toolchain emits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_fixture.h"

#include "xen/elfnote.h"
#include "xen/features.h"
#include "xenolith/elf64.h"
#include "xenolith/pv_elf.h"

/* ---------------------------------------------------------------------------
 * A tiny ELF64 writer.
 */
#define IMG_MAX    0x10000
#define PH_MAX     20
#define DATA_START (sizeof(struct elf64_ehdr) + PH_MAX * sizeof(struct elf64_phdr))

struct img {
    _Alignas(8) uint8_t b[IMG_MAX];
    size_t size;
};

static struct elf64_ehdr *ehdr(struct img *im)
{
    return (struct elf64_ehdr *)im->b;
}

static struct elf64_phdr *phdr(struct img *im, unsigned int i)
{
    return (struct elf64_phdr *)(im->b + sizeof(struct elf64_ehdr) + i * sizeof(struct elf64_phdr));
}

static void img_init(struct img *im, uint64_t e_entry)
{
    struct elf64_ehdr *e = ehdr(im);

    memset(im, 0, sizeof(*im));
    memcpy(e->e_ident,
           "\x7f"
           "ELF",
           4);
    e->e_ident[ELF64_EI_CLASS] = ELF64_ELFCLASS64;
    e->e_ident[ELF64_EI_DATA] = ELF64_ELFDATA2LSB;
    e->e_ident[ELF64_EI_VERSION] = ELF64_EV_CURRENT;
    e->e_type = ELF64_ET_EXEC;
    e->e_machine = ELF64_EM_X86_64;
    e->e_version = ELF64_EV_CURRENT;
    e->e_entry = e_entry;
    e->e_phoff = sizeof(struct elf64_ehdr);
    e->e_ehsize = sizeof(struct elf64_ehdr);
    e->e_phentsize = sizeof(struct elf64_phdr);
    e->e_shentsize = sizeof(struct elf64_shdr);
    im->size = DATA_START;
}

static unsigned int add_phdr(struct img *im, uint32_t type, uint32_t flags, uint64_t off,
                             uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    unsigned int i = ehdr(im)->e_phnum++;
    struct elf64_phdr *p = phdr(im, i);

    assert_true(i < PH_MAX);
    p->p_type = type;
    p->p_flags = flags;
    p->p_offset = off;
    p->p_vaddr = vaddr;
    p->p_paddr = paddr;
    p->p_filesz = filesz;
    p->p_memsz = memsz;
    p->p_align = type == ELF64_PT_NOTE ? 4 : 4096;
    return i;
}

/* Append len bytes (a pattern if data is NULL) at an aligned offset; returns the offset. */
static size_t append(struct img *im, const void *data, size_t len, size_t align)
{
    size_t off = (im->size + align - 1) & ~(align - 1);
    size_t i;

    assert_true(off + len <= IMG_MAX);
    for (i = 0; i < len; i++) {
        im->b[off + i] = data ? ((const uint8_t *)data)[i] : (uint8_t)(i * 7 + 3);
    }
    im->size = off + len;
    return off;
}

/* Notes, built in a buffer then appended. */
struct notes {
    uint8_t b[4096];
    size_t len;
};

static void note_raw(struct notes *n, const char *name, uint32_t namesz, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    uint32_t hdr[3] = {namesz, descsz, type};
    size_t name_pad = (namesz + 3u) & ~3u, desc_pad = (descsz + 3u) & ~3u;

    assert_true(n->len + 12 + name_pad + desc_pad <= sizeof(n->b));
    memcpy(n->b + n->len, hdr, 12);
    n->len += 12;
    memset(n->b + n->len, 0, name_pad);
    memcpy(n->b + n->len, name, namesz);
    n->len += name_pad;
    memset(n->b + n->len, 0, desc_pad);
    if (descsz) {
        memcpy(n->b + n->len, desc, descsz);
    }
    n->len += desc_pad;
}

static void note_bytes(struct notes *n, uint32_t type, const void *desc, uint32_t descsz)
{
    note_raw(n, "Xen", 4, type, desc, descsz);
}

static void note_str(struct notes *n, uint32_t type, const char *s)
{
    note_bytes(n, type, s, (uint32_t)strlen(s) + 1);
}

static void note_u64(struct notes *n, uint32_t type, uint64_t v)
{
    note_bytes(n, type, &v, 8);
}

static void note_u32(struct notes *n, uint32_t type, uint32_t v)
{
    note_bytes(n, type, &v, 4);
}

static unsigned int add_notes(struct img *im, const struct notes *n)
{
    size_t off = append(im, n->b, n->len, 4);

    return add_phdr(im, ELF64_PT_NOTE, ELF64_PF_R, off, 0, 0, n->len, n->len);
}

#define OMIT(type) (1u << (type))

/* ---------------------------------------------------------------------------
 * Linux 6.1-like: notes as in arch/x86/xen/xen-head.S, segments as measured.
 */
#define LNX_BASE     UINT64_C(0xffffffff80000000)
#define LNX_TEXT     UINT64_C(0xffffffff81000000)
#define LNX_DATA     UINT64_C(0xffffffff81200000)
#define LNX_INIT     UINT64_C(0xffffffff81400000)
#define LNX_ENTRY    UINT64_C(0xffffffff81400160)
#define LNX_HCALL    UINT64_C(0xffffffff81001000)
#define LNX_INIT_MEM 0x10000
#define LNX_KEND     (LNX_INIT + LNX_INIT_MEM)
#define LNX_P2M      UINT64_C(0x8000000000)

/* Program header indices of build_linux() images. */
enum { LNX_PH_NOTE, LNX_PH_TEXT, LNX_PH_DATA, LNX_PH_INIT };

static void linux_notes(struct notes *n, uint32_t omit)
{
    static const uint64_t l1_mfn_valid[2] = {1, 1};

    if (!(omit & OMIT(XEN_ELFNOTE_GUEST_OS))) {
        note_str(n, XEN_ELFNOTE_GUEST_OS, "linux");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_GUEST_VERSION))) {
        note_str(n, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_XEN_VERSION))) {
        note_str(n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_VIRT_BASE))) {
        note_u64(n, XEN_ELFNOTE_VIRT_BASE, LNX_BASE);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_INIT_P2M))) {
        note_u64(n, XEN_ELFNOTE_INIT_P2M, LNX_P2M);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_ENTRY))) {
        note_u64(n, XEN_ELFNOTE_ENTRY, LNX_ENTRY);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_FEATURES))) {
        note_str(n, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_SUPPORTED_FEATURES))) {
        note_u32(n, XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_PAE_MODE))) {
        note_str(n, XEN_ELFNOTE_PAE_MODE, "yes");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_LOADER))) {
        note_str(n, XEN_ELFNOTE_LOADER, "generic");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_L1_MFN_VALID))) {
        note_bytes(n, XEN_ELFNOTE_L1_MFN_VALID, l1_mfn_valid, 16);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_SUSPEND_CANCEL))) {
        note_u32(n, XEN_ELFNOTE_SUSPEND_CANCEL, 1);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_MOD_START_PFN))) {
        note_u32(n, XEN_ELFNOTE_MOD_START_PFN, 1);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_HV_START_LOW))) {
        note_u64(n, XEN_ELFNOTE_HV_START_LOW, UINT64_C(0xffff800000000000));
    }
    if (!(omit & OMIT(XEN_ELFNOTE_PADDR_OFFSET))) {
        note_u64(n, XEN_ELFNOTE_PADDR_OFFSET, 0);
    }
}

/* extra: notes appended after the standard ones (they override); may be NULL. */
static void build_linux(struct img *im, uint32_t omit, const struct notes *extra)
{
    struct notes n = {{0}, 0};
    size_t off;

    img_init(im, 0x1000000); /* e_entry is physical in vmlinux: must not be used */
    linux_notes(&n, omit);
    if (extra) {
        assert_true(n.len + extra->len <= sizeof(n.b));
        memcpy(n.b + n.len, extra->b, extra->len);
        n.len += extra->len;
    }
    add_notes(im, &n);
    off = append(im, NULL, 0x2000, 4096);
    add_phdr(im, ELF64_PT_LOAD, ELF64_PF_R | ELF64_PF_X, off, LNX_TEXT, 0x1000000, 0x2000, 0x2000);
    off = append(im, NULL, 0x800, 4096);
    add_phdr(im, ELF64_PT_LOAD, ELF64_PF_R | ELF64_PF_W, off, LNX_DATA, 0x1200000, 0x800, 0x1000);
    off = append(im, NULL, 0x400, 4096);
    add_phdr(im, ELF64_PT_LOAD, ELF64_PF_R | ELF64_PF_W | ELF64_PF_X, off, LNX_INIT, 0x1400000,
             0x400, LNX_INIT_MEM);
}

/* ---------------------------------------------------------------------------
 * XTF-like: arch/x86/pv/head.S notes, one RWX PT_LOAD at 0x100000.
 */
#define XTF_START  UINT64_C(0x100000)
#define XTF_FILESZ 0x7000
#define XTF_MEMSZ  0x11000
#define XTF_HCALL  UINT64_C(0x106000)
enum { XTF_PH_NOTE, XTF_PH_LOAD };

static void xtf_notes(struct notes *n, uint32_t omit)
{
    if (!(omit & OMIT(XEN_ELFNOTE_GUEST_OS))) {
        note_str(n, XEN_ELFNOTE_GUEST_OS, "XTF");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_GUEST_VERSION))) {
        note_str(n, XEN_ELFNOTE_GUEST_VERSION, "0");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_LOADER))) {
        note_str(n, XEN_ELFNOTE_LOADER, "generic");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_HYPERCALL_PAGE))) {
        note_u64(n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_HCALL);
    }
    if (!(omit & OMIT(XEN_ELFNOTE_XEN_VERSION))) {
        note_str(n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_FEATURES))) {
        note_str(n, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    }
    if (!(omit & OMIT(XEN_ELFNOTE_PAE_MODE))) {
        note_str(n, XEN_ELFNOTE_PAE_MODE, "yes");
    }
}

static void build_xtf(struct img *im, uint32_t omit, const struct notes *extra)
{
    struct notes n = {{0}, 0};
    size_t off;

    img_init(im, XTF_START);
    xtf_notes(&n, omit);
    if (extra) {
        memcpy(n.b + n.len, extra->b, extra->len);
        n.len += extra->len;
    }
    add_notes(im, &n);
    off = append(im, NULL, XTF_FILESZ, 4096);
    add_phdr(im, ELF64_PT_LOAD, ELF64_PF_R | ELF64_PF_W | ELF64_PF_X, off, XTF_START, XTF_START,
             XTF_FILESZ, XTF_MEMSZ);
}

/* ---------------------------------------------------------------------------
 * Parsing helpers.  Every parse runs on an exact-size heap copy, so that
 * AddressSanitizer reports any read past the end of the image.
 */
static struct pv_elf_info info;
static char msg[256];

static int parse_bytes(const uint8_t *bytes, size_t size, const struct pv_elf_options *opts)
{
    uint8_t *copy = malloc(size ? size : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, bytes, size);
    memset(msg, 'X', sizeof(msg));
    rc = pv_elf_parse(copy, size, opts, &info, msg, sizeof(msg));
    free(copy);
    /* The message is always a terminated string; non-empty on failure. */
    assert_non_null(memchr(msg, '\0', sizeof(msg)));
    if (rc < 0) {
        assert_true(strlen(msg) > 10);
    }
    return rc;
}

static int parse(struct img *im, const struct pv_elf_options *opts)
{
    return parse_bytes(im->b, im->size, opts);
}

/* Expect failure with code and a message containing `text`. */
#define assert_rejected(im, opts, code, text)                                                      \
    do {                                                                                           \
        int rc_ = parse((im), (opts));                                                             \
        if (rc_ != (code) || strstr(msg, (text)) == NULL) {                                        \
            fail_msg("expected %s (\"%s\"), got %s: %s", pv_elf_strerror(code), (text),            \
                     pv_elf_strerror(rc_), msg);                                                   \
        }                                                                                          \
    } while (0)

#define assert_accepted(im, opts)                                                                  \
    do {                                                                                           \
        int rc_ = parse((im), (opts));                                                             \
        if (rc_ != PV_ELF_OK) {                                                                    \
            fail_msg("expected success, got %s: %s", pv_elf_strerror(rc_), msg);                   \
        }                                                                                          \
    } while (0)

static const struct pv_elf_options host_opts = {(1u << XENFEAT_writable_page_tables) |
                                                    (1u << XENFEAT_pae_pgdir_above_4gb) |
                                                    (1u << XENFEAT_dom0),
                                                0, 0};

/* Invariants of every successful parse. */
static void check_invariants(size_t size)
{
    uint32_t i;

    assert_true(info.nr_segments >= 1 && info.nr_segments <= PV_ELF_MAX_SEGMENTS);
    assert_true(info.virt_base <= info.virt_kstart);
    assert_true(info.virt_kstart < info.virt_kend);
    assert_true(info.entry >= info.virt_kstart && info.entry < info.virt_kend);
    for (i = 0; i < info.nr_segments; i++) {
        const struct pv_elf_segment *s = &info.segments[i];

        assert_true(s->filesz <= s->memsz);
        assert_true(s->offset <= size && s->filesz <= size - s->offset);
        assert_true(s->va >= info.virt_kstart && s->va + s->memsz <= info.virt_kend);
        assert_int_equal(s->va - info.virt_base, s->paddr - info.paddr_offset);
    }
    if (info.hypercall_page != PV_ELF_UNSET) {
        assert_int_equal(info.hypercall_page & 0xfff, 0);
        assert_true(info.hypercall_page >= info.virt_kstart &&
                    info.hypercall_page < info.virt_kend);
    }
}

/* ---------------------------------------------------------------------------
 * The two reference guests.
 */
static void test_linux_like(void **state)
{
    static struct img im;

    build_linux(&im, 0, NULL);
    assert_accepted(&im, &host_opts);
    check_invariants(im.size);
    assert_int_equal(info.virt_base, LNX_BASE);
    assert_int_equal(info.paddr_offset, 0);
    assert_int_equal(info.entry, LNX_ENTRY); /* the ENTRY note, not e_entry */
    assert_int_equal(info.virt_kstart, LNX_TEXT);
    assert_int_equal(info.virt_kend, LNX_KEND);
    assert_int_equal(info.hypercall_page, PV_ELF_UNSET); /* 6.1.121+: no page */
    assert_int_equal(info.p2m_base, LNX_P2M);
    assert_int_equal(info.hv_start_low, UINT64_C(0xffff800000000000));
    assert_int_equal(info.features_required, 1u << XENFEAT_writable_page_tables);
    assert_int_equal(info.features_supported, 0x8801u | (1u << XENFEAT_writable_page_tables) |
                                                  (1u << XENFEAT_pae_pgdir_above_4gb));
    assert_int_equal(info.suspend_cancel, 1);
    assert_int_equal(info.mod_start_pfn, 1);
    assert_int_equal(info.l1_mfn_valid_mask, 1);
    assert_int_equal(info.l1_mfn_valid_value, 1);
    assert_int_equal(info.nr_xen_notes, 15);
    assert_int_equal(info.notes_from_sections, 0);
    assert_string_equal(info.guest_os, "linux");
    assert_string_equal(info.guest_version, "2.6");
    assert_string_equal(info.xen_version, "xen-3.0");
    assert_string_equal(info.loader, "generic");
    assert_string_equal(info.pae_mode, "yes");
    assert_int_equal(info.nr_segments, 3);
    assert_int_equal(info.segments[0].va, LNX_TEXT);
    assert_int_equal(info.segments[1].va, LNX_DATA);
    assert_int_equal(info.segments[1].filesz, 0x800);
    assert_int_equal(info.segments[1].memsz, 0x1000);
    assert_int_equal(info.segments[2].index, LNX_PH_INIT);
    assert_int_equal(info.notes_seen & OMIT(XEN_ELFNOTE_HYPERCALL_PAGE), 0);
    assert_true(info.notes_seen & OMIT(XEN_ELFNOTE_SUPPORTED_FEATURES));

    /* As the initial domain: SUPPORTED_FEATURES has dom0 (bit 11 of 0x8801). */
    {
        struct pv_elf_options o = host_opts;

        o.flags = PV_ELF_OPT_INITDOMAIN;
        assert_accepted(&im, &o);
    }
}

static void test_linux_old_hypercall_page(void **state)
{
    static struct img im;
    struct notes n = {{0}, 0};

    /* 6.1.0-6.1.120 still had the page note. */
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, LNX_HCALL);
    build_linux(&im, 0, &n);
    assert_accepted(&im, &host_opts);
    assert_int_equal(info.hypercall_page, LNX_HCALL);
}

static void test_xtf_like(void **state)
{
    static struct img im;

    build_xtf(&im, 0, NULL);
    assert_accepted(&im, &host_opts);
    check_invariants(im.size);
    assert_int_equal(info.virt_base, 0); /* no VIRT_BASE: VA = pseudo-physical */
    assert_int_equal(info.paddr_offset, 0);
    assert_int_equal(info.entry, XTF_START); /* no ENTRY: e_entry */
    assert_int_equal(info.virt_kstart, XTF_START);
    assert_int_equal(info.virt_kend, XTF_START + XTF_MEMSZ);
    assert_int_equal(info.hypercall_page, XTF_HCALL);
    assert_int_equal(info.p2m_base, PV_ELF_UNSET);
    assert_int_equal(info.hv_start_low, PV_ELF_UNSET);
    assert_int_equal(info.features_required, 1u << XENFEAT_writable_page_tables);
    assert_int_equal(info.nr_xen_notes, 7);
    assert_string_equal(info.guest_os, "XTF");
    assert_int_equal(info.nr_segments, 1);

    /* No SUPPORTED_FEATURES note: Xen skips the dom0 check, so do we. */
    {
        struct pv_elf_options o = host_opts;

        o.flags = PV_ELF_OPT_INITDOMAIN;
        assert_accepted(&im, &o);
    }
    /* NULL options: the defaults offer writable_page_tables. */
    assert_int_equal(parse(&im, NULL), PV_ELF_OK);
}

/* ---------------------------------------------------------------------------
 * Loading through the callback.
 */
struct guest_mem {
    uint64_t base;
    uint64_t size;
    uint8_t *bytes;
    unsigned int calls;
    int fail_at; /* fail the n-th call (1-based); 0 = never */
};

static int write_guest(void *ctx, uint64_t va, const void *src, uint64_t len)
{
    struct guest_mem *g = ctx;

    g->calls++;
    if (g->fail_at != 0 && (int)g->calls == g->fail_at) {
        return -1;
    }
    assert_true(va >= g->base && len <= g->size && va - g->base <= g->size - len);
    if (src) {
        memcpy(g->bytes + (va - g->base), src, len);
    } else {
        memset(g->bytes + (va - g->base), 0, len);
    }
    return 0;
}

static void test_load_xtf(void **state)
{
    static struct img im;
    struct guest_mem g = {XTF_START, XTF_MEMSZ, NULL, 0, 0};
    const uint8_t *file;
    uint64_t i;

    build_xtf(&im, 0, NULL);
    assert_accepted(&im, &host_opts);
    g.bytes = malloc(g.size);
    assert_non_null(g.bytes);
    memset(g.bytes, 0xaa, g.size);
    assert_int_equal(pv_elf_load(im.b, im.size, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_OK);
    assert_int_equal(g.calls, 2); /* file bytes, then zero fill */
    file = im.b + phdr(&im, XTF_PH_LOAD)->p_offset;
    assert_memory_equal(g.bytes, file, XTF_FILESZ);
    for (i = XTF_FILESZ; i < XTF_MEMSZ; i++) {
        assert_int_equal(g.bytes[i], 0);
    }
    free(g.bytes);
}

static void test_load_linux(void **state)
{
    static struct img im;
    struct guest_mem g = {LNX_TEXT, LNX_KEND - LNX_TEXT, NULL, 0, 0};
    uint64_t i;

    build_linux(&im, 0, NULL);
    assert_accepted(&im, &host_opts);
    g.bytes = malloc(g.size);
    assert_non_null(g.bytes);
    memset(g.bytes, 0xaa, g.size);
    assert_int_equal(pv_elf_load(im.b, im.size, &info, write_guest, &g, NULL, 0), PV_ELF_OK);
    assert_int_equal(g.calls, 5); /* text; data + fill; init + fill */
    assert_memory_equal(g.bytes, im.b + phdr(&im, LNX_PH_TEXT)->p_offset, 0x2000);
    assert_memory_equal(g.bytes + (LNX_DATA - LNX_TEXT), im.b + phdr(&im, LNX_PH_DATA)->p_offset,
                        0x800);
    for (i = 0x800; i < 0x1000; i++) {
        assert_int_equal(g.bytes[LNX_DATA - LNX_TEXT + i], 0);
    }
    for (i = 0x400; i < LNX_INIT_MEM; i++) {
        assert_int_equal(g.bytes[LNX_INIT - LNX_TEXT + i], 0);
    }
    /* Gaps between segments are not touched. */
    assert_int_equal(g.bytes[0x2000], 0xaa);
    assert_int_equal(g.bytes[LNX_DATA - LNX_TEXT + 0x1000], 0xaa);
    free(g.bytes);
}

static void test_load_errors(void **state)
{
    static struct img im;
    struct guest_mem g = {XTF_START, XTF_MEMSZ, NULL, 0, 2};

    build_xtf(&im, 0, NULL);
    assert_accepted(&im, &host_opts);
    g.bytes = calloc(1, g.size);
    assert_non_null(g.bytes);

    /* The callback refuses the zero fill. */
    assert_int_equal(pv_elf_load(im.b, im.size, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_WRITE);
    assert_non_null(strstr(msg, "zeroing"));
    g.calls = 0;
    g.fail_at = 1;
    assert_int_equal(pv_elf_load(im.b, im.size, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_WRITE);
    assert_non_null(strstr(msg, "writing"));

    /* A description that does not match the image (shorter image). */
    g.fail_at = 0;
    assert_int_equal(pv_elf_load(im.b, 100, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_SEGMENT);
    /* Missing arguments. */
    assert_int_equal(pv_elf_load(NULL, im.size, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_ARGS);
    assert_int_equal(pv_elf_load(im.b, im.size, &info, NULL, &g, msg, sizeof(msg)), PV_ELF_E_ARGS);
    assert_int_equal(pv_elf_load(im.b, im.size, NULL, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_ARGS);
    info.nr_segments = PV_ELF_MAX_SEGMENTS + 1;
    assert_int_equal(pv_elf_load(im.b, im.size, &info, write_guest, &g, msg, sizeof(msg)),
                     PV_ELF_E_ARGS);
    assert_int_equal(pv_elf_parse(NULL, 10, NULL, &info, msg, sizeof(msg)), PV_ELF_E_ARGS);
    assert_int_equal(pv_elf_parse(im.b, im.size, NULL, NULL, msg, sizeof(msg)), PV_ELF_E_ARGS);
    free(g.bytes);
}

/* ---------------------------------------------------------------------------
 * Images built by the real toolchain (tests/unit/guest-abi/fixtures/).
 */
static uint8_t *read_fixture(const char *name, size_t *size)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "fixtures/%s", name);
    return test_fixture_read(rel, "guest-abi/build.mk", size);
}

static void test_fixture_xtf(void **state)
{
    size_t size;
    uint8_t *buf = read_fixture("xtf_like.elf", &size);

    assert_int_equal(parse_bytes(buf, size, &host_opts), PV_ELF_OK);
    check_invariants(size);
    assert_int_equal(info.virt_base, 0);
    assert_int_equal(info.entry, 0x100000);
    assert_int_equal(info.virt_kstart, 0x100000);
    assert_int_equal(info.hypercall_page, 0x101000);
    assert_int_equal(info.nr_xen_notes, 7);
    assert_string_equal(info.guest_os, "XTF");
    assert_int_equal(info.nr_segments, 1);
    assert_true(info.segments[0].memsz > info.segments[0].filesz); /* bss */
    free(buf);
}

static void test_fixture_linux(void **state)
{
    size_t size;
    uint8_t *buf = read_fixture("linux_like.elf", &size);

    assert_int_equal(parse_bytes(buf, size, &host_opts), PV_ELF_OK);
    check_invariants(size);
    assert_int_equal(info.virt_base, LNX_BASE);
    assert_int_equal(info.virt_kstart, LNX_TEXT);
    assert_int_equal(info.entry, LNX_INIT); /* startup_xen, first in .init.text */
    assert_int_equal(info.nr_xen_notes, 15);
    assert_int_equal(info.nr_segments, 3);
    assert_int_equal(info.p2m_base, LNX_P2M);
    assert_int_equal(info.features_supported & 0x8801u, 0x8801u);
    free(buf);
}

/* ---------------------------------------------------------------------------
 * Truncation and fuzzing: never crash, never accept a damaged image silently.
 */
static void test_truncated_everywhere(void **state)
{
    static struct img im;
    size_t len, phdr_end;

    build_linux(&im, 0, NULL);
    phdr_end = sizeof(struct elf64_ehdr) + ehdr(&im)->e_phnum * sizeof(struct elf64_phdr);
    for (len = 0; len < im.size; len++) {
        int rc = parse_bytes(im.b, len, &host_opts);

        if (len < sizeof(struct elf64_ehdr)) {
            assert_int_equal(rc, PV_ELF_E_TRUNCATED);
        } else if (len < phdr_end) {
            assert_int_equal(rc, PV_ELF_E_PHDRS);
        } else { /* a segment's (or the notes') file range now runs past the end */
            assert_true(rc == PV_ELF_E_SEGMENT || rc == PV_ELF_E_NOTE);
        }
    }
    assert_int_equal(parse_bytes(im.b, im.size, &host_opts), PV_ELF_OK);
}

static void test_truncated_notes(void **state)
{
    static struct img im;
    struct elf64_phdr *note;
    uint64_t full, len;

    /* Shrink the PT_NOTE segment to every length: notes are cut at every
     * header, name and descriptor boundary.  Cuts that leave only whole
     * notes (plus a missing final pad) parse; every other cut is E_NOTE,
     * unless a note the loader needs went missing. */
    build_xtf(&im, 0, NULL);
    note = phdr(&im, XTF_PH_NOTE);
    full = note->p_filesz;
    for (len = 0; len < full; len++) {
        int rc;

        note->p_filesz = len;
        rc = parse(&im, &host_opts);
        assert_true(rc == PV_ELF_OK || rc == PV_ELF_E_NOTE || rc == PV_ELF_E_NO_NOTES ||
                    rc == PV_ELF_E_GUEST || rc == PV_ELF_E_HYPERCALL_PAGE);
    }
    note->p_filesz = full;
    assert_accepted(&im, &host_opts);
}

static void test_fuzz_mutations(void **state)
{
    static struct img base, im;
    uint32_t seed = 12345;
    unsigned int iter, accepted = 0;

    build_linux(&base, 0, NULL);
    for (iter = 0; iter < 20000; iter++) {
        unsigned int flips, k;

        im = base;
        flips = 1 + iter % 4;
        for (k = 0; k < flips; k++) {
            size_t pos;

            seed = seed * 1103515245u + 12345u;
            /* Mostly hit the headers and notes, where the parser looks. */
            pos = (seed >> 8) % (iter % 3 ? 1024 : im.size);
            seed = seed * 1103515245u + 12345u;
            im.b[pos] ^= (uint8_t)(1u << ((seed >> 16) % 8));
        }
        if (parse(&im, &host_opts) == PV_ELF_OK) {
            accepted++;
            check_invariants(im.size);
        }
    }
    /* Some flips hit bytes that do not matter. */
    assert_true(accepted > 0);
}

/* ---------------------------------------------------------------------------
 * ELF header.
 */
static void test_bad_ehdr(void **state)
{
    static struct img im;

    build_xtf(&im, 0, NULL);
    im.b[0] = 0x7e;
    assert_rejected(&im, NULL, PV_ELF_E_NOT_ELF, "magic");

    build_xtf(&im, 0, NULL);
    im.b[ELF64_EI_CLASS] = 1;
    assert_rejected(&im, NULL, PV_ELF_E_CLASS, "64-bit");

    build_xtf(&im, 0, NULL);
    im.b[ELF64_EI_DATA] = 2;
    assert_rejected(&im, NULL, PV_ELF_E_ENDIAN, "little-endian");

    build_xtf(&im, 0, NULL);
    im.b[ELF64_EI_VERSION] = 0;
    assert_rejected(&im, NULL, PV_ELF_E_HEADER, "version");
    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_version = 2;
    assert_rejected(&im, NULL, PV_ELF_E_HEADER, "version");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_type = ELF64_ET_DYN;
    assert_rejected(&im, NULL, PV_ELF_E_TYPE, "position-independent");
    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_type = 1; /* ET_REL */
    assert_rejected(&im, NULL, PV_ELF_E_TYPE, "ET_EXEC");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_machine = 3; /* EM_386 */
    assert_rejected(&im, NULL, PV_ELF_E_MACHINE, "x86-64");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_ehsize = 52;
    assert_rejected(&im, NULL, PV_ELF_E_HEADER, "e_ehsize");

    build_xtf(&im, 0, NULL);
    assert_int_equal(parse_bytes(im.b, 63, NULL), PV_ELF_E_TRUNCATED);
    assert_non_null(strstr(msg, "63 bytes"));
    assert_int_equal(parse_bytes(im.b, 0, NULL), PV_ELF_E_TRUNCATED);
}

static void test_bad_phdr_table(void **state)
{
    static struct img im;

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phnum = 0;
    assert_rejected(&im, NULL, PV_ELF_E_NO_LOAD, "no program headers");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phnum = ELF64_PN_XNUM;
    assert_rejected(&im, NULL, PV_ELF_E_PHDRS, "PN_XNUM");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phentsize = 32;
    assert_rejected(&im, NULL, PV_ELF_E_PHDRS, "e_phentsize");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phoff = im.size - 10;
    assert_rejected(&im, NULL, PV_ELF_E_PHDRS, "outside");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phoff = UINT64_MAX - 8; /* offset + size overflows */
    assert_rejected(&im, NULL, PV_ELF_E_PHDRS, "outside");

    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_phnum = 0xfffe; /* table far larger than the image */
    assert_rejected(&im, NULL, PV_ELF_E_PHDRS, "65534 entries");

    /* An unaligned table is fine: fields are read byte by byte. */
    build_xtf(&im, 0, NULL);
    memmove(im.b + 65, im.b + 64, 2 * sizeof(struct elf64_phdr));
    ehdr(&im)->e_phoff = 65;
    assert_accepted(&im, NULL);
}

/* ---------------------------------------------------------------------------
 * Segments.
 */
static void test_bad_segments(void **state)
{
    static struct img im;
    unsigned int i;

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_filesz = XTF_MEMSZ + 1;
    assert_rejected(&im, NULL, PV_ELF_E_SEGMENT, "larger than p_memsz");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_offset = im.size - 16;
    assert_rejected(&im, NULL, PV_ELF_E_SEGMENT, "outside");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_offset = UINT64_MAX - 4; /* offset + filesz overflows */
    assert_rejected(&im, NULL, PV_ELF_E_SEGMENT, "outside");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_paddr = UINT64_MAX - 0x1000; /* paddr + memsz overflows */
    assert_rejected(&im, NULL, PV_ELF_E_OVERFLOW, "overflows");

    /* VIRT_BASE + pseudo-physical overflows. */
    build_linux(&im, 0, NULL);
    phdr(&im, LNX_PH_INIT)->p_paddr = UINT64_C(0x0000900000000000);
    assert_rejected(&im, NULL, PV_ELF_E_OVERFLOW, "overflows");

    /* Overlap in pseudo-physical space (data moved onto text). */
    build_linux(&im, 0, NULL);
    phdr(&im, LNX_PH_DATA)->p_paddr = 0x1001000;
    assert_rejected(&im, NULL, PV_ELF_E_OVERLAP, "overlap");
    /* Identical ranges. */
    build_linux(&im, 0, NULL);
    phdr(&im, LNX_PH_DATA)->p_paddr = 0x1000000;
    assert_rejected(&im, NULL, PV_ELF_E_OVERLAP, "program headers 1 and 2");
    /* Touching is fine. */
    build_linux(&im, 0, NULL);
    phdr(&im, LNX_PH_DATA)->p_paddr = 0x1002000;
    assert_accepted(&im, NULL);

    /* No PT_LOAD at all, or only flag-less ones (not loadable, as in Xen). */
    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_type = ELF64_PT_NULL;
    assert_rejected(&im, NULL, PV_ELF_E_NO_LOAD, "no loadable");
    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_flags = 0;
    assert_rejected(&im, NULL, PV_ELF_E_NO_LOAD, "no loadable");
    /* Empty PT_LOADs occupy nothing. */
    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_memsz = 0;
    phdr(&im, XTF_PH_LOAD)->p_filesz = 0;
    assert_rejected(&im, NULL, PV_ELF_E_NO_LOAD, "no loadable");

    /* Too many loadable segments. */
    build_xtf(&im, 0, NULL);
    for (i = 0; i < PV_ELF_MAX_SEGMENTS; i++) {
        add_phdr(&im, ELF64_PT_LOAD, ELF64_PF_R, 0, 0, 0x200000 + i * 0x1000, 0, 0x1000);
    }
    assert_rejected(&im, NULL, PV_ELF_E_NO_LOAD, "more than 16");
    /* Exactly the maximum is fine. */
    ehdr(&im)->e_phnum--;
    assert_accepted(&im, NULL);
    assert_int_equal(info.nr_segments, PV_ELF_MAX_SEGMENTS);
}

/* ---------------------------------------------------------------------------
 * Notes.
 */
static void test_bad_note_segments(void **state)
{
    static struct img im;

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_NOTE)->p_filesz = im.size; /* runs past the end */
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "outside");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_NOTE)->p_offset = UINT64_MAX - 2;
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "outside");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_NOTE)->p_offset += 2;
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "aligned");

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_NOTE)->p_filesz = 8; /* half a note header */
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "cut off");

    /* p_offset 0: skipped, as Xen does (then there are no notes). */
    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_NOTE)->p_offset = 0;
    assert_rejected(&im, NULL, PV_ELF_E_NO_NOTES, "no \"Xen\" ELF notes");
}

static void test_bad_notes(void **state)
{
    static struct img im;
    struct notes n;
    uint32_t huge[3];

    /* A name that runs past the segment. */
    memset(&n, 0, sizeof(n));
    huge[0] = 0xffffffffu, huge[1] = 0, huge[2] = 1;
    memcpy(n.b, huge, 12);
    n.len = 12;
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "name running past");

    /* A descriptor that runs past the segment (and one that would overflow). */
    memset(&n, 0, sizeof(n));
    huge[0] = 4, huge[1] = 0xfffffff0u, huge[2] = XEN_ELFNOTE_ENTRY;
    memcpy(n.b, huge, 12);
    memcpy(n.b + 12, "Xen", 4);
    n.len = 16;
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "descriptor running past");

    /* A string without its NUL. */
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_GUEST_OS, "XTFX", 4);
    build_xtf(&im, OMIT(XEN_ELFNOTE_GUEST_OS), &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "not NUL-terminated");
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_FEATURES, "", 0);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "FEATURES");

    /* Numbers of odd sizes. */
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_HYPERCALL_PAGE, "\0\x60\x10", 3);
    build_xtf(&im, OMIT(XEN_ELFNOTE_HYPERCALL_PAGE), &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "1, 2, 4 or 8 bytes, not 3");
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_ENTRY, "", 0);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "not 0");
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_SUPPORTED_FEATURES, "\x01\x08", 2);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "SUPPORTED_FEATURES");
}

static void test_note_details(void **state)
{
    static struct img im;
    struct notes n;
    uint16_t entry16 = 0x1234;

    /* Narrow numbers are fine: a 4-byte HYPERCALL_PAGE, a 2-byte... */
    memset(&n, 0, sizeof(n));
    note_u32(&n, XEN_ELFNOTE_HYPERCALL_PAGE, 0x105000);
    build_xtf(&im, OMIT(XEN_ELFNOTE_HYPERCALL_PAGE), &n);
    assert_accepted(&im, NULL);
    assert_int_equal(info.hypercall_page, 0x105000);
    /* ...ENTRY 0x1234 lies below the image. */
    memset(&n, 0, sizeof(n));
    note_bytes(&n, XEN_ELFNOTE_ENTRY, &entry16, 2);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_ENTRY, "0x1234");

    /* A repeated note: the last one wins. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, 0x10f000);
    build_xtf(&im, 0, &n);
    assert_accepted(&im, NULL);
    assert_int_equal(info.hypercall_page, 0x10f000);

    /* Other owners' notes, and near-misses of the name, are not Xen's. */
    memset(&n, 0, sizeof(n));
    note_raw(&n, "GNU", 4, XEN_ELFNOTE_ENTRY, "\0\0\0\0\0\0\0\0", 8);
    note_raw(&n, "Xen", 3, XEN_ELFNOTE_ENTRY, "\0\0\0\0\0\0\0\0", 8);
    note_raw(&n, "Xenolith", 9, XEN_ELFNOTE_ENTRY, "\0\0\0\0\0\0\0\0", 8);
    note_raw(&n, "", 0, XEN_ELFNOTE_ENTRY, "", 0);
    build_xtf(&im, 0, &n);
    assert_accepted(&im, NULL);
    assert_int_equal(info.entry, XTF_START);
    assert_int_equal(info.nr_xen_notes, 7);

    /* Unknown Xen note types, and the ones a PV loader ignores. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, 99, 1);
    note_u64(&n, XEN_ELFNOTE_PHYS32_ENTRY, 0x1000);
    note_bytes(&n, XEN_ELFNOTE_PHYS32_RELOC, "abc", 3);
    note_str(&n, XEN_ELFNOTE_BSD_SYMTAB, "yes");
    note_bytes(&n, XEN_ELFNOTE_INFO, "", 0);
    build_xtf(&im, 0, &n);
    assert_accepted(&im, NULL);
    assert_int_equal(info.nr_xen_notes, 12);
    assert_true(info.notes_seen & OMIT(XEN_ELFNOTE_PHYS32_ENTRY));

    /* The last descriptor may lack its padding at the very end. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_GUEST_VERSION, "12345"); /* 6 bytes + 2 of padding */
    build_xtf(&im, 0, &n);
    phdr(&im, XTF_PH_NOTE)->p_filesz -= 2;
    assert_accepted(&im, NULL);
    assert_string_equal(info.guest_version, "12345");

    /* Long strings are kept truncated. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_GUEST_OS, "an-operating-system-with-a-very-long-name");
    build_xtf(&im, OMIT(XEN_ELFNOTE_GUEST_OS), &n);
    assert_accepted(&im, NULL);
    assert_int_equal(strlen(info.guest_os), PV_ELF_STR_MAX - 1);

    /* Several PT_NOTE segments are all read. */
    build_xtf(&im, OMIT(XEN_ELFNOTE_HYPERCALL_PAGE), NULL);
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, 0x102000);
    add_notes(&im, &n);
    assert_accepted(&im, NULL);
    assert_int_equal(info.hypercall_page, 0x102000);
}

static void test_guest_checks(void **state)
{
    static struct img im;
    struct notes n;

    /* No notes at all. */
    build_xtf(&im, ~0u, NULL);
    assert_rejected(&im, NULL, PV_ELF_E_NO_NOTES, "not a Xen PV kernel");

    /* Neither LOADER "generic" nor GUEST_OS "linux". */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_LOADER, "special");
    build_xtf(&im, OMIT(XEN_ELFNOTE_LOADER), &n);
    assert_rejected(&im, NULL, PV_ELF_E_GUEST, "LOADER \"special\", GUEST_OS \"XTF\"");
    build_xtf(&im, OMIT(XEN_ELFNOTE_LOADER), NULL);
    assert_rejected(&im, NULL, PV_ELF_E_GUEST, "generic");
    /* GUEST_OS "linux" suffices. */
    build_linux(&im, OMIT(XEN_ELFNOTE_LOADER), NULL);
    assert_accepted(&im, NULL);
    /* A prefix is enough, as in Xen. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_LOADER, "generic-v2");
    build_xtf(&im, OMIT(XEN_ELFNOTE_LOADER), &n);
    assert_accepted(&im, NULL);

    /* XEN_VERSION must be xen-3.0. */
    build_xtf(&im, OMIT(XEN_ELFNOTE_XEN_VERSION), NULL);
    assert_rejected(&im, NULL, PV_ELF_E_GUEST, "XEN_VERSION");
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
    build_xtf(&im, OMIT(XEN_ELFNOTE_XEN_VERSION), &n);
    assert_rejected(&im, NULL, PV_ELF_E_GUEST, "\"xen-2.0\"");
}

static void test_features(void **state)
{
    static struct img im;
    struct notes n;
    struct pv_elf_options o = host_opts;
    char longname[80];

    /* An unknown required feature. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, "writable_page_tables|!teleportation");
    build_xtf(&im, OMIT(XEN_ELFNOTE_FEATURES), &n);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "\"teleportation\"");

    /* Unknown optional features and empty tokens are ignored. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, "teleportation||!writable_page_tables|");
    build_xtf(&im, OMIT(XEN_ELFNOTE_FEATURES), &n);
    assert_accepted(&im, &o);
    assert_int_equal(info.features_supported, 1u << XENFEAT_writable_page_tables);
    assert_int_equal(info.features_required, 1u << XENFEAT_writable_page_tables);

    /* A lone '!' names nothing, and is required. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, "!");
    build_xtf(&im, OMIT(XEN_ELFNOTE_FEATURES), &n);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "\"\"");

    /* Names longer than Xen compares (63) never match. */
    memset(longname, 'a', sizeof(longname));
    longname[0] = '!';
    longname[sizeof(longname) - 1] = '\0';
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, longname);
    build_xtf(&im, OMIT(XEN_ELFNOTE_FEATURES), &n);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "aaaa");
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, longname + 1);
    build_xtf(&im, 0, &n);
    assert_accepted(&im, &o);

    /* Required features the host does not offer. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, "!supervisor_mode_kernel");
    build_xtf(&im, 0, &n);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "supervisor_mode_kernel (XENFEAT 3)");
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES, "!auto_translated_physmap");
    build_xtf(&im, 0, &n);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "auto_translated_physmap");
    o.host_features = 0;
    build_xtf(&im, 0, NULL);
    assert_rejected(&im, &o, PV_ELF_E_FEATURES, "writable_page_tables");
    o.host_features = host_opts.host_features;
    /* ...but optional ones are fine, and every known name maps to Xen's bit. */
    memset(&n, 0, sizeof(n));
    note_str(&n, XEN_ELFNOTE_FEATURES,
             "writable_descriptor_tables|auto_translated_physmap|supervisor_mode_kernel|"
             "hvm_callback_vector|!dom0");
    build_xtf(&im, 0, &n);
    assert_accepted(&im, &o);
    assert_int_equal(info.features_supported, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) |
                                                  (1u << 4) | (1u << 8) | (1u << 11));
    assert_int_equal(info.features_required, (1u << 0) | (1u << 11));

    /* Xen's name table only. */
    assert_int_equal(pv_elf_feature_bit("dom0", 4), XENFEAT_dom0);
    assert_int_equal(pv_elf_feature_bit("pae_pgdir_above_4gb", 19), XENFEAT_pae_pgdir_above_4gb);
    assert_int_equal(pv_elf_feature_bit("mmu_pt_update_preserve_ad", 25), -1);
    assert_int_equal(pv_elf_feature_bit("dom", 3), -1);
    assert_int_equal(pv_elf_feature_bit(NULL, 0), -1);

    /* SUPPORTED_FEATURES without dom0, loaded as the initial domain. */
    memset(&n, 0, sizeof(n));
    note_u32(&n, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_writable_page_tables);
    build_linux(&im, OMIT(XEN_ELFNOTE_SUPPORTED_FEATURES), &n);
    assert_accepted(&im, &o);
    o.flags = PV_ELF_OPT_INITDOMAIN;
    assert_rejected(&im, &o, PV_ELF_E_DOM0, "initial domain");
    /* A 2-word bitmap: only the first word counts. */
    memset(&n, 0, sizeof(n));
    {
        uint32_t words[2] = {1u << XENFEAT_dom0, 0xffffffffu};

        note_bytes(&n, XEN_ELFNOTE_SUPPORTED_FEATURES, words, 8);
    }
    build_linux(&im, OMIT(XEN_ELFNOTE_SUPPORTED_FEATURES), &n);
    assert_accepted(&im, &o);
}

/* ---------------------------------------------------------------------------
 * Addresses.
 */
static void test_addresses(void **state)
{
    static struct img im;
    struct notes n;
    struct pv_elf_options o = host_opts;

    /* PADDR_OFFSET without VIRT_BASE. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_PADDR_OFFSET, 0);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_ADDRESS, "PADDR_OFFSET note without a VIRT_BASE");

    /* Old-style kernels: p_paddr holds the VA and PADDR_OFFSET = VIRT_BASE. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_PADDR_OFFSET, LNX_BASE);
    build_linux(&im, OMIT(XEN_ELFNOTE_PADDR_OFFSET), &n);
    phdr(&im, LNX_PH_TEXT)->p_paddr = LNX_TEXT;
    phdr(&im, LNX_PH_DATA)->p_paddr = LNX_DATA;
    phdr(&im, LNX_PH_INIT)->p_paddr = LNX_INIT;
    assert_accepted(&im, NULL);
    assert_int_equal(info.virt_kstart, LNX_TEXT);
    assert_int_equal(info.segments[0].va, LNX_TEXT);
    /* ...and a p_paddr below PADDR_OFFSET has no pseudo-physical address. */
    phdr(&im, LNX_PH_DATA)->p_paddr = 0x1200000;
    assert_rejected(&im, NULL, PV_ELF_E_ADDRESS, "below PADDR_OFFSET");

    /* A VIRT_BASE in the hypervisor's area. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_VIRT_BASE, UINT64_C(0xffff800000000000));
    note_u64(&n, XEN_ELFNOTE_ENTRY, UINT64_C(0xffff800001400000));
    build_linux(&im, OMIT(XEN_ELFNOTE_VIRT_BASE) | OMIT(XEN_ELFNOTE_ENTRY), &n);
    assert_rejected(&im, NULL, PV_ELF_E_ADDRESS, "hypervisor's area");
    /* Just above it is fine. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_VIRT_BASE, UINT64_C(0xffff880000000000));
    note_u64(&n, XEN_ELFNOTE_ENTRY, UINT64_C(0xffff880001400000));
    build_linux(&im, OMIT(XEN_ELFNOTE_VIRT_BASE) | OMIT(XEN_ELFNOTE_ENTRY), &n);
    assert_accepted(&im, NULL);
    /* An image across the non-canonical gap. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_VIRT_BASE, UINT64_C(0x00007fffff000000));
    note_u64(&n, XEN_ELFNOTE_ENTRY, UINT64_C(0x00007fffff000000) + 0x1000000);
    build_linux(&im, OMIT(XEN_ELFNOTE_VIRT_BASE) | OMIT(XEN_ELFNOTE_ENTRY), &n);
    assert_rejected(&im, NULL, PV_ELF_E_ADDRESS, "not canonical");

    /* The caller's size limit. */
    build_linux(&im, 0, NULL);
    o.max_span = LNX_KEND - LNX_BASE - 1;
    assert_rejected(&im, &o, PV_ELF_E_ADDRESS, "more than the limit");
    o.max_span = LNX_KEND - LNX_BASE;
    assert_accepted(&im, &o);
}

static void test_entry(void **state)
{
    static struct img im;
    struct notes n;

    /* e_entry outside the image, no ENTRY note. */
    build_xtf(&im, 0, NULL);
    ehdr(&im)->e_entry = XTF_START + XTF_MEMSZ;
    assert_rejected(&im, NULL, PV_ELF_E_ENTRY, "outside the loaded image");
    ehdr(&im)->e_entry = XTF_START + XTF_MEMSZ - 1;
    assert_accepted(&im, NULL);
    ehdr(&im)->e_entry = XTF_START - 1;
    assert_rejected(&im, NULL, PV_ELF_E_ENTRY, "0xfffff");

    /* Linux without its ENTRY note would start at the physical e_entry. */
    build_linux(&im, OMIT(XEN_ELFNOTE_ENTRY), NULL);
    assert_rejected(&im, NULL, PV_ELF_E_ENTRY, "0x1000000");

    /* An ENTRY note in the gap between two segments is still inside
     * [kstart, kend): Xen accepts it, and so do we. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_ENTRY, LNX_TEXT + 0x100000);
    build_linux(&im, OMIT(XEN_ELFNOTE_ENTRY), &n);
    assert_accepted(&im, NULL);
}

static void test_hypercall_page(void **state)
{
    static struct img im;
    struct notes n;

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_HCALL + 8);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_HYPERCALL_PAGE, "not page-aligned");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_START + XTF_MEMSZ);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_HYPERCALL_PAGE, "outside the loaded image");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_START - 0x1000);
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_HYPERCALL_PAGE, "outside the loaded image");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, UINT64_C(0xfffffffffffff000));
    build_xtf(&im, 0, &n);
    assert_rejected(&im, NULL, PV_ELF_E_HYPERCALL_PAGE, "outside the loaded image");

    /* In the bss (last page) is fine. */
    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_START + XTF_MEMSZ - 0x1000);
    build_xtf(&im, 0, &n);
    assert_accepted(&im, NULL);
}

static void test_init_p2m(void **state)
{
    static struct img im;
    struct notes n;

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_INIT_P2M, LNX_DATA);
    build_linux(&im, OMIT(XEN_ELFNOTE_INIT_P2M), &n);
    assert_rejected(&im, NULL, PV_ELF_E_P2M, "inside the loaded image");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_INIT_P2M, LNX_P2M + 8);
    build_linux(&im, OMIT(XEN_ELFNOTE_INIT_P2M), &n);
    assert_rejected(&im, NULL, PV_ELF_E_P2M, "not page-aligned");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_INIT_P2M, UINT64_C(0xffff800000001000));
    build_linux(&im, OMIT(XEN_ELFNOTE_INIT_P2M), &n);
    assert_rejected(&im, NULL, PV_ELF_E_P2M, "hypervisor's area");

    memset(&n, 0, sizeof(n));
    note_u64(&n, XEN_ELFNOTE_INIT_P2M, UINT64_C(0x0000900000000000));
    build_linux(&im, OMIT(XEN_ELFNOTE_INIT_P2M), &n);
    assert_rejected(&im, NULL, PV_ELF_E_P2M, "not canonical");

    /* Without the note the p2m goes in the bootstrap region. */
    build_linux(&im, OMIT(XEN_ELFNOTE_INIT_P2M), NULL);
    assert_accepted(&im, NULL);
    assert_int_equal(info.p2m_base, PV_ELF_UNSET);
}

/* ---------------------------------------------------------------------------
 * Section-header fallback (as Xen: only when no PT_NOTE carried Xen notes).
 */
static void test_section_notes(void **state)
{
    static struct img im;
    struct elf64_shdr sh[3];
    size_t note_off, note_len, shoff;

    build_xtf(&im, 0, NULL);
    note_off = phdr(&im, XTF_PH_NOTE)->p_offset;
    note_len = phdr(&im, XTF_PH_NOTE)->p_filesz;
    phdr(&im, XTF_PH_NOTE)->p_type = ELF64_PT_NULL; /* notes only in a section */
    memset(sh, 0, sizeof(sh));
    sh[1].sh_type = ELF64_SHT_PROGBITS;
    sh[2].sh_type = ELF64_SHT_NOTE;
    sh[2].sh_offset = note_off;
    sh[2].sh_size = note_len;
    shoff = append(&im, sh, sizeof(sh), 8);
    ehdr(&im)->e_shoff = shoff;
    ehdr(&im)->e_shnum = 3;
    assert_accepted(&im, NULL);
    assert_int_equal(info.notes_from_sections, 1);
    assert_int_equal(info.hypercall_page, XTF_HCALL);

    ehdr(&im)->e_shentsize = 40;
    assert_rejected(&im, NULL, PV_ELF_E_SHDRS, "e_shentsize");
    ehdr(&im)->e_shentsize = sizeof(struct elf64_shdr);

    ehdr(&im)->e_shoff = im.size - 64;
    assert_rejected(&im, NULL, PV_ELF_E_SHDRS, "outside");
    ehdr(&im)->e_shoff = shoff;

    ((struct elf64_shdr *)(im.b + shoff))[2].sh_size = UINT64_MAX;
    assert_rejected(&im, NULL, PV_ELF_E_NOTE, "section 2");
    ((struct elf64_shdr *)(im.b + shoff))[2].sh_size = note_len;

    /* No sections at all: simply no notes. */
    ehdr(&im)->e_shnum = 0;
    assert_rejected(&im, NULL, PV_ELF_E_NO_NOTES, "no \"Xen\"");
}

/* ---------------------------------------------------------------------------
 * Messages and codes.
 */
static void test_messages(void **state)
{
    static struct img im;
    char small[12];
    int code;

    build_xtf(&im, 0, NULL);
    phdr(&im, XTF_PH_LOAD)->p_filesz = XTF_MEMSZ + 1;
    /* Truncated to the buffer, always terminated. */
    memset(small, 'X', sizeof(small));
    assert_int_equal(pv_elf_parse(im.b, im.size, NULL, &info, small, sizeof(small)),
                     PV_ELF_E_SEGMENT);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, "program hea", 11);
    /* No buffer at all. */
    assert_int_equal(pv_elf_parse(im.b, im.size, NULL, &info, NULL, 0), PV_ELF_E_SEGMENT);
    assert_int_equal(pv_elf_parse(im.b, im.size, NULL, &info, small, 0), PV_ELF_E_SEGMENT);
    /* The numbers are in the message. */
    assert_int_equal(parse(&im, NULL), PV_ELF_E_SEGMENT);
    assert_string_equal(msg, "program header 1: p_filesz 0x11001 is larger than p_memsz 0x11000");

    /* Success leaves an empty message. */
    build_xtf(&im, 0, NULL);
    assert_int_equal(parse(&im, NULL), PV_ELF_OK);
    assert_string_equal(msg, "");

    /* Every code has its own name. */
    for (code = PV_ELF_OK; code >= PV_ELF_E_WRITE; code--) {
        int other;

        assert_string_not_equal(pv_elf_strerror(code), "E_UNKNOWN");
        for (other = code - 1; other >= PV_ELF_E_WRITE; other--) {
            assert_string_not_equal(pv_elf_strerror(code), pv_elf_strerror(other));
        }
    }
    assert_string_equal(pv_elf_strerror(PV_ELF_E_NOTE), "E_NOTE");
    assert_string_equal(pv_elf_strerror(PV_ELF_E_WRITE - 1), "E_UNKNOWN");
    assert_string_equal(pv_elf_strerror(1), "E_UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_like),
        cmocka_unit_test(test_linux_old_hypercall_page),
        cmocka_unit_test(test_xtf_like),
        cmocka_unit_test(test_load_xtf),
        cmocka_unit_test(test_load_linux),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_fixture_xtf),
        cmocka_unit_test(test_fixture_linux),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_truncated_notes),
        cmocka_unit_test(test_fuzz_mutations),
        cmocka_unit_test(test_bad_ehdr),
        cmocka_unit_test(test_bad_phdr_table),
        cmocka_unit_test(test_bad_segments),
        cmocka_unit_test(test_bad_note_segments),
        cmocka_unit_test(test_bad_notes),
        cmocka_unit_test(test_note_details),
        cmocka_unit_test(test_guest_checks),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_entry),
        cmocka_unit_test(test_hypercall_page),
        cmocka_unit_test(test_init_p2m),
        cmocka_unit_test(test_section_notes),
        cmocka_unit_test(test_messages),
    };

    return cmocka_run_group_tests_name("pv_elf", tests, NULL, NULL);
}
