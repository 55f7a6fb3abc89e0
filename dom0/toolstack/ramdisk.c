/*
 * cpio "new ASCII" archives read in place (see dom0/ramdisk.h).
 *
 * An entry is a 110-byte header (a 6-byte magic, then thirteen fields of
 * exactly 8 hexadecimal digits), the NUL-terminated name, zero padding to a
 * multiple of 4 from the start of the archive, the data, and zero padding
 * again. The archive ends with an entry named TRAILER!!!, then zero bytes up
 * to a block boundary.
 *
 * Every walk goes through read_entry(), which checks one entry completely
 * against the archive's bounds before anything of it is used, so lookups stay
 * safe even though ramdisk_open already checked the whole archive.
 */
#include <dom0/ramdisk.h>

#include "ts_lib.h"

#define HDR_SIZE  110
#define NR_FIELDS 13
#define MODE_TYPE 0170000u
#define MODE_REG  0100000u
#define MODE_DIR  0040000u
#define TRAILER   "TRAILER!!!"

/* Header fields, in archive order. */
enum {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK
};

static const char *const field_names[NR_FIELDS] = {
    "ino",      "mode",     "uid",       "gid",       "nlink",    "mtime", "filesize",
    "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

struct entry {
    size_t index;     /* 0 for the first entry */
    size_t off;       /* of its header */
    size_t next;      /* of the next header */
    const char *name; /* NUL-terminated, in the archive */
    const uint8_t *data;
    size_t size;
    uint32_t f[NR_FIELDS];
    bool trailer;
};

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static int hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;

        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10u;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10u;
        } else {
            return -1;
        }
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* "entry N at offset X: ..." into err; returns -XEN_EINVAL. */
static int bad(char *err, size_t errlen, const struct entry *e, const char *what)
{
    if (err && errlen) {
        snprintf(err, errlen, "entry %zu at offset %#zx: %s", e->index, e->off, what);
    }
    return -XEN_EINVAL;
}

/* Read and check the entry whose header is at e->off (4-aligned, <= len). */
static int read_entry(const uint8_t *base, size_t len, struct entry *e, char *err, size_t errlen)
{
    const uint8_t *h = base + e->off;
    size_t room = len - e->off, namesize, name_end, data_off, data_end;
    char msg[80];
    bool crc;

    if (room < HDR_SIZE) {
        return bad(err, errlen, e, room ? "truncated header" : "no TRAILER!!! entry (truncated)");
    }
    if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2')) {
        return bad(err, errlen, e, "bad magic (not a cpio newc/crc archive)");
    }
    crc = h[5] == '2';
    for (int i = 0; i < NR_FIELDS; i++) {
        if (hex8(h + 6 + 8 * i, &e->f[i])) {
            snprintf(msg, sizeof(msg), "field %s is not 8 hexadecimal digits", field_names[i]);
            return bad(err, errlen, e, msg);
        }
    }
    namesize = e->f[F_NAMESIZE];
    if (namesize < 2) {
        return bad(err, errlen, e, "empty name");
    }
    if (namesize > RAMDISK_PATH_MAX) {
        return bad(err, errlen, e, "name longer than 4095 bytes");
    }
    if (namesize > room - HDR_SIZE) {
        return bad(err, errlen, e, "truncated name");
    }
    e->name = (const char *)h + HDR_SIZE;
    if (strnlen(e->name, namesize) != namesize - 1) {
        return bad(err, errlen, e, "name not terminated by its only NUL");
    }
    name_end = e->off + HDR_SIZE + namesize;
    data_off = align4(name_end);
    if (data_off > len) {
        return bad(err, errlen, e, "truncated padding after the name");
    }
    if (!all_zero(base + name_end, data_off - name_end)) {
        return bad(err, errlen, e, "padding after the name is not zero");
    }
    e->size = e->f[F_FILESIZE];
    if (e->size > len - data_off) {
        return bad(err, errlen, e, "data runs past the end of the archive");
    }
    data_end = data_off + e->size;
    e->next = align4(data_end);
    if (e->next > len) {
        return bad(err, errlen, e, "truncated padding after the data");
    }
    if (!all_zero(base + data_end, e->next - data_end)) {
        return bad(err, errlen, e, "padding after the data is not zero");
    }
    e->data = base + data_off;
    e->trailer = namesize == sizeof(TRAILER) && !memcmp(e->name, TRAILER, sizeof(TRAILER));
    /* cpio sums the data of regular files only (a symlink's check is 0). */
    if (crc && (e->f[F_MODE] & MODE_TYPE) == MODE_REG) {
        uint32_t sum = 0;

        for (size_t i = 0; i < e->size; i++) {
            sum += e->data[i];
        }
        if (sum != e->f[F_CHECK]) {
            snprintf(msg, sizeof(msg), "checksum %#x, but the data sums to %#x", e->f[F_CHECK],
                     sum);
            return bad(err, errlen, e, msg);
        }
    }
    switch (e->f[F_MODE] & MODE_TYPE) {
    case MODE_DIR:
        if (e->size) {
            return bad(err, errlen, e, "a directory with data");
        }
        break;
    case MODE_REG:
    case 0120000u: /* symbolic link: the data is its target */
    case 0020000u: /* character device */
    case 0060000u: /* block device */
    case 0010000u: /* FIFO */
    case 0140000u: /* socket */
        break;
    default:
        if (!e->trailer) {
            return bad(err, errlen, e, "unknown file type in mode");
        }
    }
    return 0;
}

/* Drop any leading "./" and "/": the archive may hold "./a" or "a". */
static const char *strip(const char *path)
{
    for (;;) {
        if (path[0] == '.' && path[1] == '/') {
            path += 2;
        } else if (path[0] == '/') {
            path++;
        } else {
            return path;
        }
    }
}

static bool is_root(const char *stripped)
{
    return !stripped[0] || !strcmp(stripped, ".");
}

static bool opened(const struct ramdisk *rd)
{
    return rd && rd->base && !rd->error[0];
}

int ramdisk_open(struct ramdisk *rd, const void *base, size_t len)
{
    struct entry e = {0};
    int rc;

    if (!rd) {
        return -XEN_EINVAL;
    }
    memset(rd, 0, sizeof(*rd));
    if (!base || !len) {
        snprintf(rd->error, sizeof(rd->error), "empty archive");
        return -XEN_EINVAL;
    }
    for (;; e.index++) {
        rc = read_entry(base, len, &e, rd->error, sizeof(rd->error));
        if (rc) {
            return rc;
        }
        if (e.trailer) {
            break;
        }
        rd->nr_entries++;
        if ((e.f[F_MODE] & MODE_TYPE) == MODE_REG) {
            rd->nr_files++;
        }
        e.off = e.next;
    }
    if (!all_zero((const uint8_t *)base + e.next, len - e.next)) {
        snprintf(rd->error, sizeof(rd->error), "non-zero bytes after the trailer at offset %#zx",
                 e.next);
        return -XEN_EINVAL;
    }
    rd->base = base;
    rd->len = len;
    return 0;
}

/* The data of a hard link stored with another of its names: the regular
 * file with the same inode and device that has data. */
static void follow_link(const struct ramdisk *rd, struct entry *link)
{
    struct entry e = {0};

    for (; read_entry(rd->base, rd->len, &e, NULL, 0) == 0 && !e.trailer; e.index++) {
        if ((e.f[F_MODE] & MODE_TYPE) == MODE_REG && e.size && e.f[F_INO] == link->f[F_INO] &&
            e.f[F_DEVMAJOR] == link->f[F_DEVMAJOR] && e.f[F_DEVMINOR] == link->f[F_DEVMINOR]) {
            link->data = e.data;
            link->size = e.size;
            return;
        }
        e.off = e.next;
    }
}

static bool needs_link(const struct entry *e)
{
    return (e->f[F_MODE] & MODE_TYPE) == MODE_REG && e->size == 0 && e->f[F_NLINK] > 1;
}

int ramdisk_find(const struct ramdisk *rd, const char *path, const void **data, size_t *len)
{
    struct entry e = {0}, found = {0};
    bool any = false;
    const char *want;

    if (!opened(rd) || !path) {
        return -XEN_EINVAL;
    }
    want = strip(path);
    for (; read_entry(rd->base, rd->len, &e, NULL, 0) == 0 && !e.trailer; e.index++) {
        const char *name = strip(e.name);

        if (!strcmp(name, want) || (is_root(name) && is_root(want))) {
            found = e;
            any = true;
        }
        e.off = e.next;
    }
    if (!any) {
        return -XEN_ENOENT;
    }
    switch (found.f[F_MODE] & MODE_TYPE) {
    case MODE_REG:
        break;
    case MODE_DIR:
        return -XEN_EISDIR;
    default:
        return -XEN_EINVAL;
    }
    if (needs_link(&found)) {
        follow_link(rd, &found);
    }
    if (data) {
        *data = found.data;
    }
    if (len) {
        *len = found.size;
    }
    return 0;
}

int ramdisk_for_each(const struct ramdisk *rd,
                     int (*fn)(const char *path, const void *data, size_t len, void *arg),
                     void *arg)
{
    struct entry e = {0};
    int rc;

    if (!opened(rd) || !fn) {
        return -XEN_EINVAL;
    }
    for (; read_entry(rd->base, rd->len, &e, NULL, 0) == 0 && !e.trailer; e.index++) {
        if ((e.f[F_MODE] & MODE_TYPE) == MODE_REG) {
            struct entry file = e;

            if (needs_link(&file)) {
                follow_link(rd, &file);
            }
            rc = fn(strip(file.name), file.data, file.size, arg);
            if (rc) {
                return rc;
            }
        }
        e.off = e.next;
    }
    return 0;
}
