/*
 * The little ACPI the hypervisor reads: the RSDP, the RSDT/XSDT and the MADT
 * (CPUs and their local APIC ids), with every length and checksum checked.
 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <hv/types.h>

#define ACPI_MAX_CPUS 64

struct acpi_cpus {
    unsigned int nr;
    uint32_t apic_id[ACPI_MAX_CPUS];
    paddr_t lapic_base;
    paddr_t ioapic_base;    /* first I/O APIC, 0 if none */
    unsigned int dropped;   /* CPUs beyond ACPI_MAX_CPUS */
};

typedef const void *(*acpi_map_fn)(paddr_t pa, uint64_t len);

/* Find the RSDP in the BIOS areas (EBDA, 0xe0000-0xfffff); 0 if absent. */
paddr_t acpi_find_rsdp(acpi_map_fn map);
/*
 * Read enabled CPUs from the MADT, starting from a copy of the RSDP.
 * Returns 0, -ENOENT when there is no MADT, -EINVAL for malformed tables.
 */
int acpi_read_cpus(const void *rsdp, size_t rsdp_len, acpi_map_fn map,
                   struct acpi_cpus *out);

#endif /* HV_ACPI_H */
