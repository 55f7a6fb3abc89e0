/*
 * Domains from boot modules. A module whose command line has
 * "xenolith.domain=NAME" is a domain of its own (unprivileged, with a PV
 * console the hypervisor serves); "xenolith.mem=SIZE" sets its memory
 * (default 16 MiB) and "xenolith.peer=NAME" appends "peer=<domid>" to its
 * command line so test guests can find each other without a toolstack. The
 * xenolith.* words are removed from what the guest sees. The first other
 * module is dom0's kernel (domain 0, privileged), the next one its initrd.
 */
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/params.h>
#include <hv/sched.h>
#include <asm/dom0_build.h>
#include <asm/page.h>

#define DOM0_DEFAULT_MAX MiB(256)
#define DOM0_MIN MiB(4)
#define DOMU_DEFAULT_MEM MiB(16)
#define MAX_BOOT_DOMAINS 16

struct boot_domain {
    const struct boot_module *mod;
    char name[DOMAIN_NAME_MAX];
    char peer[DOMAIN_NAME_MAX];
    char cmdline[1024];
    uint64_t mem;
    domid_t id;
};

static uint64_t dom0_pages(void)
{
    struct frame_stats st;
    uint64_t want = hv_params.dom0_mem, avail;

    frame_get_stats(&st);
    /* Keep some memory for the hypervisor itself: 1/16 of what is free, at least 4 MiB. */
    avail = st.free_pages * PAGE_SIZE;
    avail -= MIN(avail, MAX(avail / 16, MiB(4)));
    if (!want) {
        want = MIN(avail / 2, DOM0_DEFAULT_MAX);
    }
    if (want < DOM0_MIN) {
        log_warn("dom0: dom0_mem=%lluK is below the minimum; using %llu MiB\n",
                 (unsigned long long)(want >> 10), (unsigned long long)(DOM0_MIN >> 20));
        want = DOM0_MIN;
    }
    if (want > avail) {
        log_warn("dom0: dom0_mem=%lluM is more than the %llu MiB available; using that\n",
                 (unsigned long long)(want >> 20), (unsigned long long)(avail >> 20));
        want = avail;
    }
    return want / PAGE_SIZE;
}

/* Split a module's command line into xenolith.* options and the guest's words. */
static bool parse_module(const struct boot_module *m, struct boot_domain *bd)
{
    const char *w = m->cmdline;
    size_t out = 0;
    bool is_domain = false;

    memset(bd, 0, sizeof(*bd));
    bd->mod = m;
    bd->mem = DOMU_DEFAULT_MEM;
    while (*w) {
        const char *end = w;
        size_t len;

        while (*end && *end != ' ') {
            end++;
        }
        len = (size_t)(end - w);
        if (len > 16 && !strncmp(w, "xenolith.domain=", 16)) {
            is_domain = true;
            fmt_snprintf(bd->name, sizeof(bd->name), "%.*s", (int)(len - 16), w + 16);
        } else if (len > 14 && !strncmp(w, "xenolith.peer=", 14)) {
            fmt_snprintf(bd->peer, sizeof(bd->peer), "%.*s", (int)(len - 14), w + 14);
        } else if (len > 13 && !strncmp(w, "xenolith.mem=", 13)) {
            if (parse_size(w + 13, len - 13, &bd->mem)) {
                log_warn("boot: bad xenolith.mem in '%.*s'; using 16 MiB\\n", (int)len, w);
                bd->mem = DOMU_DEFAULT_MEM;
            }
        } else if (len && out + len + 2 < sizeof(bd->cmdline)) {
            out += (size_t)fmt_snprintf(bd->cmdline + out, sizeof(bd->cmdline) - out, "%s%.*s",
                                        out ? " " : "", (int)len, w);
        }
        w = *end ? end + 1 : end;
    }
    return is_domain;
}

static bool start(const struct pv_build *p)
{
    struct vcpu *v = pv_build_domain(p);

    if (!v) {
        return false;
    }
    vcpu_set_runnable(v);
    return true;
}

unsigned int boot_domains_build(const struct boot_info *bi)
{
    static struct boot_domain doms[MAX_BOOT_DOMAINS];
    const struct boot_module *kernel = NULL, *initrd = NULL;
    unsigned int nr = 0, started = 0;
    static struct boot_domain scratch;

    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        if (parse_module(&bi->modules[i], &scratch)) {
            if (nr == MAX_BOOT_DOMAINS) {
                log_warn("boot: more than %u domains; %s not started\\n", MAX_BOOT_DOMAINS,
                         scratch.name);
                continue;
            }
            doms[nr] = scratch;
            doms[nr].id = (domid_t)(nr + 1);
            nr++;
        } else if (!kernel) {
            kernel = &bi->modules[i];
        } else if (!initrd) {
            initrd = &bi->modules[i];
        }
    }
    if (kernel) {
        struct pv_build p = {
            .image = maddr_to_virt(kernel->start), .image_size = kernel->size,
            .initrd = initrd ? maddr_to_virt(initrd->start) : NULL,
            .initrd_len = initrd ? initrd->size : 0,
            .cmdline = kernel->cmdline, .name = "Domain-0",
            .what = kernel->name[0] ? kernel->name : "module 0", .id = 0,
            .flags = DOMCREATE_PRIVILEGED | DOMCREATE_INITDOMAIN, .nr_pages = dom0_pages(),
            .max_pages = UINT32_MAX,    /* dom0 may grow, as on Xen (no limit set) */
        };
        if (!start(&p)) {
            return 0;
        }
        started++;
    }
    for (unsigned int i = 0; i < nr; i++) {
        struct boot_domain *bd = &doms[i];
        char cmdline[1024];

        strlcpy_hv(cmdline, bd->cmdline, sizeof(cmdline));
        for (unsigned int j = 0; bd->peer[0] && j < nr; j++) {
            if (!strcmp(doms[j].name, bd->peer)) {
                size_t n = strlen(cmdline);
                fmt_snprintf(cmdline + n, sizeof(cmdline) - n, "%speer=%u", n ? " " : "",
                             doms[j].id);
            }
        }
        struct pv_build p = {
            .image = maddr_to_virt(bd->mod->start), .image_size = bd->mod->size,
            .cmdline = cmdline, .name = bd->name,
            .what = bd->mod->name[0] ? bd->mod->name : bd->name, .id = bd->id,
            .nr_pages = bd->mem / PAGE_SIZE, .console_ring = true,
            .flags = DOMCREATE_AUTODESTROY,
        };
        if (!start(&p)) {
            log_err("boot: domain %s could not be built\\n", bd->name);
            continue;
        }
        started++;
    }
    return started;
}
