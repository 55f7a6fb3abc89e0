/*
 * Multiboot 1 and 2 information, parsed into struct boot_info. Everything the
 * loader gives is copied out with its length checked, so nothing of the
 * loader's structures is needed (or trusted) afterwards.
 */
#include <hv/boot_info.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* Multiboot 1 information structure (the fields we use). */
#define MB1_FLAG_MEM     (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS    (1u << 3)
#define MB1_FLAG_MMAP    (1u << 6)
#define MB1_FLAG_LOADER  (1u << 9)

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __packed;

struct mb1_module {
    uint32_t start, end, string, reserved;
} __packed;

struct mb1_mmap {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
} __packed;

/* Multiboot 2 tags. */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MAX_INFO (1u << 20)

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_mmap_entry {
    uint64_t base, len;
    uint32_t type, reserved;
};

static void copy_cstr(char *dst, size_t dstsz, const char *src, size_t srclen)
{
    size_t n = strnlen(src, srclen);

    n = MIN(n, dstsz - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Copy a C string from physical memory, at most max bytes. */
static int copy_phys_str(boot_map_fn map, paddr_t pa, char *dst, size_t dstsz)
{
    const char *s = map(pa, dstsz);

    if (!s) {
        return -EINVAL;
    }
    copy_cstr(dst, dstsz, s, dstsz);
    return 0;
}

const char *boot_cmdline_skip_path(const char *c)
{
    const char *w = c, *end;
    bool path = false;

    while (*w == ' ') {
        w++;
    }
    for (end = w; *end && *end != ' '; end++) {
        if (*end == '/') {
            path = true;
        }
        if (*end == '=') {
            return w;   /* an option, not a path */
        }
    }
    if (!path) {
        return w;
    }
    while (*end == ' ') {
        end++;
    }
    return end;
}

/*
 * Multiboot 1 loaders (QEMU, GRUB's "module") put the file's path first in a
 * module's string; GRUB's Multiboot 2 "module2" gives only the arguments.
 */
static void set_module_strings(struct boot_module *m, const char *s, bool has_path)
{
    const char *w = s, *end;
    size_t n;

    while (*w == ' ') {
        w++;
    }
    if (!has_path) {
        m->name[0] = '\0';
        strlcpy_hv(m->cmdline, w, sizeof(m->cmdline));
        return;
    }
    for (end = w; *end && *end != ' '; end++) {
    }
    n = MIN((size_t)(end - w), sizeof(m->name) - 1);
    memcpy(m->name, w, n);
    m->name[n] = '\0';
    while (*end == ' ') {
        end++;
    }
    strlcpy_hv(m->cmdline, end, sizeof(m->cmdline));
}

static void add_region(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
    if (len == 0) {
        return;
    }
    if (base + len < base) {
        len = UINT64_MAX - base;    /* clamp a wrapping entry */
    }
    if (bi->nr_regions == BOOT_MAX_MEM_REGIONS) {
        bi->truncated++;
        return;
    }
    if (type < MEM_RAM || type > MEM_BAD) {
        type = MEM_RESERVED;
    }
    bi->regions[bi->nr_regions++] = (struct mem_region){ base, len, type };
}

static int add_module(struct boot_info *bi, boot_map_fn map, paddr_t start, paddr_t end,
                      paddr_t str)
{
    struct boot_module *m;
    char buf[BOOT_CMDLINE_MAX];

    if (end < start) {
        return -EINVAL;
    }
    if (bi->nr_modules == BOOT_MAX_MODULES) {
        bi->truncated++;
        return 0;
    }
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->size = end - start;
    buf[0] = '\0';
    if (str && copy_phys_str(map, str, buf, sizeof(buf))) {
        return -EINVAL;
    }
    set_module_strings(m, buf, bi->protocol == 1);
    return 0;
}

static int parse_mb1(paddr_t info, boot_map_fn map, struct boot_info *bi)
{
    const struct mb1_info *mi = map(info, sizeof(*mi));
    char buf[BOOT_CMDLINE_MAX];

    if (!mi) {
        return -EINVAL;
    }
    bi->protocol = 1;
    if ((mi->flags & MB1_FLAG_LOADER) &&
        copy_phys_str(map, mi->boot_loader_name, bi->loader, sizeof(bi->loader))) {
        return -EINVAL;
    }
    if (mi->flags & MB1_FLAG_CMDLINE) {
        if (copy_phys_str(map, mi->cmdline, buf, sizeof(buf))) {
            return -EINVAL;
        }
        strlcpy_hv(bi->cmdline, boot_cmdline_skip_path(buf), sizeof(bi->cmdline));
    }
    if (mi->flags & MB1_FLAG_MODS) {
        const struct mb1_module *mods;

        if (mi->mods_count > 4096) {
            return -EINVAL;
        }
        mods = map(mi->mods_addr, (uint64_t)mi->mods_count * sizeof(*mods));
        if (mi->mods_count && !mods) {
            return -EINVAL;
        }
        for (uint32_t i = 0; i < mi->mods_count; i++) {
            if (add_module(bi, map, mods[i].start, mods[i].end, mods[i].string)) {
                return -EINVAL;
            }
        }
    }
    if (mi->flags & MB1_FLAG_MMAP) {
        const uint8_t *p = map(mi->mmap_addr, mi->mmap_length);
        uint32_t off = 0;

        if (!p) {
            return -EINVAL;
        }
        /* Each entry's size field excludes itself. */
        while (off + sizeof(struct mb1_mmap) <= mi->mmap_length) {
            const struct mb1_mmap *e = (const void *)(p + off);

            if (e->size < sizeof(*e) - 4 || e->size > mi->mmap_length) {
                return -EINVAL;
            }
            add_region(bi, e->base, e->len, e->type);
            off += e->size + 4;
        }
    } else if (mi->flags & MB1_FLAG_MEM) {
        add_region(bi, 0, (uint64_t)mi->mem_lower << 10, MEM_RAM);
        add_region(bi, MiB(1), (uint64_t)mi->mem_upper << 10, MEM_RAM);
    }
    return 0;
}

static int parse_mb2_tag(const struct mb2_tag *t, paddr_t tag_pa, boot_map_fn map,
                         struct boot_info *bi, bool *have_mmap)
{
    const uint8_t *body = (const uint8_t *)(t + 1);
    uint32_t blen = t->size - (uint32_t)sizeof(*t);
    char buf[BOOT_CMDLINE_MAX];

    switch (t->type) {
    case MB2_TAG_CMDLINE:
        copy_cstr(buf, sizeof(buf), (const char *)body, blen);
        strlcpy_hv(bi->cmdline, boot_cmdline_skip_path(buf), sizeof(bi->cmdline));
        break;
    case MB2_TAG_LOADER:
        copy_cstr(bi->loader, sizeof(bi->loader), (const char *)body, blen);
        break;
    case MB2_TAG_MODULE: {
        const uint32_t *m = (const uint32_t *)body;
        if (blen < 8) {
            return -EINVAL;
        }
        /* The string lives inside the tag: make sure it ends there before reading it. */
        if (blen > 8 && !memchr_hv((const char *)body + 8, '\0', blen - 8)) {
            return -EINVAL;
        }
        if (add_module(bi, map, m[0], m[1], blen > 8 ? tag_pa + sizeof(*t) + 8 : 0)) {
            return -EINVAL;
        }
        break;
    }
    case MB2_TAG_MMAP: {
        uint32_t esz, off;
        if (blen < 8) {
            return -EINVAL;
        }
        esz = ((const uint32_t *)body)[0];
        if (esz < sizeof(struct mb2_mmap_entry) || esz % 8) {
            return -EINVAL;
        }
        for (off = 8; esz <= blen - off; off += esz) {   /* off + esz could wrap */
            const struct mb2_mmap_entry *e = (const void *)(body + off);
            add_region(bi, e->base, e->len, e->type);
        }
        *have_mmap = true;
        break;
    }
    case MB2_TAG_MEMINFO:
        if (blen < 8) {
            return -EINVAL;
        }
        if (!*have_mmap && bi->nr_regions == 0) {
            const uint32_t *m = (const uint32_t *)body;
            add_region(bi, 0, (uint64_t)m[0] << 10, MEM_RAM);
            add_region(bi, MiB(1), (uint64_t)m[1] << 10, MEM_RAM);
        }
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        /* Prefer the ACPI 2.0 copy, which has the XSDT address. */
        if (bi->rsdp_len == 0 || t->type == MB2_TAG_ACPI_NEW) {
            bi->rsdp_len = MIN(blen, (uint32_t)sizeof(bi->rsdp));
            memcpy(bi->rsdp, body, bi->rsdp_len);
        }
        break;
    default:
        break;
    }
    return 0;
}

static int parse_mb2(paddr_t info, boot_map_fn map, struct boot_info *bi)
{
    const uint32_t *hdr = map(info, 8);
    const uint8_t *p;
    uint32_t total, off = 8;
    bool have_mmap = false, ended = false;
    int rc;

    if (!hdr || hdr[0] < 16 || hdr[0] > MB2_MAX_INFO || (info & 7)) {
        return -EINVAL;
    }
    total = hdr[0];
    p = map(info, total);
    if (!p) {
        return -EINVAL;
    }
    bi->protocol = 2;
    while (off + sizeof(struct mb2_tag) <= total) {
        const struct mb2_tag *t = (const void *)(p + off);

        if (t->size < sizeof(*t) || t->size > total - off) {
            return -EINVAL;
        }
        if (t->type == MB2_TAG_END) {
            ended = true;
            break;
        }
        rc = parse_mb2_tag(t, info + off, map, bi, &have_mmap);
        if (rc) {
            return rc;
        }
        off += ALIGN_UP(t->size, 8u);
    }
    return ended ? 0 : -EINVAL;
}

int boot_info_parse(uint32_t magic, paddr_t info, boot_map_fn map, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    switch (magic) {
    case MB1_BOOT_MAGIC:
        return parse_mb1(info, map, bi);
    case MB2_BOOT_MAGIC:
        return parse_mb2(info, map, bi);
    default:
        return -EINVAL;
    }
}

/* Where two regions overlap, the less usable type wins: RAM is the weakest. */
static unsigned int type_rank(uint32_t type)
{
    return type == MEM_RAM ? 0 : type;
}

static uint32_t type_at(const struct boot_info *bi, paddr_t a)
{
    uint32_t best = 0;

    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (a >= r->start && a - r->start < r->size &&
            (best == 0 || type_rank(r->type) > type_rank(best))) {
            best = r->type;
        }
    }
    return best;
}

void boot_regions_normalise(struct boot_info *bi)
{
    paddr_t edges[2 * BOOT_MAX_MEM_REGIONS];
    struct mem_region out[BOOT_MAX_MEM_REGIONS];
    unsigned int ne = 0, no = 0;

    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        edges[ne++] = bi->regions[i].start;
        edges[ne++] = bi->regions[i].start + bi->regions[i].size;
    }
    /* Insertion sort: the tables are small. */
    for (unsigned int i = 1; i < ne; i++) {
        paddr_t v = edges[i];
        unsigned int j = i;
        while (j > 0 && edges[j - 1] > v) {
            edges[j] = edges[j - 1];
            j--;
        }
        edges[j] = v;
    }
    for (unsigned int i = 0; i + 1 < ne; i++) {
        uint32_t t;
        if (edges[i] == edges[i + 1]) {
            continue;
        }
        t = type_at(bi, edges[i]);
        if (!t) {
            continue;
        }
        if (no && out[no - 1].type == t && out[no - 1].start + out[no - 1].size == edges[i]) {
            out[no - 1].size += edges[i + 1] - edges[i];
        } else if (no < BOOT_MAX_MEM_REGIONS) {
            out[no++] = (struct mem_region){ edges[i], edges[i + 1] - edges[i], t };
        } else {
            bi->truncated++;
        }
    }
    memcpy(bi->regions, out, sizeof(out[0]) * no);
    bi->nr_regions = no;
}

uint64_t boot_ram_bytes(const struct boot_info *bi)
{
    uint64_t n = 0;

    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        if (bi->regions[i].type == MEM_RAM) {
            n += bi->regions[i].size;
        }
    }
    return n;
}
