/* SPDX-License-Identifier: MIT */
/*
 * The domain verbs, as xl has them: list, info, dmesg, create, destroy,
 * shutdown, reboot, pause, unpause, console; and poweroff for the host.
 */
#include <rt/runtime.h>
#include <dom0/cli.h>
#include <dom0/dctl.h>
#include <dom0/domains.h>
#include <dom0/heap.h>
#include <dom0/libc.h>
#include <dom0/log.h>
#include <dom0/mm.h>

static int fail(struct term *t, const char *verb, const char *what, int rc)
{
    term_printf(t, "%s: %s: %s\n", verb, what, cli_strerror(rc));
    return 1;
}

/* The domain argument of a verb, or a message and false. */
static bool domain_arg(struct term *t, const char *verb, const char *arg, domid_t *out)
{
    int rc = dom_resolve(arg, out);
    if (rc == -XEN_ESRCH) {
        term_printf(t, "%s: domain '%s' does not exist\n", verb, arg);
        return false;
    }
    if (rc) {
        fail(t, verb, arg, rc);
        return false;
    }
    return true;
}

/* ---- list ---- */

static void state_string(const struct xl_domctl_info *i, char s[7])
{
    bool shut = i->flags & XL_INFO_SHUTDOWN;
    bool crashed = shut && i->shutdown_reason == SHUTDOWN_crash;

    s[0] = (i->flags & XL_INFO_RUNNING) ? 'r' : '-';
    s[1] = (i->flags & XL_INFO_BLOCKED) ? 'b' : '-';
    s[2] = (i->flags & XL_INFO_PAUSED) ? 'p' : '-';
    s[3] = shut && !crashed ? 's' : '-';
    s[4] = crashed ? 'c' : '-';
    s[5] = (i->flags & XL_INFO_DYING) ? 'd' : '-';
    s[6] = '\0';
}

static void json_string(struct term *t, const char *s)
{
    term_write(t, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            term_printf(t, "\\%c", *s);
        } else if ((unsigned char)*s < 0x20) {
            term_printf(t, "\\u%04x", (unsigned char)*s);
        } else {
            term_write(t, s, 1);
        }
    }
    term_write(t, "\"", 1);
}

static void list_long(struct term *t, const struct xl_domctl_info *i, bool first)
{
    char st[7];
    const struct dom_rec *r = dom_find(i->domid);

    state_string(i, st);
    term_printf(t, "%s    {\n        \"domid\": %u,\n        \"name\": ", first ? "" : ",\n",
                i->domid);
    json_string(t, i->name);
    term_printf(t, ",\n        \"state\": \"%s\",\n", st);
    if (i->flags & XL_INFO_SHUTDOWN) {
        term_printf(t, "        \"shutdown_reason\": %u,\n", i->shutdown_reason);
    }
    term_printf(t, "        \"memory_kb\": %lu,\n        \"max_memory_kb\": %lu,\n",
                i->tot_pages * 4, i->max_pages * 4);
    term_printf(t, "        \"vcpus\": %u,\n        \"cpu_time_ns\": %lu,\n", i->nr_vcpus,
                i->cpu_time_ns);
    term_printf(t, "        \"shared_info_frame\": %lu,\n        \"privileged\": %s",
                i->shared_info_frame, (i->flags & XL_INFO_PRIVILEGED) ? "true" : "false");
    if (r && r->cfg) {
        const struct xl_config *c = r->cfg;
        term_printf(t, ",\n        \"config\": {\n            \"file\": ");
        json_string(t, r->cfg_path);
        term_printf(t, ",\n            \"kernel\": ");
        json_string(t, c->kernel);
        term_printf(t, ",\n            \"ramdisk\": ");
        json_string(t, c->ramdisk);
        term_printf(t, ",\n            \"memory\": %lu,\n            \"maxmem\": %lu,\n",
                    c->memory_mib, c->maxmem_mib);
        term_printf(t, "            \"vcpus\": %u,\n            \"cmdline\": ", c->vcpus);
        json_string(t, c->cmdline);
        term_printf(t,
                    ",\n            \"on_poweroff\": \"%s\",\n            \"on_reboot\": \"%s\",\n"
                    "            \"on_crash\": \"%s\"\n        }",
                    xlcfg_action_name(c->on_poweroff), xlcfg_action_name(c->on_reboot),
                    xlcfg_action_name(c->on_crash));
        term_printf(
            t,
            ",\n        \"console\": {\n            \"port\": %u,\n"
            "            \"ring_frame\": %lu,\n            \"output_bytes\": %lu\n        }",
            r->cons.port, r->console_mfn, r->cons.total);
    }
    term_printf(t, "\n    }");
}

static void list_short(struct term *t, const struct xl_domctl_info *i)
{
    char st[7];
    uint64_t tenths = i->cpu_time_ns / 100000000ull;

    state_string(i, st);
    term_printf(t, "%-40.32s %5u %5lu %5u     %s %7lu.%lu\n", i->name, i->domid, i->tot_pages >> 8,
                i->nr_vcpus, st, tenths / 10, tenths % 10);
}

static int verb_list(struct term *t, int argc, char **argv)
{
    bool lng = false;
    int first_dom = argc;
    struct xl_domctl_info info;
    int rc = 0, shown = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--long")) {
            lng = true;
        } else if (argv[i][0] == '-') {
            return cli_usage(t, "list");
        } else if (first_dom == argc) {
            first_dom = i;
        }
    }
    if (lng) {
        term_printf(t, "[\n");
    } else {
        term_printf(t, "%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State",
                    "Time(s)");
    }
    if (first_dom < argc) {
        for (int i = first_dom; i < argc; i++) {
            domid_t d;
            if (argv[i][0] == '-') {
                continue;
            }
            if (!domain_arg(t, "list", argv[i], &d) || dctl_info(d, false, &info)) {
                rc = 1;
                continue;
            }
            if (lng) {
                list_long(t, &info, shown == 0);
            } else {
                list_short(t, &info);
            }
            shown++;
        }
    } else {
        for (uint32_t d = 0; d < DOMID_FIRST_RESERVED; d = info.domid + 1u) {
            int e = dctl_info((domid_t)d, true, &info);
            if (e == -XEN_ESRCH) {
                break;
            }
            if (e) {
                rc = fail(t, "list", "domain information", e);
                break;
            }
            if (lng) {
                list_long(t, &info, shown == 0);
            } else {
                list_short(t, &info);
            }
            shown++;
        }
    }
    if (lng) {
        term_printf(t, "\n]\n");
    }
    return rc;
}

/* ---- info, dmesg ---- */

static int verb_info(struct term *t, int argc, char **argv)
{
    struct xl_domctl_phys_info pi;
    char extra[16] = "", caps[1024] = "";
    long ver = hypercall_xen_version(XENVER_version, NULL);
    struct heap_stats hs;
    struct mm_stats ms;

    (void)argv;
    if (argc != 1) {
        return cli_usage(t, "info");
    }
    hypercall_xen_version(XENVER_extraversion, extra);
    hypercall_xen_version(XENVER_capabilities, caps);
    extra[sizeof(extra) - 1] = caps[sizeof(caps) - 1] = '\0';
    term_printf(t, "%-23s: %s\n", "host", "xenolith");
    term_printf(t, "%-23s: %ld\n%-23s: %ld\n%-23s: %s\n", "xen_major", ver >> 16, "xen_minor",
                ver & 0xffff, "xen_extra", extra);
    term_printf(t, "%-23s: %s\n", "xen_caps", caps);
    int rc = dctl_phys_info(&pi);
    if (rc) {
        return fail(t, "info", "physical information", rc);
    }
    term_printf(t, "%-23s: %u\n%-23s: %u\n", "nr_cpus", pi.nr_cpus, "cpu_mhz", pi.cpu_khz / 1000);
    term_printf(t, "%-23s: %lu\n%-23s: %lu\n%-23s: %lu\n", "total_memory", pi.total_pages >> 8,
                "free_memory", pi.free_pages >> 8, "free_pages", pi.free_pages);
    term_printf(t, "%-23s: %lu\n%-23s: %#lx\n", "nr_domains", pi.nr_domains, "domctl_interface",
                pi.hypervisor_version);
    heap_get_stats(&hs);
    mm_get_stats(&ms);
    term_printf(t, "%-23s: %lu\n%-23s: %lu KiB of %lu KiB in %lu allocations\n", "dom0_memory",
                ms.nr_pages >> 8, "dom0_heap", hs.used_bytes >> 10, hs.total_bytes >> 10,
                hs.live_allocs);
    term_printf(t, "%-23s: %lu\n", "dom0_foreign_mappings", ms.window_used);
    return 0;
}

static uint64_t dmesg_start; /* where `dmesg -c` left off */

static int verb_dmesg(struct term *t, int argc, char **argv)
{
    bool clear = false;
    char buf[1024];
    uint64_t pos = dmesg_start, got, next;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c")) {
            clear = true;
        } else {
            return cli_usage(t, "dmesg");
        }
    }
    for (unsigned int guard = 0; guard < 100000; guard++) {
        int rc = dctl_read_log(pos, buf, sizeof(buf), &got, &next);
        if (rc) {
            return fail(t, "dmesg", "reading the hypervisor log", rc);
        }
        if (!got) {
            break;
        }
        term_write(t, buf, got);
        pos = next;
    }
    if (clear) {
        dmesg_start = pos;
    }
    return 0;
}

/* ---- create and the lifecycle verbs ---- */

static int verb_create(struct term *t, int argc, char **argv)
{
    bool attach = false, timing = false;
    const char *cfg = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c")) {
            attach = true;
        } else if (!strcmp(argv[i], "-t")) {
            timing = true;
        } else if (argv[i][0] == '-' || cfg) {
            if (strchr(argv[i], '=')) {
                term_printf(t, "create: settings on the command line are not supported\n");
            }
            return cli_usage(t, "create");
        } else {
            cfg = argv[i];
        }
    }
    if (!cfg) {
        return cli_usage(t, "create");
    }
    return dom_create(t, cfg, attach, timing);
}

/* The verbs that take exactly one domain. */
static bool one_domain(struct term *t, int argc, char **argv, domid_t *d)
{
    if (argc != 2) {
        cli_usage(t, argv[0]);
        return false;
    }
    return domain_arg(t, argv[0], argv[1], d);
}

static int verb_destroy(struct term *t, int argc, char **argv)
{
    domid_t d;

    if (argc != 2) {
        return cli_usage(t, argv[0]);
    }
    if (!domain_arg(t, argv[0], argv[1], &d)) {
        return 1;
    }
    if (d == 0) {
        term_printf(t, "destroy: domain 0 cannot be destroyed\n");
        return 1;
    }
    int rc = dom_destroy(d);
    if (rc) {
        return fail(t, "destroy", argv[1], rc);
    }
    log_info("domain %u destroyed\n", d);
    return 0;
}

static int shutdown_as(struct term *t, int argc, char **argv, uint32_t reason)
{
    domid_t d;

    if (!one_domain(t, argc, argv, &d)) {
        return argc != 2 ? 2 : 1;
    }
    if (d == 0) {
        term_printf(t, "%s: use 'poweroff' to stop dom0 and the machine\n", argv[0]);
        return 1;
    }
    int rc = dctl_shutdown(d, reason);
    return rc ? fail(t, argv[0], argv[1], rc) : 0;
}

static int verb_shutdown(struct term *t, int argc, char **argv)
{
    return shutdown_as(t, argc, argv, SHUTDOWN_poweroff);
}

static int verb_reboot(struct term *t, int argc, char **argv)
{
    return shutdown_as(t, argc, argv, SHUTDOWN_reboot);
}

static int verb_pause(struct term *t, int argc, char **argv)
{
    domid_t d;

    if (!one_domain(t, argc, argv, &d)) {
        return argc != 2 ? 2 : 1;
    }
    if (d == 0) {
        term_printf(t, "pause: pausing dom0 would stop this shell\n");
        return 1;
    }
    int rc = dctl_pause(d);
    return rc ? fail(t, "pause", argv[1], rc) : 0;
}

static int verb_unpause(struct term *t, int argc, char **argv)
{
    domid_t d;

    if (!one_domain(t, argc, argv, &d)) {
        return argc != 2 ? 2 : 1;
    }
    int rc = dctl_unpause(d);
    if (rc == -XEN_EINVAL) {
        term_printf(t, "unpause: domain '%s' is not paused\n", argv[1]);
        return 1;
    }
    return rc ? fail(t, "unpause", argv[1], rc) : 0;
}

static int verb_console(struct term *t, int argc, char **argv)
{
    domid_t d;

    if (!one_domain(t, argc, argv, &d)) {
        return argc != 2 ? 2 : 1;
    }
    int rc = dom_console_attach(t, d);
    if (rc == -XEN_ENOENT) {
        term_printf(t,
                    "console: domain '%s' has no console served by dom0 "
                    "(only domains created here have one)\n",
                    argv[1]);
        return 1;
    }
    return rc ? fail(t, "console", argv[1], rc) : 0;
}

static int verb_poweroff(struct term *t, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        return cli_usage(t, "poweroff");
    }
    dom_destroy_all();
    log_info("powering off\n");
    term_finish(t, 0);
    hypercall_shutdown(SHUTDOWN_poweroff);
    panic("dom0: SCHEDOP_shutdown returned");
}

const struct cli_verb cli_dom_verbs[] = {
    {"list", verb_list, "[-l] [domain...]", "list domains (-l: in detail, as JSON)"},
    {"info", verb_info, "", "information about the host and the hypervisor"},
    {"dmesg", verb_dmesg, "[-c]", "the hypervisor's log (-c: later calls start after it)"},
    {"create", verb_create, "<config> [-c] [-t]",
     "create a domain from a config in the ramdisk "
     "(-c: attach to its console; -t: wait for its first console line, print start-up timing)"},
    {"destroy", verb_destroy, "<domain>", "end a domain at once, reclaiming everything"},
    {"shutdown", verb_shutdown, "<domain>", "shut a domain down (then its on_poweroff applies)"},
    {"reboot", verb_reboot, "<domain>", "reboot a domain (then its on_reboot applies)"},
    {"pause", verb_pause, "<domain>", "stop a domain's vCPUs"},
    {"unpause", verb_unpause, "<domain>", "let a paused domain run again"},
    {"console", verb_console, "<domain>", "attach to a domain's console (Ctrl-] detaches)"},
    {"poweroff", verb_poweroff, "", "destroy every domain and power the machine off"},
    {NULL, NULL, NULL, NULL},
};
