#ifndef ASM_DOM0_BUILD_H
#define ASM_DOM0_BUILD_H

#include <hv/boot_info.h>

struct vcpu;

/* What to build: a PV kernel image and its surroundings. */
struct pv_build {
    const void *image;
    uint64_t image_size;
    const void *initrd;
    uint64_t initrd_len;
    const char *cmdline;
    const char *name;       /* the domain's name */
    const char *what;       /* the image, for messages (module name) */
    domid_t id;
    uint32_t flags;         /* DOMCREATE_* */
    uint64_t nr_pages;
    uint64_t max_pages;     /* its limit; 0 = nr_pages */
    bool console_ring;      /* a PV console served by the hypervisor (domU) */
};

/* Build the domain; its vCPU 0 is ready to run (not yet runnable). NULL on failure. */
struct vcpu *pv_build_domain(const struct pv_build *p);

/*
 * Build every domain the boot modules describe: dom0 from the first module
 * without "xenolith.domain=", its initrd from the next such module, and one
 * domain per module with "xenolith.domain=NAME" (see docs/architecture.md).
 * Returns how many domains were started, 0 on failure.
 */
unsigned int boot_domains_build(const struct boot_info *bi);

#endif /* ASM_DOM0_BUILD_H */
