/* SPDX-License-Identifier: MIT */
/*
 * Xenolith's privileged control interface (xenolith/domctl.h), driven by
 * the initial domain as the toolstack will:
 *  - a whole domain built by hand: CREATE, POPULATE, GET_FRAMES, its frames
 *    written through foreign mappings (mmu_update with foreigndom), four
 *    page-table levels and a code page that calls SCHEDOP_shutdown,
 *    SET_VCPU_CONTEXT, UNPAUSE; it runs, shuts down with our reason, the
 *    initial domain hears of it (VIRQ_DOM_EXC), DESTROY reclaims it;
 *  - GET_INFO and its listing form, PAUSE/UNPAUSE nesting, PHYS_INFO,
 *    READ_LOG;
 *  - every refusal with its code: version, names, flags, limits, unknown
 *    domains and commands, operations on oneself, bad contexts and frames;
 *  - after a warm-up cycle (the hypervisor heap keeps frames it gave a size
 *    class), 20 create/build/destroy cycles leave free memory exactly as it
 *    was.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "domctl: build, run, inspect and destroy domains";

#define PROT_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER)
#define CODE_VA UINT64_C(0x400000)
#define REASON  4 /* SHUTDOWN_watchdog: a reason nothing else here uses */

static uint8_t win[4096] __aligned(4096);     /* where foreign frames are mapped */
static uint64_t win_own;                      /* its own L1 entry, restored after use */
static struct vcpu_guest_context ctxt;

static long dc(struct xenolith_domctl *op, uint32_t cmd, domid_t dom)
{
    op->cmd = cmd;
    op->domain = dom;
    return hypercall_domctl(op);
}

/* Point win at frame mfn of domain dom (dom = DOMID_SELF: our own). */
static long map_win(uint64_t mfn, domid_t dom)
{
    long rc =
        pt_mmu1(pt_maddr((uintptr_t)win, 1) | MMU_NORMAL_PT_UPDATE, (mfn << 12) | PROT_RW, dom);

    if (!rc)
        rc = pt_invlpg(win);
    return rc;
}
static void unmap_win(void)
{
    CHECK_EQ(pt_mmu1(pt_maddr((uintptr_t)win, 1) | MMU_NORMAL_PT_UPDATE, win_own, DOMID_SELF), 0);
    CHECK_EQ(pt_invlpg(win), 0);
}

static long write_frame(domid_t dom, uint64_t mfn, const void *src, size_t len)
{
    long rc = map_win(mfn, dom);

    if (rc)
        return rc;
    memcpy(win, src, len);
    return 0;
}

static domid_t create(const char *name, uint64_t max_pages)
{
    struct xenolith_domctl op = {0};
    long rc;

    op.u.create.max_pages = max_pages;
    memcpy(op.u.create.name, name, strnlen(name, sizeof(op.u.create.name) - 1));
    rc = dc(&op, XL_DOMCTL_CREATE, 0);
    CHECK((int64_t)(rc) == (int64_t)(0), "create %s", name);
    return rc ? DOMID_INVALID : op.domain;
}

static uint64_t free_pages(void)
{
    struct xenolith_domctl op = {0};

    CHECK_EQ(dc(&op, XL_DOMCTL_PHYS_INFO, 0), 0);
    return op.u.phys_info.free_pages;
}

static long info(domid_t dom, struct xl_domctl_info *out)
{
    struct xenolith_domctl op = {0};
    long rc = dc(&op, XL_DOMCTL_GET_INFO, dom);

    *out = op.u.info;
    return rc;
}

/* Frames 0-3: L4, L3, L2, L1; frame 4: the code page at CODE_VA. */
static void build_tiny(domid_t dom, uint64_t mfn[5])
{
    struct xenolith_domctl op = {0};
    static const uint8_t code[] = {
        0xb8, 0x1d, 0x00, 0x00, 0x00,       /* mov $29 (sched_op), %eax */
        0xbf, 0x02, 0x00, 0x00, 0x00,       /* mov $2 (SCHEDOP_shutdown), %edi */
        0xbe, 0x00, 0x08, 0x40, 0x00,       /* mov $0x400800, %esi */
        0x0f, 0x05,                         /* syscall */
        0xeb, 0xfe,                         /* jmp . */
    };
    static uint64_t t[512];
    static uint8_t page[4096];

    op.u.populate.nr_pages = 5;
    CHECK_EQ(dc(&op, XL_DOMCTL_POPULATE, dom), 0);
    CHECK_EQ(op.u.populate.done, 5);
    memset(&op, 0, sizeof(op));
    op.u.frames.nr = 5;
    xen_set_guest_handle(op.u.frames.list, mfn);
    CHECK_EQ(dc(&op, XL_DOMCTL_GET_FRAMES, dom), 0);
    CHECK_EQ(op.u.frames.nr, 5);
    for (int i = 0; i < 5; i++)
        CHECK((int64_t)(mfn_to_pfn(mfn[i])) == (int64_t)((uint64_t)i), "the M2P numbers frame %d", i);

    for (int level = 0; level < 4; level++) {
        memset(t, 0, sizeof(t));
        /* L4[0] -> L3, L3[0] -> L2, L2[2] -> L1, L1[0] -> code (0x400000). */
        t[level == 2 ? 2 : 0] = (mfn[level + 1] << 12) | PROT_RW;
        CHECK_EQ(write_frame(dom, mfn[level], t, sizeof(t)), 0);
    }
    memset(page, 0, sizeof(page));
    memcpy(page, code, sizeof(code));
    *(uint32_t *)(page + 0x800) = REASON;
    CHECK_EQ(write_frame(dom, mfn[4], page, sizeof(page)), 0);
    unmap_win();        /* a page table must not stay writable-mapped here */

    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel | VGCF_online;
    ctxt.user_regs.rip = CODE_VA;
    ctxt.user_regs.rsp = CODE_VA + 0x800;
    ctxt.kernel_sp = CODE_VA + 0x800;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.ctrlreg[3] = mfn[0] << 12;
}

static long set_context(domid_t dom)
{
    struct xenolith_domctl op = {0};

    xen_set_guest_handle(op.u.vcpu_context.ctxt, &ctxt);
    return dc(&op, XL_DOMCTL_SET_VCPU_CONTEXT, dom);
}

/* Wait (bounded) for dom to reach SHUTDOWN; its reason, or -1. */
static long wait_shutdown(domid_t dom)
{
    struct xl_domctl_info in;

    for (int i = 0; i < 1000; i++) {
        if (info(dom, &in))
            return -1;
        if (in.flags & XL_INFO_SHUTDOWN)
            return in.shutdown_reason;
        hypercall_yield();
    }
    printf("domain %u: flags %#x cpu %lu ns\n", dom, in.flags, (unsigned long)in.cpu_time_ns);
    return -1;
}

static void destroy(domid_t dom)
{
    struct xenolith_domctl op = {0};
    struct xl_domctl_info in;

    CHECK_EQ(dc(&op, XL_DOMCTL_DESTROY, dom), 0);
    CHECK((int64_t)(info(dom, &in)) == (int64_t)(-XEN_ESRCH), "destroyed domain %u gone", dom);
}

static void test_build_and_run(void)
{
    struct xenolith_domctl op = {0};
    struct xl_domctl_info in;
    evtchn_port_t virq_port;
    struct evtchn_bind_virq bv = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    uint64_t mfn[5];
    domid_t dom = create("tiny", 16);

    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    virq_port = bv.port;
    CHECK_EQ(info(dom, &in), 0);
    CHECK_EQ(in.domid, dom);
    CHECK(in.flags & XL_INFO_PAUSED, "a new domain is paused");
    CHECK_EQ(in.tot_pages, 0);
    CHECK_EQ(in.max_pages, 16);
    CHECK(!strcmp(in.name, "tiny"));
    CHECK(in.created_ns > 0 && in.created_ns <= in.now_ns, "created %lu now %lu",
          (unsigned long)in.created_ns, (unsigned long)in.now_ns);
    CHECK_EQ(in.first_run_ns, 0);

    build_tiny(dom, mfn);
    CHECK_EQ(set_context(dom), 0);
    CHECK((int64_t)(set_context(dom)) == (int64_t)(-XEN_EBUSY), "a second start is refused");
    /* The L4 is now a pinned, validated table: mapping it writable fails. */
    CHECK_EQ(map_win(mfn[0], dom), -XEN_EBUSY);

    CHECK(!evtchn_is_pending(virq_port));
    CHECK_EQ(dc(&op, XL_DOMCTL_UNPAUSE, dom), 0);
    CHECK((int64_t)(wait_shutdown(dom)) == (int64_t)(REASON), "the domain ran our code");
    CHECK(evtchn_is_pending(virq_port), "VIRQ_DOM_EXC told us");
    evtchn_clear_pending(virq_port);
    CHECK((int64_t)(dc(&op, XL_DOMCTL_UNPAUSE, dom)) == (int64_t)(-XEN_EINVAL), "shut down: nothing to unpause");
    CHECK_EQ(info(dom, &in), 0);
    CHECK(in.first_run_ns > in.created_ns && in.first_run_ns <= in.now_ns,
          "it ran after it was created: %lu %lu", (unsigned long)in.created_ns,
          (unsigned long)in.first_run_ns);
    destroy(dom);
    CHECK(evtchn_is_pending(virq_port), "and of its destruction");
    evtchn_clear_pending(virq_port);
}

static void test_pause_and_list(void)
{
    struct xenolith_domctl op = {0};
    struct xl_domctl_info in;
    domid_t a = create("list-a", 8), b = create("list-b", 8);
    unsigned int seen = 0;

    /* Created paused once; a nested pause needs two unpauses. */
    CHECK_EQ(dc(&op, XL_DOMCTL_PAUSE, a), 0);
    CHECK_EQ(dc(&op, XL_DOMCTL_UNPAUSE, a), 0);
    CHECK_EQ(info(a, &in), 0);
    CHECK(in.flags & XL_INFO_PAUSED);
    CHECK_EQ(dc(&op, XL_DOMCTL_UNPAUSE, a), 0);
    CHECK_EQ(info(a, &in), 0);
    CHECK(!(in.flags & XL_INFO_PAUSED));
    CHECK_EQ(dc(&op, XL_DOMCTL_UNPAUSE, a), -XEN_EINVAL);

    for (domid_t next = 0;; next = (domid_t)(in.domid + 1)) {
        if (info(XL_INFO_NEXT | next, &in))
            break;
        seen |= (in.domid == a ? 1 : 0) | (in.domid == b ? 2 : 0) |
                (in.domid == 0 && (in.flags & XL_INFO_PRIVILEGED) ? 4 : 0);
    }
    CHECK((int64_t)(seen) == (int64_t)(7), "the listing shows us, a and b");

    op.u.shutdown.reason = SHUTDOWN_MAX + 1;
    CHECK_EQ(dc(&op, XL_DOMCTL_SHUTDOWN, b), -XEN_EINVAL);
    op.u.shutdown.reason = SHUTDOWN_poweroff;
    CHECK_EQ(dc(&op, XL_DOMCTL_SHUTDOWN, b), 0);
    CHECK_EQ(info(b, &in), 0);
    CHECK(in.flags & XL_INFO_SHUTDOWN);
    CHECK_EQ(in.shutdown_reason, SHUTDOWN_poweroff);
    destroy(a);
    destroy(b);
}

static void test_refusals(void)
{
    struct xenolith_domctl op = {0};
    uint64_t mfn[8], own = virt_to_mfn(win);
    domid_t dom;
    long rc;

    op.cmd = XL_DOMCTL_PHYS_INFO;
    op.interface_version = 0x15;    /* a Xen 4.17 toolstack's domctl version */
    CHECK_EQ(_HC(__HYPERVISOR_domctl, &op, 0, 0, 0, 0), -XEN_EACCES);
    CHECK_EQ(_HC(__HYPERVISOR_domctl, 0x10, 0, 0, 0, 0), -XEN_EFAULT);

    memset(&op, 0, sizeof(op));
    op.u.create.max_pages = 8;
    CHECK((int64_t)(dc(&op, XL_DOMCTL_CREATE, 0)) == (int64_t)(-XEN_EINVAL), "empty name");
    memset(op.u.create.name, 'x', sizeof(op.u.create.name));
    CHECK((int64_t)(dc(&op, XL_DOMCTL_CREATE, 0)) == (int64_t)(-XEN_EINVAL), "unterminated name");
    memset(op.u.create.name, 0, sizeof(op.u.create.name));
    memcpy(op.u.create.name, "Domain-0", 8);
    CHECK((int64_t)(dc(&op, XL_DOMCTL_CREATE, 0)) == (int64_t)(-XEN_EEXIST), "a name in use");
    memset(op.u.create.name, 0, sizeof(op.u.create.name));
    memcpy(op.u.create.name, "ok", 2);
    op.u.create.flags = XL_CREATE_PRIVILEGED;
    CHECK_EQ(dc(&op, XL_DOMCTL_CREATE, 0), -XEN_EINVAL);
    op.u.create.flags = 0;
    op.u.create.max_vcpus = 2;
    CHECK_EQ(dc(&op, XL_DOMCTL_CREATE, 0), -XEN_EINVAL);
    op.u.create.max_vcpus = 1;
    op.u.create.max_pages = 0;
    CHECK_EQ(dc(&op, XL_DOMCTL_CREATE, 0), -XEN_EINVAL);

    CHECK_EQ(dc(&op, XL_DOMCTL_PAUSE, 0x7000), -XEN_ESRCH);
    CHECK((int64_t)(dc(&op, XL_DOMCTL_DESTROY, 0)) == (int64_t)(-XEN_EINVAL), "not ourselves");
    CHECK_EQ(dc(&op, 99, 0x7000), -XEN_ESRCH);

    dom = create("hostile", 6);
    CHECK_EQ(dc(&op, 99, dom), -XEN_ENOSYS);
    memset(&op, 0, sizeof(op));
    op.u.populate.nr_pages = 8;
    CHECK((int64_t)(dc(&op, XL_DOMCTL_POPULATE, dom)) == (int64_t)(-XEN_ENOMEM), "beyond max_pages");
    CHECK_EQ(op.u.populate.done, 6);
    op.u.frames.start = 7;
    op.u.frames.nr = 1;
    xen_set_guest_handle(op.u.frames.list, mfn);
    CHECK_EQ(dc(&op, XL_DOMCTL_GET_FRAMES, dom), -XEN_EINVAL);
    op.u.frames.start = 0;
    op.u.frames.nr = 6;
    op.u.frames.list.p = 0x10;
    CHECK_EQ(dc(&op, XL_DOMCTL_GET_FRAMES, dom), -XEN_EFAULT);
    xen_set_guest_handle(op.u.frames.list, mfn);
    CHECK_EQ(dc(&op, XL_DOMCTL_GET_FRAMES, dom), 0);
    op.u.max_mem.max_pages = 5;
    CHECK((int64_t)(dc(&op, XL_DOMCTL_SET_MAX_MEM, dom)) == (int64_t)(-XEN_EINVAL), "below what it holds");

    /* Contexts: our own frame as its L4, a frame that does not validate, bad fields. */
    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel;
    ctxt.user_regs.rip = CODE_VA;
    ctxt.ctrlreg[3] = own << 12;
    CHECK((int64_t)(set_context(dom)) == (int64_t)(-XEN_EINVAL), "another domain's frame");
    {
        static uint64_t bad[512];
        memset(bad, 0, sizeof(bad));
        bad[0] = (own << 12) | PROT_RW;   /* an entry naming a frame not its own */
        CHECK_EQ(write_frame(dom, mfn[0], bad, sizeof(bad)), 0);
        unmap_win();
        ctxt.ctrlreg[3] = mfn[0] << 12;
        rc = set_context(dom);
        CHECK(rc < 0, "an L4 that does not validate: %ld", rc);
    }
    {
        static const uint64_t zero;
        CHECK_EQ(write_frame(dom, mfn[0], &zero, 8), 0);    /* clear that entry again */
    }
    unmap_win();
    ctxt.user_regs.rip = HYPERVISOR_VIRT_START;
    CHECK((int64_t)(set_context(dom)) == (int64_t)(-XEN_EINVAL), "rip in the hypervisor's range");
    ctxt.user_regs.rip = CODE_VA;
    ctxt.flags = 0;
    CHECK((int64_t)(set_context(dom)) == (int64_t)(-XEN_EINVAL), "not in kernel mode");
    ctxt.flags = VGCF_in_kernel;
    ctxt.gdt_ents = 8;
    CHECK_EQ(set_context(dom), -XEN_EINVAL);
    ctxt.gdt_ents = 0;
    ctxt.debugreg[7] = 1;
    CHECK_EQ(set_context(dom), -XEN_EINVAL);
    ctxt.debugreg[7] = 0;
    rc = set_context(dom);
    CHECK(rc == 0, "an empty L4 is a valid one: %ld", rc);
    /* The hypercall page may not go into a page table. */
    memset(&op, 0, sizeof(op));
    op.u.hypercall_page.mfn = mfn[0];
    CHECK_EQ(dc(&op, XL_DOMCTL_HYPERCALL_PAGE, dom), -XEN_EINVAL);
    op.u.hypercall_page.mfn = own;
    CHECK_EQ(dc(&op, XL_DOMCTL_HYPERCALL_PAGE, dom), -XEN_EINVAL);
    op.u.hypercall_page.mfn = mfn[1];
    CHECK_EQ(dc(&op, XL_DOMCTL_HYPERCALL_PAGE, dom), 0);
    destroy(dom);
}

static void test_log(void)
{
    struct xenolith_domctl op = {0};
    static char buf[512];

    op.u.read_log.size = sizeof(buf) - 1;
    xen_set_guest_handle(op.u.read_log.buf, buf);
    CHECK_EQ(dc(&op, XL_DOMCTL_READ_LOG, 0), 0);
    CHECK(op.u.read_log.size > 0 && op.u.read_log.size < sizeof(buf));
    buf[op.u.read_log.size] = 0;
    CHECK(strstr(buf, "Xenolith") != NULL, "the log starts with the banner: '%.60s'", buf);
    CHECK_EQ(op.u.read_log.next, op.u.read_log.size);
}

static void test_cycles(void)
{
    uint64_t before = 0, mfn[5];
    struct xenolith_domctl op = {0};

    for (int i = 0; i <= 20; i++) {
        domid_t dom;

        if (i == 1)
            before = free_pages();  /* after the warm-up cycle */
        dom = create("cycle", 16);
        build_tiny(dom, mfn);
        CHECK_EQ(set_context(dom), 0);
        CHECK_EQ(dc(&op, XL_DOMCTL_UNPAUSE, dom), 0);
        CHECK_EQ(wait_shutdown(dom), REASON);
        destroy(dom);
    }
    CHECK((int64_t)(free_pages()) == (int64_t)(before), "20 cycles returned every frame");
}

void test_main(void)
{
    if (!is_initdomain()) {
        test_skip("needs the initial domain");
        return;
    }
    win[0] = 1;     /* make sure it is mapped and ours */
    win_own = (virt_to_mfn(win) << 12) | PROT_RW;
    test_refusals();
    test_pause_and_list();
    test_build_and_run();
    test_log();
    test_cycles();
    test_success();
}
