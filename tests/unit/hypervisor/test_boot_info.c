/*
 * Boot loader information (common/boot_info.c): Multiboot 1 and 2 structures
 * built in test buffers and parsed through a map function, and malformed
 * inputs. test_boot_regions.c covers the helpers used on the result.
 *
 * "Physical memory" is two buffers: low memory for Multiboot 1 structures
 * and strings, and the Multiboot 2 information copied into a buffer of its
 * exact size. The map function, like the hypervisor's direct map, lets a
 * mapping run a little past the end of the information, so any read beyond
 * what the loader provided is caught by AddressSanitizer.
 */
#include "hv_test.h"

#include <hv/boot_info.h>
#include <hv/errno.h>

#define LOW_PA   0x10000u
#define LOW_SIZE 0x10000u
#define INFO_PA  0x200000u

static uint8_t *low; /* [LOW_PA, LOW_PA + LOW_SIZE) */
static size_t low_used;
static uint8_t *info; /* the MB2 information, exactly its size */
static size_t info_len;
static struct boot_info bi;

static const void *map(paddr_t pa, uint64_t len)
{
    if (pa + len < pa) {
        return NULL;
    }
    if (pa >= LOW_PA && pa + len <= LOW_PA + LOW_SIZE) {
        return low + (pa - LOW_PA);
    }
    /* RAM goes on after the information (it is not ours to read, though). */
    if (info && pa >= INFO_PA && pa + len <= INFO_PA + info_len + 0x2000) {
        return info + (pa - INFO_PA);
    }
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    low = calloc(1, LOW_SIZE);
    low_used = 0;
    info = NULL;
    info_len = 0;
    memset(&bi, 0x5a, sizeof(bi));
    return low ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(low);
    free(info);
    return 0;
}

/* Put data in low memory; returns its physical address. */
static uint32_t low_put(const void *data, size_t len)
{
    uint32_t pa = LOW_PA + (uint32_t)low_used;

    assert_true(low_used + len <= LOW_SIZE);
    memcpy(low + low_used, data, len);
    low_used = ALIGN_UP(low_used + len, 8);
    return pa;
}

static uint32_t low_str(const char *s)
{
    return low_put(s, strlen(s) + 1);
}

/* ---------------------------------------------------------------- Multiboot 1 */

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
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

#define F_MEM     (1u << 0)
#define F_CMDLINE (1u << 2)
#define F_MODS    (1u << 3)
#define F_MMAP    (1u << 6)
#define F_LOADER  (1u << 9)

static int parse_mb1(const struct mb1_info *mi)
{
    return boot_info_parse(MB1_BOOT_MAGIC, low_put(mi, sizeof(*mi)), map, &bi);
}

static void expect_region(unsigned int i, paddr_t start, uint64_t size, uint32_t type)
{
    assert_true(i < bi.nr_regions);
    assert_int_equal(bi.regions[i].start, start);
    assert_int_equal(bi.regions[i].size, size);
    assert_int_equal(bi.regions[i].type, type);
}

static void test_mb1_full(void **state)
{
    struct mb1_module mods[2] = {
        {0x400000, 0x500000, low_str("  /boot/dom0.elf  console=hvc0 root=/dev/xvda"), 0},
        {0x600000, 0x600000, low_str("initrd"), 0},
    };
    struct mb1_mmap mm[] = {
        {20, 0, 0x9fc00, MEM_RAM},          {20, 0x9fc00, 0x400, MEM_RESERVED},
        {20, 0x100000, 0x7ee0000, MEM_RAM}, {20, 0xfffc0000, 0x40000, 7},
        {20, 0x7fe0000, 0x20000, MEM_ACPI}, {20, 0x8000000, 0, MEM_RAM},
        {20, 0x9000000, 0x1000, 0},
    };
    struct mb1_info mi = {
        .flags = F_CMDLINE | F_MODS | F_MMAP | F_LOADER | F_MEM,
        .mem_lower = 1,
        .mem_upper = 1,
        .cmdline = low_str("/boot/xenolith.bin loglvl=debug console=com1"),
        .boot_loader_name = low_str("GRUB 2.06"),
        .mods_count = 2,
        .mods_addr = low_put(mods, sizeof(mods)),
        .mmap_length = sizeof(mm),
        .mmap_addr = low_put(mm, sizeof(mm)),
    };

    (void)state;
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.protocol, 1);
    assert_string_equal(bi.cmdline, "loglvl=debug console=com1");
    assert_string_equal(bi.loader, "GRUB 2.06");
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x400000);
    assert_int_equal(bi.modules[0].size, 0x100000);
    assert_string_equal(bi.modules[0].name, "/boot/dom0.elf");
    assert_string_equal(bi.modules[0].cmdline, "console=hvc0 root=/dev/xvda");
    assert_int_equal(bi.modules[1].size, 0);
    assert_string_equal(bi.modules[1].name, "initrd");
    assert_string_equal(bi.modules[1].cmdline, "");
    /* The memory map wins over mem_lower/upper; empty entries are dropped; odd types are reserved.
     */
    assert_int_equal(bi.nr_regions, 6);
    expect_region(0, 0, 0x9fc00, MEM_RAM);
    expect_region(1, 0x9fc00, 0x400, MEM_RESERVED);
    expect_region(2, 0x100000, 0x7ee0000, MEM_RAM);
    expect_region(3, 0xfffc0000, 0x40000, MEM_RESERVED);
    expect_region(4, 0x7fe0000, 0x20000, MEM_ACPI);
    expect_region(5, 0x9000000, 0x1000, MEM_RESERVED);
    assert_int_equal(bi.rsdp_len, 0);
    assert_int_equal(bi.truncated, 0);
    assert_int_equal(boot_ram_bytes(&bi), 0x9fc00 + 0x7ee0000);
}

static void test_mb1_mem_fields_and_nothing_else(void **state)
{
    struct mb1_info mi = {.flags = F_MEM, .mem_lower = 639, .mem_upper = 130048};

    (void)state;
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.nr_regions, 2);
    expect_region(0, 0, 639 * 1024, MEM_RAM);
    expect_region(1, 0x100000, 130048ull * 1024, MEM_RAM);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");
    assert_int_equal(bi.nr_modules, 0);
    /* No flags at all: an empty but valid description. */
    mi.flags = 0;
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.nr_regions, 0);
}

static void test_mb1_odd_entry_sizes_and_long_strings(void **state)
{
    /* Entries with a larger size field (extra bytes) are stepped over correctly. */
    uint8_t mm[2 * 28] = {0};
    struct mb1_mmap e = {24, 0x100000, 0x100000, MEM_RAM};
    char longstr[2000];
    struct mb1_info mi = {.flags = F_MMAP | F_CMDLINE | F_MODS};
    struct mb1_module mod = {0x400000, 0x401000, 0, 0};
    char name[100];

    (void)state;
    memcpy(mm, &e, sizeof(e));
    e.base = 0x300000;
    e.type = MEM_NVS;
    memcpy(mm + 28, &e, sizeof(e));
    mi.mmap_length = sizeof(mm);
    mi.mmap_addr = low_put(mm, sizeof(mm));
    memset(longstr, 'a', sizeof(longstr) - 1);
    longstr[sizeof(longstr) - 1] = '\0';
    mi.cmdline = low_str(longstr);
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    mod.string = low_str(name);
    mi.mods_count = 1;
    mi.mods_addr = low_put(&mod, sizeof(mod));
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.nr_regions, 2);
    expect_region(0, 0x100000, 0x100000, MEM_RAM);
    expect_region(1, 0x300000, 0x100000, MEM_NVS);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_int_equal(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
    assert_string_equal(bi.modules[0].cmdline, "");
}

static void test_mb1_too_many_modules_and_regions(void **state)
{
    struct mb1_module mods[20];
    struct mb1_mmap mm[BOOT_MAX_MEM_REGIONS + 3];
    struct mb1_info mi = {.flags = F_MODS | F_MMAP};

    (void)state;
    for (unsigned int i = 0; i < ARRAY_SIZE(mods); i++) {
        mods[i] = (struct mb1_module){0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 10, 0, 0};
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(mm); i++) {
        mm[i] = (struct mb1_mmap){20, (uint64_t)i << 20, 0x1000, MEM_RAM};
    }
    mi.mods_count = ARRAY_SIZE(mods);
    mi.mods_addr = low_put(mods, sizeof(mods));
    mi.mmap_length = sizeof(mm);
    mi.mmap_addr = low_put(mm, sizeof(mm));
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
    assert_int_equal(bi.nr_regions, BOOT_MAX_MEM_REGIONS);
    assert_int_equal(bi.truncated, 4 + 3);
    assert_int_equal(bi.modules[15].start, 0x1000000 + 15 * 0x1000);
    assert_string_equal(bi.modules[15].name, "");
}

static void test_mb1_malformed(void **state)
{
    struct mb1_mmap good = {20, 0, 0x1000, MEM_RAM}, bad = good;
    struct mb1_module backwards = {0x500000, 0x400000, 0, 0};
    struct mb1_module unmapped_str = {0x400000, 0x500000, 0x7000000, 0};
    struct mb1_info mi;

    (void)state;
    /* A zero (or too small) entry size would loop or misread: refused. */
    for (uint32_t sz = 0; sz < 20; sz += 19) {
        bad.size = sz;
        mi = (struct mb1_info){
            .flags = F_MMAP, .mmap_length = sizeof(bad), .mmap_addr = low_put(&bad, sizeof(bad))};
        assert_int_equal(parse_mb1(&mi), -EINVAL);
    }
    bad.size = 1000;
    mi = (struct mb1_info){
        .flags = F_MMAP, .mmap_length = sizeof(bad), .mmap_addr = low_put(&bad, sizeof(bad))};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    /* A map that does not end on an entry boundary: the whole entries are used. */
    {
        uint8_t padded[sizeof(good) + 10] = {0};

        memcpy(padded, &good, sizeof(good));
        mi = (struct mb1_info){.flags = F_MMAP,
                               .mmap_length = sizeof(padded),
                               .mmap_addr = low_put(padded, sizeof(padded))};
    }
    assert_int_equal(parse_mb1(&mi), 0);
    assert_int_equal(bi.nr_regions, 1);

    mi = (struct mb1_info){
        .flags = F_MODS, .mods_count = 1, .mods_addr = low_put(&backwards, sizeof(backwards))};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_MODS,
                           .mods_count = 1,
                           .mods_addr = low_put(&unmapped_str, sizeof(unmapped_str))};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_MODS, .mods_count = 5000, .mods_addr = LOW_PA};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_MODS, .mods_count = 2, .mods_addr = 0x7000000};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_CMDLINE, .cmdline = 0x7000000};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_LOADER, .boot_loader_name = 0};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    mi = (struct mb1_info){.flags = F_MMAP, .mmap_length = 24, .mmap_addr = 0x7000000};
    assert_int_equal(parse_mb1(&mi), -EINVAL);
    assert_int_equal(boot_info_parse(MB1_BOOT_MAGIC, 0x7000000, map, &bi), -EINVAL);
    /* Bad magic, whatever follows. */
    mi = (struct mb1_info){.flags = F_MEM, .mem_lower = 640};
    assert_int_equal(boot_info_parse(0x2badb003, low_put(&mi, sizeof(mi)), map, &bi), -EINVAL);
    assert_int_equal(boot_info_parse(0, LOW_PA, map, &bi), -EINVAL);
}

/* ---------------------------------------------------------------- Multiboot 2 */

static uint8_t mb2[16384];
static size_t mb2_len;

static void mb2_begin(void)
{
    memset(mb2, 0, sizeof(mb2));
    mb2_len = 8;
}

/* Append a tag (8-byte aligned); size is the header plus len. */
static void mb2_tag(uint32_t type, const void *body, uint32_t len)
{
    uint32_t hdr[2] = {type, 8 + len};

    assert_true(mb2_len + 8 + len <= sizeof(mb2));
    memcpy(mb2 + mb2_len, hdr, 8);
    if (len) {
        memcpy(mb2 + mb2_len + 8, body, len);
    }
    mb2_len = ALIGN_UP(mb2_len + 8 + len, 8);
}

static void mb2_str_tag(uint32_t type, const char *s)
{
    mb2_tag(type, s, (uint32_t)strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t body[256];
    uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0;

    memcpy(body, &start, 4);
    memcpy(body + 4, &end, 4);
    if (s) {
        memcpy(body + 8, s, n);
    }
    mb2_tag(3, body, 8 + n);
}

/* Install the first `len` bytes (total_size = `total`) as the information. */
static int mb2_parse_raw(size_t len, uint32_t total, paddr_t at)
{
    memcpy(mb2, &total, 4);
    free(info);
    info_len = len;
    info = malloc(len);
    memcpy(info, mb2, len);
    return boot_info_parse(MB2_BOOT_MAGIC, at, map, &bi);
}

/* Finish with an end tag and parse. */
static int mb2_parse(void)
{
    mb2_tag(0, NULL, 0);
    return mb2_parse_raw(mb2_len, (uint32_t)mb2_len, INFO_PA);
}

static void test_mb2_full(void **state)
{
    struct {
        uint32_t esz, ver;
        uint64_t e[4][3];
    } mm = {
        24,
        0,
        {{0, 0x9fc00, MEM_RAM},
         {0xf0000, 0x10000, MEM_RESERVED},
         {0x100000, 0x3ff00000, MEM_RAM},
         {0x40000000, 0x1000, 12}},
    };
    uint32_t meminfo[2] = {1, 1};
    uint8_t rsdp1[20], rsdp2[36];

    (void)state;
    memset(rsdp1, 1, sizeof(rsdp1));
    memset(rsdp2, 2, sizeof(rsdp2));
    mb2_begin();
    mb2_str_tag(1, "/boot/xenolith.bin  dom0_mem=512M");
    mb2_str_tag(2, "GRUB 2.06-13+deb12u1");
    mb2_module(0x400000, 0x480000, "dom0 console=hvc0");
    mb2_module(0x500000, 0x500000, NULL); /* no string at all */
    mb2_tag(6, &mm, sizeof(mm));
    mb2_tag(4, meminfo, sizeof(meminfo)); /* ignored: there is a map */
    mb2_tag(21, "unknown tag body", 16);  /* skipped */
    mb2_tag(14, rsdp1, sizeof(rsdp1));
    mb2_tag(15, rsdp2, sizeof(rsdp2));
    assert_int_equal(mb2_parse(), 0);
    assert_int_equal(bi.protocol, 2);
    assert_string_equal(bi.cmdline, "dom0_mem=512M");
    assert_string_equal(bi.loader, "GRUB 2.06-13+deb12u1");
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x400000);
    assert_int_equal(bi.modules[0].size, 0x80000);
    /* Multiboot 2 module strings carry no path: all of it is the command line. */
    assert_string_equal(bi.modules[0].name, "");
    assert_string_equal(bi.modules[0].cmdline, "dom0 console=hvc0");
    assert_string_equal(bi.modules[1].name, "");
    assert_int_equal(bi.nr_regions, 4);
    expect_region(0, 0, 0x9fc00, MEM_RAM);
    expect_region(1, 0xf0000, 0x10000, MEM_RESERVED);
    expect_region(2, 0x100000, 0x3ff00000, MEM_RAM);
    expect_region(3, 0x40000000, 0x1000, MEM_RESERVED);
    /* The ACPI 2.0 copy is preferred over the 1.0 one. */
    assert_int_equal(bi.rsdp_len, 36);
    assert_memory_equal(bi.rsdp, rsdp2, 36);
}

static void test_mb2_meminfo_and_acpi_variants(void **state)
{
    uint32_t meminfo[2] = {639, 64512};
    uint8_t rsdp1[20], rsdp2[40];

    (void)state;
    memset(rsdp1, 1, sizeof(rsdp1));
    memset(rsdp2, 2, sizeof(rsdp2));
    mb2_begin();
    mb2_tag(4, meminfo, sizeof(meminfo));
    mb2_tag(15, rsdp2, sizeof(rsdp2)); /* longer than an RSDP: 36 bytes kept */
    mb2_tag(14, rsdp1, sizeof(rsdp1)); /* after the 2.0 copy: ignored */
    assert_int_equal(mb2_parse(), 0);
    assert_int_equal(bi.nr_regions, 2);
    expect_region(0, 0, 639 * 1024, MEM_RAM);
    expect_region(1, 0x100000, 64512ull * 1024, MEM_RAM);
    assert_int_equal(bi.rsdp_len, 36);
    assert_memory_equal(bi.rsdp, rsdp2, 36);
    mb2_begin();
    mb2_tag(14, rsdp1, sizeof(rsdp1));
    assert_int_equal(mb2_parse(), 0);
    assert_int_equal(bi.rsdp_len, 20);
    assert_memory_equal(bi.rsdp, rsdp1, 20);
    assert_int_equal(bi.nr_regions, 0);
    assert_string_equal(bi.cmdline, "");
    /* An empty map tag (no entries) is fine. */
    mb2_begin();
    mb2_tag(6, (uint32_t[]){24, 0}, 8);
    assert_int_equal(mb2_parse(), 0);
    assert_int_equal(bi.nr_regions, 0);
}

static void test_mb2_wrapping_region_clamped(void **state)
{
    struct {
        uint32_t esz, ver;
        uint64_t e[1][3];
    } mm = {
        24,
        0,
        {{0xfffffffffffff000ull, 0x10000, MEM_RAM}},
    };

    (void)state;
    mb2_begin();
    mb2_tag(6, &mm, sizeof(mm));
    assert_int_equal(mb2_parse(), 0);
    expect_region(0, 0xfffffffffffff000ull, 0xfff, MEM_RAM);
}

static void test_mb2_unterminated_cmdline_bounded(void **state)
{
    (void)state;
    mb2_begin();
    mb2_tag(1, "abc def", 7); /* no NUL inside the tag */
    mb2_tag(2, "LOADERX", 7);
    assert_int_equal(mb2_parse(), 0);
    assert_string_equal(bi.cmdline, "abc def");
    assert_string_equal(bi.loader, "LOADERX");
}

static void test_mb2_malformed_headers(void **state)
{
    (void)state;
    mb2_begin();
    mb2_tag(0, NULL, 0);
    assert_int_equal(mb2_parse_raw(mb2_len, (uint32_t)mb2_len, INFO_PA), 0);
    assert_int_equal(boot_info_parse(MB2_BOOT_MAGIC ^ 1, INFO_PA, map, &bi), -EINVAL);
    /* total_size too small, too big, beyond mapped memory; misaligned info. */
    assert_int_equal(mb2_parse_raw(mb2_len, 8, INFO_PA), -EINVAL);
    assert_int_equal(mb2_parse_raw(mb2_len, 15, INFO_PA), -EINVAL);
    assert_int_equal(mb2_parse_raw(mb2_len, (1u << 20) + 8, INFO_PA), -EINVAL);
    assert_int_equal(mb2_parse_raw(mb2_len, 0xffffffffu, INFO_PA), -EINVAL);
    assert_int_equal(mb2_parse_raw(mb2_len, 0x10000, INFO_PA), -EINVAL);
    assert_int_equal(mb2_parse_raw(mb2_len, (uint32_t)mb2_len, INFO_PA + 4), -EINVAL);
    assert_int_equal(boot_info_parse(MB2_BOOT_MAGIC, 0x7000000, map, &bi), -EINVAL);
}

static void test_mb2_malformed_tags(void **state)
{
    (void)state;
    /* A tag smaller than its header (including 0, which would never advance). */
    for (uint32_t sz = 0; sz < 8; sz += 4) {
        mb2_begin();
        mb2_str_tag(1, "x");
        memcpy(mb2 + 12, &sz, 4);
        assert_int_equal(mb2_parse(), -EINVAL);
    }
    /* A tag running past total_size. */
    mb2_begin();
    mb2_str_tag(1, "hello");
    mb2_tag(0, NULL, 0);
    assert_int_equal(mb2_parse_raw(mb2_len, (uint32_t)mb2_len - 8, INFO_PA), -EINVAL);
    mb2_begin();
    mb2_str_tag(1, "hello");
    memcpy(mb2 + 12, &(uint32_t){0x100}, 4);
    assert_int_equal(mb2_parse(), -EINVAL);
    /* No end tag. */
    mb2_begin();
    mb2_str_tag(1, "hello");
    assert_int_equal(mb2_parse_raw(mb2_len, (uint32_t)mb2_len, INFO_PA), -EINVAL);
    /* Module: too short, ending before it starts, string not ending in the tag. */
    mb2_begin();
    mb2_tag(3, (uint32_t[]){0x1000}, 4);
    assert_int_equal(mb2_parse(), -EINVAL);
    mb2_begin();
    mb2_module(0x500000, 0x4fffff, "m");
    assert_int_equal(mb2_parse(), -EINVAL);
    mb2_begin();
    mb2_tag(3, (uint32_t[]){0x400000, 0x500000, 0x41414141}, 12);
    assert_int_equal(mb2_parse(), -EINVAL);
    /* Memory map: too short, entry size too small or not a multiple of 8. */
    mb2_begin();
    mb2_tag(6, (uint32_t[]){24}, 4);
    assert_int_equal(mb2_parse(), -EINVAL);
    mb2_begin();
    mb2_tag(6, (uint32_t[]){16, 0, 0, 0, 0x1000, 0, 1, 0}, 32);
    assert_int_equal(mb2_parse(), -EINVAL);
    mb2_begin();
    mb2_tag(6, (uint32_t[]){28, 0, 0, 0, 0x1000, 0, 1, 0, 0}, 36);
    assert_int_equal(mb2_parse(), -EINVAL);
    mb2_begin();
    mb2_tag(6, (uint32_t[]){0, 0}, 8);
    assert_int_equal(mb2_parse(), -EINVAL);
    /* Basic meminfo too short. */
    mb2_begin();
    mb2_tag(4, (uint32_t[]){640}, 4);
    assert_int_equal(mb2_parse(), -EINVAL);
}

/* The module's string has no NUL and the information ends right after it. */
static void test_mb2_unterminated_module_string_at_end(void **state)
{
    (void)state;
    mb2_begin();
    mb2_tag(3,
            "\x00\x00\x40\x00\x00\x00\x50\x00"
            "abcdefg",
            15);
    /* No end tag; the information ends at the last byte of the string. */
    assert_int_equal(mb2_parse_raw(8 + 8 + 15, 8 + 8 + 15, INFO_PA), -EINVAL);
}

/* An entry size bigger than the tag must not wrap the bounds check. */
static void test_mb2_huge_mmap_entry_size(void **state)
{
    (void)state;
    mb2_begin();
    mb2_tag(6, (uint32_t[]){0xfffffff8u, 0}, 8);
    {
        int rc = mb2_parse();

        assert_true(rc == 0 || rc == -EINVAL);
        assert_int_equal(bi.nr_regions, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mb1_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb1_mem_fields_and_nothing_else, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb1_odd_entry_sizes_and_long_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb1_too_many_modules_and_regions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb1_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_meminfo_and_acpi_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_wrapping_region_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_unterminated_cmdline_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_malformed_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_malformed_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mb2_unterminated_module_string_at_end, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mb2_huge_mmap_entry_size, setup, teardown),
    };

    return cmocka_run_group_tests_name("hypervisor_boot_info", tests, NULL, NULL);
}
