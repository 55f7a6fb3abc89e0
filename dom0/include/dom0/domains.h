/* SPDX-License-Identifier: MIT */
/*
 * The domains dom0 created: their configs, console backends and xenstore
 * entries, and what happens when they end (on_poweroff, on_reboot,
 * on_crash, as xl does it).
 */
#ifndef DOM0_DOMAINS_H
#define DOM0_DOMAINS_H

#include <stdbool.h>
#include <stdint.h>
#include <dom0/consback.h>
#include <dom0/ramdisk.h>
#include <dom0/term.h>
#include <dom0/xlcfg.h>

struct dom_rec {
    struct dom_rec *next;
    domid_t domid;
    char name[XLCFG_NAME_MAX];
    char cfg_path[XLCFG_PATH_MAX];
    struct xl_config *cfg;
    struct cons cons;
    uint64_t console_mfn;
    uint32_t console_port; /* the domain's end of its console channel */
    uint64_t store_mfn;
    uint32_t store_port; /* the domain's end, for xenstore's INTRODUCE */
    bool introduced;     /* known to xenstore */
    bool ended;          /* its shutdown was dealt with (preserved) */
    uint64_t created_ns; /* when dom0 had unpaused it (pvclock) */
    /* Start-up timing, system time in ns: when the create verb began (the
     * now_ns of a GET_INFO; 0 for a restart) and how long the builder took.
     * The first console line is cons.first_line_ns. */
    uint64_t verb_ns, build_ns;
    unsigned int restarts; /* restarts within the current burst */
    uint64_t burst_start_ns;
};

/* The ramdisk dom0 booted with (may be empty: then create has nothing to read). */
extern struct ramdisk dom0_ramdisk;

/* Bind VIRQ_DOM_EXC. */
int domains_init(void);

/* `create`: build a domain from the config at path (in the ramdisk) and
 * start it; with attach, attach t to its console. 0 or 1 (xl's status).
 * With timing, t's reply is held until dom0 has the domain's first console
 * line (or the domain ends, or 30 s pass), then ends with the line
 *   timing: domain N build_us=B created_us=C unpaused_us=U first_insn_us=F
 *           first_line_us=L pvclock_skew_ns=S
 * (one line; hypervisor system time; C, U, F and L from the start of the
 * verb, "-" for what did not happen), before attaching if asked. */
int dom_create(struct term *t, const char *path, bool attach, bool timing);
/* Destroy a domain (dom0's resources for it first). 0 or -errno. */
int dom_destroy(domid_t id);
/* The record of a domain dom0 created, or NULL. */
struct dom_rec *dom_find(domid_t id);
struct dom_rec *dom_first(void);

/* A name or a number, as xl takes a domain argument. 0 or -XEN_ESRCH. */
int dom_resolve(const char *arg, domid_t *out);

/* Attach t to the console of id: shows its buffered output. 0 or -errno. */
int dom_console_attach(struct term *t, domid_t id);
void dom_console_input(unsigned int domid, const char *s, size_t n);

/* Destroy every domain dom0 created (for poweroff). */
void dom_destroy_all(void);

#endif /* DOM0_DOMAINS_H */
