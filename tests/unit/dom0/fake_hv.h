/*
 * A fake hypervisor for the domain builder's tests (test_builder.c): the
 * builder_ops a real dom0 wires to hypercalls, served from host memory.
 *
 * Machine frames live in a memfd, so a "foreign mapping" is a real second
 * mapping of the same page (mmap of the memfd at the frame's offset), with
 * the aliasing a real mapping has; the test reads guest memory back through
 * a direct mapping of the whole memfd. Frames are handed out in a scrambled
 * order (mfn != pfn, not even monotonic), optionally dirty, so that a
 * builder which confuses pfns and mfns, or relies on zeroed frames where it
 * must zero them itself, is caught.
 *
 * Every domctl is checked (version, target domain, order, arguments) and
 * recorded; any call can be made to fail.
 */
#ifndef TESTS_UNIT_DOM0_FAKE_HV_H
#define TESTS_UNIT_DOM0_FAKE_HV_H

#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dom0/builder.h>
#include <xen/errno.h>

#define FAKE_POOL     16384u   /* frames: 64 MiB */
#define FAKE_MFN_BASE 0x23400u /* mfn of pool frame 0 */
#define FAKE_DOMID    7
#define FAKE_SHINFO   (FAKE_MFN_BASE + FAKE_POOL + 3) /* not in the pool: never mappable */
#define FAKE_MAX_MAPS 64
#define FAKE_MAX_LOG  256

struct fake_map {
    uint8_t *va;
    size_t n;
};

struct fake {
    int memfd;
    uint8_t *direct; /* the whole pool */
    bool dirty;      /* frames come filled with 0xa5, not zeroed */
    /* the domain */
    bool created, destroyed, context_set;
    uint64_t hypercall_page_mfn;        /* the frame HYPERCALL_PAGE filled, 0 if none */
    uint64_t max_pages, nr_pages;
    uint32_t max_vcpus;
    char name[32];
    uint64_t p2m[FAKE_POOL];
    bool owned[FAKE_POOL];
    struct vcpu_guest_context ctxt;
    uint32_t ports_given;
    domid_t port_remote[8];
    /* limits per call, to exercise the builder's loops (0: none) */
    uint64_t populate_chunk, frames_chunk;
    /* failure injection: the fail_nth-th call of fail_cmd returns fail_rc */
    uint32_t fail_cmd;
    int fail_nth, fail_rc;
    int destroy_rc;
    int fail_map_at, fail_evtchn_at; /* 1-based call numbers; 0: never */
    /* hostile answers */
    bool populate_overshoots, frames_returns_zero, frames_bad_mfn;
    domid_t create_returns;
    /* records */
    uint32_t cmds[FAKE_MAX_LOG];
    int nr_cmds, nr_calls[16];
    struct fake_map maps[FAKE_MAX_MAPS];
    int live_maps, map_calls, evtchn_calls, max_live_maps;
    size_t largest_map;
    char log[4096];
};

static struct fake fk;

static uint64_t fake_pool_index(uint64_t mfn)
{
    assert_true(mfn >= FAKE_MFN_BASE && mfn < FAKE_MFN_BASE + FAKE_POOL);
    return mfn - FAKE_MFN_BASE;
}

static uint8_t *fake_frame(uint64_t mfn)
{
    return fk.direct + fake_pool_index(mfn) * 4096;
}

static void fake_init(void)
{
    int fd;

    if (fk.direct) {
        munmap(fk.direct, (size_t)FAKE_POOL * 4096);
        close(fk.memfd);
    }
    memset(&fk, 0, sizeof(fk));
    fd = memfd_create("fake-hv-frames", 0);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)FAKE_POOL * 4096), 0);
    fk.memfd = fd;
    fk.direct = mmap(NULL, (size_t)FAKE_POOL * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(fk.direct != MAP_FAILED);
    fk.destroy_rc = 0;
}

static void fake_fini(void)
{
    if (fk.direct) {
        munmap(fk.direct, (size_t)FAKE_POOL * 4096);
        close(fk.memfd);
        fk.direct = NULL;
    }
}

/* The pool frame the domain's pfn-th frame comes from: a bijection of
 * [0, FAKE_POOL) that is far from the identity. */
static uint64_t fake_scramble(uint64_t pfn)
{
    return (pfn * 40503u + 977u) & (FAKE_POOL - 1);
}

/* The hypercall page as Xen's ABI defines it for a 64-bit PV kernel. */
static void fake_fill_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, 4096);
    for (unsigned int i = 0; i < 128; i++) {
        uint8_t *s = p + i * 32;

        if (i == 23) { /* iret: push rcx, r11, rax; mov $23, eax; syscall */
            memcpy(s, "\x51\x41\x53\x50\xb8\x17\x00\x00\x00\x0f\x05", 11);
        } else { /* push rcx, r11; mov $i, eax; syscall; pop r11, rcx; ret */
            memcpy(s, "\x51\x41\x53\xb8", 4);
            s[4] = (uint8_t)i;
            memcpy(s + 5, "\x00\x00\x00\x0f\x05\x41\x5b\x59\xc3", 9);
        }
    }
}

static int fake_domctl(void *ctx, struct xenolith_domctl *op)
{
    uint32_t cmd = op->cmd;

    assert_ptr_equal(ctx, &fk);
    assert_int_equal(op->interface_version, XENOLITH_DOMCTL_VERSION);
    assert_true(cmd >= 1 && cmd < 16);
    assert_true(fk.nr_cmds < FAKE_MAX_LOG);
    assert_int_equal(op->pad[0] | op->pad[1] | op->pad[2], 0);
    fk.cmds[fk.nr_cmds++] = cmd;
    fk.nr_calls[cmd]++;
    /* The builder never pauses, unpauses or shuts down: the caller does. */
    assert_true(cmd == XL_DOMCTL_CREATE || cmd == XL_DOMCTL_POPULATE || cmd == XL_DOMCTL_GET_INFO ||
                cmd == XL_DOMCTL_GET_FRAMES || cmd == XL_DOMCTL_SET_VCPU_CONTEXT ||
                cmd == XL_DOMCTL_HYPERCALL_PAGE || cmd == XL_DOMCTL_DESTROY);
    if (cmd == XL_DOMCTL_CREATE) {
        assert_false(fk.created);
    } else {
        assert_true(fk.created);
        assert_false(fk.destroyed);
        assert_int_equal(op->domain, FAKE_DOMID);
    }
    if (cmd == XL_DOMCTL_DESTROY) {
        assert_int_equal(fk.live_maps, 0);
        if (fk.destroy_rc) {
            return fk.destroy_rc;
        }
        fk.destroyed = true;
        return 0;
    }
    if (cmd == fk.fail_cmd && fk.nr_calls[cmd] == fk.fail_nth) {
        if (cmd == XL_DOMCTL_POPULATE) {
            op->u.populate.done = op->u.populate.nr_pages / 2; /* some, then -ENOMEM */
            fk.nr_pages += op->u.populate.done;
        }
        return fk.fail_rc;
    }
    switch (cmd) {
    case XL_DOMCTL_CREATE:
        assert_int_equal(op->u.create.flags, 0);
        assert_non_null(memchr(op->u.create.name, '\0', sizeof(op->u.create.name)));
        memcpy(fk.name, op->u.create.name, sizeof(fk.name));
        fk.max_pages = op->u.create.max_pages;
        fk.max_vcpus = op->u.create.max_vcpus;
        fk.created = true;
        op->domain = fk.create_returns ? fk.create_returns : FAKE_DOMID;
        return 0;
    case XL_DOMCTL_POPULATE: {
        uint64_t n = op->u.populate.nr_pages;

        assert_true(n > 0);
        assert_true(fk.nr_pages + n <= fk.max_pages);
        assert_true(fk.nr_pages + n <= FAKE_POOL);
        if (fk.populate_chunk && n > fk.populate_chunk) {
            n = fk.populate_chunk;
        }
        for (uint64_t i = 0; i < n; i++, fk.nr_pages++) {
            uint64_t idx = fake_scramble(fk.nr_pages);

            assert_false(fk.owned[idx]);
            fk.owned[idx] = true;
            fk.p2m[fk.nr_pages] = FAKE_MFN_BASE + idx;
            memset(fk.direct + idx * 4096, fk.dirty ? 0xa5 : 0, 4096);
        }
        op->u.populate.done = fk.populate_overshoots ? n + 1 : n;
        return 0;
    }
    case XL_DOMCTL_GET_INFO:
        memset(&op->u.info, 0, sizeof(op->u.info));
        op->u.info.domid = FAKE_DOMID;
        op->u.info.flags = XL_INFO_PAUSED;
        op->u.info.nr_vcpus = fk.max_vcpus;
        op->u.info.tot_pages = fk.nr_pages;
        op->u.info.max_pages = fk.max_pages;
        op->u.info.shared_info_frame = FAKE_SHINFO;
        memcpy(op->u.info.name, fk.name, sizeof(fk.name));
        return 0;
    case XL_DOMCTL_GET_FRAMES: {
        uint64_t start = op->u.frames.start, nr = op->u.frames.nr;
        uint64_t *list = (uint64_t *)(uintptr_t)op->u.frames.list.p;

        assert_true(nr > 0);
        assert_true(start < fk.nr_pages && nr <= fk.nr_pages - start);
        assert_non_null(list);
        if (fk.frames_chunk && nr > fk.frames_chunk) {
            nr = fk.frames_chunk;
        }
        for (uint64_t i = 0; i < nr; i++) {
            list[i] = fk.p2m[start + i];
        }
        if (fk.frames_bad_mfn && start == 0) {
            list[1] = 1ull << 40;
        }
        op->u.frames.nr = fk.frames_returns_zero ? 0 : nr;
        return 0;
    }
    case XL_DOMCTL_HYPERCALL_PAGE: {
        uint64_t idx = op->u.hypercall_page.mfn - FAKE_MFN_BASE;

        /* One of the domain's frames (a writable mapping of it may exist). */
        assert_true(op->u.hypercall_page.mfn >= FAKE_MFN_BASE && idx < FAKE_POOL);
        assert_true(fk.owned[idx]);
        fake_fill_hypercall_page(fk.direct + idx * 4096);
        fk.hypercall_page_mfn = op->u.hypercall_page.mfn;
        return 0;
    }
    case XL_DOMCTL_SET_VCPU_CONTEXT: {
        const struct vcpu_guest_context *c =
            (const struct vcpu_guest_context *)(uintptr_t)op->u.vcpu_context.ctxt.p;

        /* Page tables become page tables here: no mapping may remain. */
        assert_int_equal(fk.live_maps, 0);
        assert_int_equal(op->u.vcpu_context.vcpu, 0);
        assert_false(fk.context_set);
        assert_non_null(c);
        fk.ctxt = *c;
        fk.context_set = true;
        return 0;
    }
    default:
        fail_msg("unexpected domctl %u", cmd);
        return -XEN_ENOSYS;
    }
}

static void *fake_map(void *ctx, domid_t dom, const uint64_t *mfns, size_t n)
{
    uint8_t *va;
    int slot;

    assert_ptr_equal(ctx, &fk);
    assert_int_equal(dom, FAKE_DOMID);
    assert_true(n >= 1 && n <= BUILDER_MAP_MAX);
    if (++fk.map_calls == fk.fail_map_at) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(fk.owned[fake_pool_index(mfns[i])]); /* only the domain's own frames */
    }
    for (slot = 0; slot < FAKE_MAX_MAPS && fk.maps[slot].va; slot++) {
    }
    assert_true(slot < FAKE_MAX_MAPS);
    va = mmap(NULL, n * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(va != MAP_FAILED);
    for (size_t i = 0; i < n; i++) {
        void *p = mmap(va + i * 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                       fk.memfd, (off_t)(fake_pool_index(mfns[i]) * 4096));
        assert_ptr_equal(p, va + i * 4096);
    }
    fk.maps[slot].va = va;
    fk.maps[slot].n = n;
    fk.live_maps++;
    if (fk.live_maps > fk.max_live_maps) {
        fk.max_live_maps = fk.live_maps;
    }
    if (n > fk.largest_map) {
        fk.largest_map = n;
    }
    return va;
}

static void fake_unmap(void *ctx, void *va, size_t n)
{
    assert_ptr_equal(ctx, &fk);
    for (int slot = 0; slot < FAKE_MAX_MAPS; slot++) {
        if (fk.maps[slot].va == va) {
            assert_int_equal(fk.maps[slot].n, n);
            assert_int_equal(munmap(va, n * 4096), 0);
            fk.maps[slot].va = NULL;
            fk.live_maps--;
            return;
        }
    }
    fail_msg("unmap of %p, which is not mapped", va);
}

static int fake_evtchn(void *ctx, domid_t dom, domid_t remote, uint32_t *port)
{
    assert_ptr_equal(ctx, &fk);
    assert_int_equal(dom, FAKE_DOMID);
    assert_false(fk.context_set);
    if (++fk.evtchn_calls == fk.fail_evtchn_at) {
        return -XEN_ENOSPC;
    }
    assert_true(fk.ports_given < 8);
    fk.port_remote[fk.ports_given] = remote;
    *port = ++fk.ports_given + 10; /* ports 11, 12, ... */
    return 0;
}

static void fake_log(void *ctx, const char *msg)
{
    size_t n = strlen(fk.log);

    assert_ptr_equal(ctx, &fk);
    snprintf(fk.log + n, sizeof(fk.log) - n, "%s\n", msg);
}

static const struct builder_ops fake_ops = {
    .ctx = &fk,
    .domctl = fake_domctl,
    .map = fake_map,
    .unmap = fake_unmap,
    .evtchn_alloc_unbound = fake_evtchn,
    .log = fake_log,
};

#endif /* TESTS_UNIT_DOM0_FAKE_HV_H */
