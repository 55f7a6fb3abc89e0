#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <hv/acpi.h>
#include <hv/bootmem.h>

/* Reserve the real-mode page and the AP page tables while boot memory exists. */
void smp_prepare(struct bootmem *bm);
/* Start every CPU the MADT lists (up to maxcpus) and park it idle. */
void smp_boot_cpus(const struct acpi_cpus *cpus);

#endif /* ASM_SMP_H */
