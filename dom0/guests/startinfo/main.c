/* SPDX-License-Identifier: MIT */
/*
 * startinfo: what a domain built by dom0's toolstack finds at start of day,
 * checked from inside. Its config (dom0/configs/startinfo.cfg) gives it
 * 12 MiB, a ramdisk (configs/ticker.cfg, whose first line is known) and a
 * command line naming what to expect:
 *   pages=N        start_info->nr_pages
 *   initrd=TEXT    the ramdisk starts with TEXT ('_' stands for a blank)
 * It checks the flags of an unprivileged domain, the console and xenstore
 * rings with their event channels, the p2m against the M2P, the ramdisk,
 * that privileged operations are refused, and that xenstore answers on its
 * ring with its home nodes and their permissions (it leaves
 * data/greeting behind for the test to read); then it powers off with the
 * result line (its config preserves it, so the console stays readable).
 */
#include <rt/runtime.h>
#include <xen/io/xs_wire.h>
#include "xenbus.h"

const char test_title[] = "startinfo: the start of day a toolstack-built domain sees";

static bool word(const char *key, char *out, size_t outlen)
{
    const char *cmdline = (const char *)start_info->cmd_line;
    size_t klen = strlen(key);

    for (const char *w = cmdline; *w;) {
        while (*w == ' ') {
            w++;
        }
        const char *end = w;
        while (*end && *end != ' ') {
            end++;
        }
        if ((size_t)(end - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
            size_t n = (size_t)(end - w) - klen - 1;
            if (n >= outlen) {
                n = outlen - 1;
            }
            memcpy(out, w + klen + 1, n);
            out[n] = '\0';
            return true;
        }
        w = end;
    }
    return false;
}

void test_main(void)
{
    char val[64];
    char msg[] = "must not appear";
    struct evtchn_alloc_unbound a = {.dom = 0, .remote_dom = DOMID_SELF};

    printf("cmdline \"%s\"\n", (const char *)start_info->cmd_line);
    CHECK(!strncmp(start_info->magic, XEN_START_INFO_MAGIC, strlen(XEN_START_INFO_MAGIC)),
          "magic \"%.32s\"", start_info->magic);
    CHECK_EQ(start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
    CHECK(start_info->console.domU.mfn != 0, "no console ring");
    CHECK(start_info->console.domU.evtchn != 0, "no console event channel");
    CHECK(start_info->store_mfn != 0, "no xenstore ring");
    CHECK(start_info->store_evtchn != 0, "no xenstore event channel");
    CHECK(start_info->store_mfn != start_info->console.domU.mfn, "one page for both rings");

    if (CHECK(word("pages", val, sizeof(val)), "no pages= on the command line")) {
        uint64_t want = 0;
        for (const char *p = val; *p >= '0' && *p <= '9'; p++) {
            want = want * 10 + (uint64_t)(*p - '0');
        }
        CHECK_EQ(start_info->nr_pages, want);
    }
    /* Every frame of the p2m is ours, and the M2P agrees. */
    unsigned int bad = 0;
    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++) {
        if (mfn_to_pfn(pfn_to_mfn(pfn)) != pfn) {
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(start_info->pt_base & 0xfff, 0);
    CHECK(start_info->nr_pt_frames >= 4, "nr_pt_frames %lu", start_info->nr_pt_frames);

    if (CHECK(word("initrd", val, sizeof(val)), "no initrd= on the command line")) {
        for (char *p = val; *p; p++) {
            if (*p == '_') {
                *p = ' ';
            }
        }
        CHECK(start_info->mod_start != 0 && start_info->mod_len >= strlen(val),
              "mod_start %#lx mod_len %lu", start_info->mod_start, start_info->mod_len);
        if (start_info->mod_start) {
            CHECK(!memcmp((const void *)start_info->mod_start, val, strlen(val)),
                  "the ramdisk starts with \"%.20s\"", (const char *)start_info->mod_start);
        }
    }

    /* xenstore on the ring: its home, what it may write, what it may not read. */
    char buf[256];
    long n = xenbus_request(XS_READ, "name", NULL, buf, sizeof(buf));
    if (CHECK(n >= 0, "reading name: %ld", n)) {
        CHECK(!strcmp(buf, "startinfo"), "name \"%s\"", buf);
    }
    n = xenbus_request(XS_READ, "memory/target", NULL, buf, sizeof(buf));
    if (CHECK(n >= 0, "reading memory/target: %ld", n)) {
        CHECK(!strcmp(buf, "12288"), "memory/target \"%s\"", buf);
    }
    n = xenbus_request(XS_READ, "domid", NULL, buf, sizeof(buf));
    CHECK(n > 0, "reading domid: %ld", n);
    printf("xenstore: domid %s\n", n > 0 ? buf : "?");
    CHECK_EQ(xenbus_request(XS_WRITE, "data/greeting", "hello from startinfo", buf, sizeof(buf)),
             3); /* "OK\0" */
    CHECK_EQ(xenbus_request(XS_WRITE, "name", "mallory", buf, sizeof(buf)), -XEN_EACCES);
    CHECK_EQ(xenbus_request(XS_READ, "/local/domain/0/name", NULL, buf, sizeof(buf)), -XEN_EACCES);
    CHECK_EQ(xenbus_request(XS_READ, "no/such/node", NULL, buf, sizeof(buf)), -XEN_ENOENT);

    /* Not privileged: the hypervisor console and dom0's event channels are not ours. */
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), -XEN_EPERM);
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a), -XEN_EPERM);
    struct xenolith_domctl op = {.cmd = XL_DOMCTL_PHYS_INFO};
    CHECK_EQ(hypercall_domctl(&op), -XEN_EPERM);
}
