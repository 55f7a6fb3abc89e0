/*
 * CMocka tests of the cpio "newc" ramdisk reader (dom0/toolstack/ramdisk.c).
 *
 * Archives are written here by a small newc writer (valid ones, and ones
 * broken in one place each) and by the real cpio tool (fixtures/newc.cpio and
 * fixtures/crc.cpio, made by dom0/toolstack/toolstack.mk). Every archive is
 * opened from an exact-size heap copy so that AddressSanitizer reports any
 * read past its end.
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

#include <dom0/ramdisk.h>
#include <xen/errno.h>

/* ---------------------------------------------------------------------------
 * A newc writer.
 */
#define S_REG 0100644u
#define S_DIR 0040755u
#define S_LNK 0120777u

struct arch {
    uint8_t b[1 << 16];
    size_t len;
};

struct hdr {
    const char *magic; /* NULL: "070701" */
    uint32_t ino, mode, nlink, check;
    uint32_t namesize; /* 0: strlen(name) + 1 */
    int64_t filesize;  /* < 0: size */
};

static void put(struct arch *a, const void *p, size_t n)
{
    assert_true(a->len + n <= sizeof(a->b));
    if (n) {
        memcpy(a->b + a->len, p, n);
    }
    a->len += n;
}

static void pad4(struct arch *a)
{
    while (a->len & 3) {
        a->b[a->len++] = 0;
    }
}

/* An entry whose name field holds name_bytes bytes of name, verbatim. */
static void add_raw_name(struct arch *a, const struct hdr *h, const char *name, size_t name_bytes,
                         const void *data, size_t size)
{
    char fields[120];
    uint32_t namesize = h->namesize ? h->namesize : (uint32_t)name_bytes;
    uint32_t filesize = h->filesize < 0 ? (uint32_t)size : (uint32_t)h->filesize;

    snprintf(fields, sizeof(fields), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             h->magic ? h->magic : "070701", h->ino, h->mode, 0u, 0u, h->nlink, 0x5f000000u,
             filesize, 8u, 1u, 0u, 0u, namesize, h->check);
    put(a, fields, 110);
    put(a, name, name_bytes);
    pad4(a);
    put(a, data, size);
    pad4(a);
}

static void add_raw(struct arch *a, const struct hdr *h, const char *name, const void *data,
                    size_t size)
{
    add_raw_name(a, h, name, strlen(name) + 1, data, size);
}

static uint32_t next_ino = 100;

static void add_file(struct arch *a, const char *name, const void *data, size_t size)
{
    struct hdr h = {NULL, next_ino++, S_REG, 1, 0, 0, -1};

    add_raw(a, &h, name, data, size);
}

static void add_dir(struct arch *a, const char *name)
{
    struct hdr h = {NULL, next_ino++, S_DIR, 2, 0, 0, -1};

    add_raw(a, &h, name, NULL, 0);
}

static void add_trailer(struct arch *a)
{
    struct hdr h = {NULL, 0, 0, 1, 0, 0, -1};

    add_raw(a, &h, "TRAILER!!!", NULL, 0);
    while (a->len % 512) {
        a->b[a->len++] = 0;
    }
}

static struct ramdisk rd;
static uint8_t *copy;

/* Open an exact-size copy of b (kept until the next call). */
static int open_bytes(const uint8_t *b, size_t len)
{
    free(copy);
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, b, len);
    return ramdisk_open(&rd, copy, len);
}

static int open_arch(const struct arch *a)
{
    return open_bytes(a->b, a->len);
}

static void expect_file(const char *path, const char *contents)
{
    const void *data = NULL;
    size_t len = 99;

    assert_int_equal(ramdisk_find(&rd, path, &data, &len), 0);
    assert_int_equal(len, strlen(contents));
    assert_memory_equal(data, contents, len);
}

/* The standard test archive: a root entry, a config, a directory with a
 * kernel, an empty file and a symlink. */
static void build_sample(struct arch *a)
{
    struct hdr lnk = {NULL, 50, S_LNK, 1, 0, 0, -1};

    a->len = 0;
    add_dir(a, ".");
    add_file(a, "./guest.cfg", "name = 'g'\n", 11);
    add_dir(a, "./boot");
    add_file(a, "./boot/k.elf",
             "\x7f"
             "ELF-kernel",
             11);
    add_file(a, "./boot/empty", NULL, 0);
    add_raw(a, &lnk, "./link", "guest.cfg", 9);
    add_trailer(a);
}

/* ---------------------------------------------------------------------------
 * Valid archives.
 */
struct seen {
    int n;
    char paths[16][64];
    size_t lens[16];
    int stop_at;
};

static int collect(const char *path, const void *data, size_t len, void *arg)
{
    struct seen *s = arg;

    assert_true(s->n < 16);
    snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", path);
    s->lens[s->n] = len;
    assert_true(len == 0 || data != NULL);
    s->n++;
    return s->n == s->stop_at ? 42 : 0;
}

static void test_sample(void **state)
{
    static struct arch a;
    struct seen s = {0};
    const void *data;
    size_t len;

    build_sample(&a);
    assert_int_equal(open_arch(&a), 0);
    assert_string_equal(rd.error, "");
    assert_int_equal(rd.nr_entries, 6);
    assert_int_equal(rd.nr_files, 3);

    expect_file("guest.cfg", "name = 'g'\n");
    expect_file("./guest.cfg", "name = 'g'\n");
    expect_file("/guest.cfg", "name = 'g'\n");
    expect_file(".//./guest.cfg", "name = 'g'\n");
    expect_file("boot/k.elf", "\x7f"
                              "ELF-kernel");
    expect_file("boot/empty", "");
    assert_int_equal(ramdisk_find(&rd, "boot/k.elf", NULL, NULL), 0);
    assert_int_equal(ramdisk_find(&rd, "boot", &data, &len), -XEN_EISDIR);
    assert_int_equal(ramdisk_find(&rd, "./boot", &data, &len), -XEN_EISDIR);
    assert_int_equal(ramdisk_find(&rd, ".", &data, &len), -XEN_EISDIR);
    assert_int_equal(ramdisk_find(&rd, "/", &data, &len), -XEN_EISDIR);
    assert_int_equal(ramdisk_find(&rd, "link", &data, &len), -XEN_EINVAL);
    assert_int_equal(ramdisk_find(&rd, "missing", &data, &len), -XEN_ENOENT);
    assert_int_equal(ramdisk_find(&rd, "boot/k.el", &data, &len), -XEN_ENOENT);
    assert_int_equal(ramdisk_find(&rd, "guest.cfg/", &data, &len), -XEN_ENOENT);
    assert_int_equal(ramdisk_find(&rd, "", &data, &len), -XEN_EISDIR);

    assert_int_equal(ramdisk_for_each(&rd, collect, &s), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.paths[0], "guest.cfg");
    assert_string_equal(s.paths[1], "boot/k.elf");
    assert_string_equal(s.paths[2], "boot/empty");
    assert_int_equal(s.lens[0], 11);
    assert_int_equal(s.lens[2], 0);

    memset(&s, 0, sizeof(s));
    s.stop_at = 2;
    assert_int_equal(ramdisk_for_each(&rd, collect, &s), 42);
    assert_int_equal(s.n, 2);
}

static void test_names_without_dot_slash(void **state)
{
    static struct arch a;

    a.len = 0;
    add_file(&a, "plain.cfg", "p", 1);
    add_file(&a, "/abs.cfg", "q", 1);
    add_trailer(&a);
    assert_int_equal(open_arch(&a), 0);
    expect_file("plain.cfg", "p");
    expect_file("./plain.cfg", "p");
    expect_file("abs.cfg", "q");
    expect_file("/abs.cfg", "q");
}

static void test_duplicates_last_wins(void **state)
{
    static struct arch a;
    struct seen s = {0};

    a.len = 0;
    add_file(&a, "./x", "first", 5);
    add_file(&a, "x", "second!", 7);
    add_trailer(&a);
    assert_int_equal(open_arch(&a), 0);
    expect_file("x", "second!");
    assert_int_equal(ramdisk_for_each(&rd, collect, &s), 0);
    assert_int_equal(s.n, 2);

    /* A directory replacing a file (and back) also follows the last entry. */
    a.len = 0;
    add_file(&a, "d", "f", 1);
    add_dir(&a, "d");
    add_trailer(&a);
    assert_int_equal(open_arch(&a), 0);
    assert_int_equal(ramdisk_find(&rd, "d", NULL, NULL), -XEN_EISDIR);
}

static void test_hard_links(void **state)
{
    static struct arch a;
    struct hdr first = {NULL, 7, S_REG, 2, 0, 0, -1}, last = first;
    struct hdr other_dev = {NULL, 7, S_REG, 2, 0, 0, -1};
    struct seen s = {0};

    /* cpio stores a hard-linked file's data once, with its last name. */
    a.len = 0;
    add_raw(&a, &first, "one", NULL, 0);
    add_file(&a, "between", "b", 1);
    add_raw(&a, &last, "two", "shared", 6);
    add_trailer(&a);
    assert_int_equal(open_arch(&a), 0);
    expect_file("one", "shared");
    expect_file("two", "shared");
    assert_int_equal(ramdisk_for_each(&rd, collect, &s), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.lens[0], 6);

    /* The same inode number on another device is another file: a link whose
     * data never comes stays empty rather than borrowing it. */
    a.len = 0;
    add_raw(&a, &other_dev, "lonely", NULL, 0);
    {
        size_t off = a.len;

        add_raw(&a, &other_dev, "elsewhere", "other", 5);
        memcpy(a.b + off + 6 + 8 * 8, "00000002", 8); /* devminor */
    }
    add_trailer(&a);
    assert_int_equal(open_arch(&a), 0);
    expect_file("lonely", "");
    expect_file("elsewhere", "other");
}

static uint8_t *read_fixture(const char *name, size_t *size)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "fixtures/%s", name);
    return test_fixture_read(rel, "dom0/toolstack/toolstack.mk", size);
}

static void check_real_cpio(const char *fixture)
{
    size_t size;
    uint8_t *buf = read_fixture(fixture, &size);
    char kernel[5001];
    struct seen s = {0};

    assert_int_equal(size % 512, 0);
    assert_int_equal(open_bytes(buf, size), 0);
    assert_int_equal(rd.nr_entries, 9); /* ., alpha.cfg, boot, boot/empty, boot/guests,
                                           boot/guests/alpha.elf, boot/one, boot/two, link.cfg */
    assert_int_equal(rd.nr_files, 5);
    expect_file("alpha.cfg", "name = \"alpha\"\nkernel = \"boot/guests/alpha.elf\"\n");
    memset(kernel, 'k', 5000);
    kernel[5000] = '\0';
    expect_file("./boot/guests/alpha.elf", kernel);
    expect_file("boot/empty", "");
    expect_file("boot/one", "linked\n");
    expect_file("boot/two", "linked\n");
    assert_int_equal(ramdisk_find(&rd, "boot/guests", NULL, NULL), -XEN_EISDIR);
    assert_int_equal(ramdisk_find(&rd, "link.cfg", NULL, NULL), -XEN_EINVAL);
    assert_int_equal(ramdisk_for_each(&rd, collect, &s), 0);
    assert_int_equal(s.n, 5);
    assert_string_equal(s.paths[0], "alpha.cfg");
    assert_string_equal(s.paths[1], "boot/empty");
    assert_string_equal(s.paths[2], "boot/guests/alpha.elf");
    assert_int_equal(s.lens[3], 7); /* both links of boot/one report the data */
    assert_int_equal(s.lens[4], 7);
    free(buf);
}

static void test_real_cpio_newc(void **state)
{
    check_real_cpio("newc.cpio");
}

static void test_real_cpio_crc(void **state)
{
    size_t size;
    uint8_t *buf;
    const void *data;
    size_t len;

    check_real_cpio("crc.cpio");
    /* Damage one byte of the kernel: the 070702 checksum catches it. */
    buf = read_fixture("crc.cpio", &size);
    assert_int_equal(open_bytes(buf, size), 0);
    assert_int_equal(ramdisk_find(&rd, "boot/guests/alpha.elf", &data, &len), 0);
    buf[(const uint8_t *)data - copy + 100] = 'K';
    assert_int_equal(open_bytes(buf, size), -XEN_EINVAL);
    assert_non_null(strstr(rd.error, "checksum 0x"));
    assert_non_null(strstr(rd.error, "but the data sums to 0x"));
    free(buf);
}

/* ---------------------------------------------------------------------------
 * Broken and hostile archives.
 */
static void expect_refused(const struct arch *a, const char *msg)
{
    assert_int_equal(open_arch(a), -XEN_EINVAL);
    assert_string_equal(rd.error, msg);
    /* A refused archive answers no lookups. */
    assert_int_equal(ramdisk_find(&rd, "x", NULL, NULL), -XEN_EINVAL);
    assert_int_equal(ramdisk_for_each(&rd, collect, NULL), -XEN_EINVAL);
}

static void test_bad_headers(void **state)
{
    static struct arch a;
    struct hdr h = {NULL, 1, S_REG, 1, 0, 0, -1};

    a.len = 0;
    add_file(&a, "ok", "1", 1);
    h.magic = "070707"; /* the old portable format */
    add_raw(&a, &h, "x", "2", 1);
    add_trailer(&a);
    expect_refused(&a, "entry 1 at offset 0x78: bad magic (not a cpio newc/crc archive)");

    for (int field = 0; field < 13; field++) {
        static const char *const names[] = {
            "ino",      "mode",     "uid",       "gid",       "nlink",    "mtime", "filesize",
            "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"};
        char msg[128];

        a.len = 0;
        add_file(&a, "x", "2", 1);
        add_trailer(&a);
        a.b[6 + 8 * field + 3] = 'g';
        snprintf(msg, sizeof(msg), "entry 0 at offset 0: field %s is not 8 hexadecimal digits",
                 names[field]);
        expect_refused(&a, msg);
        a.b[6 + 8 * field + 3] = ' ';
        expect_refused(&a, msg);
    }
}

static void test_bad_names(void **state)
{
    static struct arch a;
    struct hdr h = {NULL, 1, S_REG, 1, 0, 0, -1};

    a.len = 0;
    h.namesize = 1;
    add_raw(&a, &h, "", NULL, 0);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: empty name");

    a.len = 0;
    h.namesize = 4097;
    add_raw(&a, &h, "x", NULL, 0);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: name longer than 4095 bytes");

    a.len = 0;
    h.namesize = 0x800; /* plausible, but past the end */
    add_raw(&a, &h, "x", NULL, 0);
    expect_refused(&a, "entry 0 at offset 0: truncated name");

    a.len = 0;
    h.namesize = 2; /* "ab" with namesize 2: no NUL at name[1] */
    add_raw(&a, &h, "ab", NULL, 0);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: name not terminated by its only NUL");

    a.len = 0;
    h.namesize = 0;
    add_raw_name(&a, &h, "a\0b", 4, NULL, 0); /* a NUL inside */
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: name not terminated by its only NUL");

    /* The longest name accepted. */
    {
        static char longname[4096];

        memset(longname, 'n', 4095);
        a.len = 0;
        h.namesize = 0;
        add_raw(&a, &h, longname, "L", 1);
        add_trailer(&a);
        assert_int_equal(open_arch(&a), 0);
        expect_file(longname, "L");
    }
}

static void test_bad_padding_and_sizes(void **state)
{
    static struct arch a;
    struct hdr h = {NULL, 1, S_REG, 1, 0, 0, -1};

    a.len = 0;
    add_file(&a, "abc", "12345", 5); /* name ends at 114: 2 pad bytes; data 5: 3 pad bytes */
    add_trailer(&a);
    a.b[115] = 1;
    expect_refused(&a, "entry 0 at offset 0: padding after the name is not zero");
    a.b[115] = 0;
    a.b[122] = 1;
    expect_refused(&a, "entry 0 at offset 0: padding after the data is not zero");
    a.b[122] = 0;
    assert_int_equal(open_arch(&a), 0);

    a.len = 0;
    h.filesize = 0xffffffff;
    add_raw(&a, &h, "big", "x", 1);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: data runs past the end of the archive");

    a.len = 0;
    h.filesize = -1;
    h.mode = S_DIR;
    add_raw(&a, &h, "dir", "x", 1);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: a directory with data");

    a.len = 0;
    h.mode = 0644; /* no file type */
    add_raw(&a, &h, "typeless", "x", 1);
    add_trailer(&a);
    expect_refused(&a, "entry 0 at offset 0: unknown file type in mode");
}

static void test_trailer(void **state)
{
    static struct arch a;
    size_t end;

    a.len = 0;
    add_file(&a, "x", "1", 1);
    expect_refused(&a, "entry 1 at offset 0x74: no TRAILER!!! entry (truncated)");

    add_trailer(&a);
    a.b[a.len - 1] = 7;
    expect_refused(&a, "non-zero bytes after the trailer at offset 0xf0");

    /* An archive that ends right after the trailer's padding is fine; so is
     * one without the block padding. */
    a.len = 0;
    add_file(&a, "x", "1", 1);
    end = a.len + 110 + 11 + 3;
    add_trailer(&a);
    assert_int_equal(open_bytes(a.b, end), 0);
    assert_int_equal(open_bytes(a.b, end - 1), -XEN_EINVAL);
    assert_string_equal(rd.error, "entry 1 at offset 0x74: truncated padding after the name");

    /* Entries after the trailer are not read, they are refused. */
    a.len = 0;
    add_trailer(&a);
    a.len = 124;
    add_file(&a, "hidden", "h", 1);
    expect_refused(&a, "non-zero bytes after the trailer at offset 0x7c");
}

static void test_truncated_everywhere(void **state)
{
    static struct arch a;
    size_t trailer_end;

    build_sample(&a);
    trailer_end = a.len;
    while (trailer_end > 0 && a.b[trailer_end - 1] == 0) {
        trailer_end--;
    }
    trailer_end = (trailer_end + 1 + 3) & ~(size_t)3; /* its name's NUL, then its padding */
    for (size_t n = 0; n <= a.len; n++) {
        int rc = open_bytes(a.b, n);

        if (n < trailer_end) {
            assert_int_equal(rc, -XEN_EINVAL);
            assert_true(rd.error[0] != '\0');
        } else {
            assert_int_equal(rc, 0);
        }
    }
}

static void test_mutations(void **state)
{
    static struct arch a;
    uint64_t seed = 0x243f6a8885a308d3ull;
    int opened = 0;

    build_sample(&a);
    for (int round = 0; round < 20000; round++) {
        static uint8_t buf[sizeof(a.b)];
        struct seen s = {0};
        const void *data;
        size_t len;

        memcpy(buf, a.b, a.len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            /* Mostly hex digits, so that fields stay plausible. */
            buf[(seed >> 8) % a.len] = (seed & 3) ? (uint8_t) "0123456789abcdef"[(seed >> 40) & 15]
                                                  : (uint8_t)(seed >> 32);
        }
        if (open_bytes(buf, a.len) == 0) {
            opened++;
            (void)ramdisk_find(&rd, "guest.cfg", &data, &len);
            (void)ramdisk_find(&rd, "boot/k.elf", &data, &len);
            assert_int_equal(ramdisk_for_each(&rd, collect, &s), 0);
            assert_true((size_t)s.n == rd.nr_files);
        } else {
            assert_true(!strncmp(rd.error, "entry ", 6) ||
                        !strncmp(rd.error, "non-zero bytes after the trailer", 32));
        }
    }
    assert_true(opened > 0);
}

static void test_arguments(void **state)
{
    static const uint8_t zeros[512];

    assert_int_equal(ramdisk_open(NULL, zeros, sizeof(zeros)), -XEN_EINVAL);
    assert_int_equal(ramdisk_open(&rd, NULL, 512), -XEN_EINVAL);
    assert_string_equal(rd.error, "empty archive");
    assert_int_equal(ramdisk_open(&rd, zeros, 0), -XEN_EINVAL);
    assert_int_equal(ramdisk_open(&rd, zeros, sizeof(zeros)), -XEN_EINVAL);
    assert_string_equal(rd.error, "entry 0 at offset 0: bad magic (not a cpio newc/crc archive)");
    assert_int_equal(ramdisk_find(NULL, "x", NULL, NULL), -XEN_EINVAL);
    assert_int_equal(ramdisk_for_each(NULL, collect, NULL), -XEN_EINVAL);
    {
        static struct arch a;

        build_sample(&a);
        assert_int_equal(open_arch(&a), 0);
        assert_int_equal(ramdisk_find(&rd, NULL, NULL, NULL), -XEN_EINVAL);
        assert_int_equal(ramdisk_for_each(&rd, NULL, NULL), -XEN_EINVAL);
    }
}

static int teardown(void **state)
{
    free(copy);
    copy = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_names_without_dot_slash),
        cmocka_unit_test(test_duplicates_last_wins),
        cmocka_unit_test(test_hard_links),
        cmocka_unit_test(test_real_cpio_newc),
        cmocka_unit_test(test_real_cpio_crc),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_bad_padding_and_sizes),
        cmocka_unit_test(test_trailer),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_arguments),
    };

    return cmocka_run_group_tests_name("ramdisk", tests, NULL, teardown);
}
