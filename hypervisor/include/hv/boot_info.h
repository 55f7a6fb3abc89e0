/*
 * What the boot loader told us, in one loader-neutral form. Multiboot 1
 * (QEMU -kernel) and Multiboot 2 (GRUB) are both parsed into this.
 */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <hv/types.h>

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

#define BOOT_MAX_MEM_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_NAME_MAX 64

enum mem_type {
    MEM_RAM = 1,
    MEM_RESERVED = 2,
    MEM_ACPI = 3,
    MEM_NVS = 4,
    MEM_BAD = 5,
};

struct mem_region {
    paddr_t start;
    uint64_t size;
    uint32_t type;      /* enum mem_type */
};

struct boot_module {
    paddr_t start;
    uint64_t size;
    char name[BOOT_NAME_MAX];        /* first word of the module string */
    char cmdline[BOOT_CMDLINE_MAX];  /* the rest */
};

struct boot_info {
    uint32_t protocol;                  /* 1 or 2 */
    char loader[BOOT_NAME_MAX];
    char cmdline[BOOT_CMDLINE_MAX];     /* without the image's own path */
    unsigned int nr_regions;
    struct mem_region regions[BOOT_MAX_MEM_REGIONS];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint8_t rsdp[36];                   /* ACPI RSDP as given by the loader */
    uint32_t rsdp_len;                  /* 0: none given, search the BIOS areas */
    unsigned int truncated;             /* entries dropped because a table was full */
};

/* Map a physical range for reading during parsing; NULL if not accessible. */
typedef const void *(*boot_map_fn)(paddr_t pa, uint64_t len);

/*
 * Parse the loader's information. Returns 0, or -EINVAL for a bad magic or a
 * malformed structure (lengths that overflow, tags running past the end).
 */
int boot_info_parse(uint32_t magic, paddr_t info, boot_map_fn map, struct boot_info *bi);

/* Strip a leading image path ("/boot/xenolith.bin opts" -> "opts"). */
const char *boot_cmdline_skip_path(const char *cmdline);

/* Sort regions, merge overlaps, let worse types win where types overlap. */
void boot_regions_normalise(struct boot_info *bi);

/* Bytes of RAM in the map. */
uint64_t boot_ram_bytes(const struct boot_info *bi);

#endif /* HV_BOOT_INFO_H */
