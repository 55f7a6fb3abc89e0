/*
 * CMocka tests of the PV domain builder (dom0/toolstack/builder.c) against a
 * fake hypervisor (fake_hv.h) that keeps machine frames in host memory.
 *
 * After a build the test walks the page tables the builder wrote, from the
 * L4 given in the vCPU context, and checks that they map exactly the layout
 * computed by the shared pv_layout code (every page of the bootstrap region
 * to its frame, page-table pages read-only, nothing else), then reads the
 * guest's memory through them: start_info, the p2m, the kernel, the initrd,
 * the hypercall page, the rings. Kernels are a synthetic XTF-like and
 * Linux-like image and the XTF-like fixture linked by the real toolchain.
 * Every domctl the builder makes is checked by the fake; each one is made to
 * fail in turn, and the domain must then be destroyed with a clear error.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_fixture.h"

#include <xen/elfnote.h>
#include <xenolith/elf64.h>
#include <xenolith/pv_elf.h>
#include <xenolith/pv_layout.h>

#include "fake_hv.h"

/* ---------------------------------------------------------------------------
 * Kernel images.
 */
struct img {
    _Alignas(8) uint8_t b[0x20000];
    size_t size;
    struct elf64_phdr ph[4];
    unsigned int nph;
};

static size_t img_append(struct img *im, const void *data, size_t len, size_t align, uint8_t seed)
{
    size_t off = (im->size + align - 1) & ~(align - 1);

    assert_true(off + len <= sizeof(im->b));
    for (size_t i = 0; i < len; i++) {
        im->b[off + i] = data ? ((const uint8_t *)data)[i] : (uint8_t)(i * 13 + seed);
    }
    im->size = off + len;
    return off;
}

static void img_phdr(struct img *im, uint32_t type, uint64_t off, uint64_t addr, uint64_t filesz,
                     uint64_t memsz)
{
    struct elf64_phdr *p = &im->ph[im->nph++];

    p->p_type = type;
    p->p_flags = ELF64_PF_R | ELF64_PF_W | ELF64_PF_X;
    p->p_offset = off;
    p->p_vaddr = addr;
    p->p_paddr = addr;
    p->p_filesz = filesz;
    p->p_memsz = memsz;
    p->p_align = type == ELF64_PT_NOTE ? 4 : 4096;
}

static void img_finish(struct img *im, uint64_t e_entry)
{
    struct elf64_ehdr e;

    memset(&e, 0, sizeof(e));

    memcpy(e.e_ident,
           "\x7f"
           "ELF",
           4);
    e.e_ident[ELF64_EI_CLASS] = ELF64_ELFCLASS64;
    e.e_ident[ELF64_EI_DATA] = ELF64_ELFDATA2LSB;
    e.e_ident[ELF64_EI_VERSION] = ELF64_EV_CURRENT;
    e.e_type = ELF64_ET_EXEC;
    e.e_machine = ELF64_EM_X86_64;
    e.e_version = ELF64_EV_CURRENT;
    e.e_entry = e_entry;
    e.e_phoff = sizeof(e);
    e.e_ehsize = sizeof(e);
    e.e_phentsize = sizeof(struct elf64_phdr);
    e.e_phnum = (uint16_t)im->nph;
    e.e_shentsize = sizeof(struct elf64_shdr);
    memcpy(im->b, &e, sizeof(e));
    memcpy(im->b + sizeof(e), im->ph, im->nph * sizeof(struct elf64_phdr));
}

struct notes {
    uint8_t b[1024];
    size_t len;
};

static void note(struct notes *n, uint32_t type, const void *desc, uint32_t descsz)
{
    uint32_t hdr[3] = {4, descsz, type};
    size_t pad = (descsz + 3u) & ~3u;

    memcpy(n->b + n->len, hdr, 12);
    memcpy(n->b + n->len + 12, "Xen", 4);
    memset(n->b + n->len + 16, 0, pad);
    memcpy(n->b + n->len + 16, desc, descsz);
    n->len += 16 + pad;
}

static void note_str(struct notes *n, uint32_t type, const char *s)
{
    note(n, type, s, (uint32_t)strlen(s) + 1);
}

static void note_u64(struct notes *n, uint32_t type, uint64_t v)
{
    note(n, type, &v, 8);
}

#define HDRS_END (sizeof(struct elf64_ehdr) + 4 * sizeof(struct elf64_phdr))

/* XTF-like: VA = pseudo-physical address, one RWX segment at 1 MiB with bss. */
#define XTF_BASE  0x100000ull
#define XTF_HCALL 0x102000ull
static void build_xtf(struct img *im)
{
    struct notes n = {{0}, 0};
    size_t off;

    memset(im, 0, sizeof(*im));
    im->size = HDRS_END;
    note_str(&n, XEN_ELFNOTE_GUEST_OS, "XTF");
    note_str(&n, XEN_ELFNOTE_LOADER, "generic");
    note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, XTF_HCALL);
    note_str(&n, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    off = img_append(im, n.b, n.len, 4, 0);
    img_phdr(im, ELF64_PT_NOTE, off, 0, n.len, n.len);
    off = img_append(im, NULL, 0x3100, 4096, 1);
    img_phdr(im, ELF64_PT_LOAD, off, XTF_BASE, 0x3100, 0x6000);
    img_finish(im, XTF_BASE + 0x40);
}

/* Linux-like: VIRT_BASE in the top 2 GiB, ENTRY and INIT_P2M notes, two
 * segments from 16 MiB up. */
#define LNX_BASE  0xffffffff80000000ull
#define LNX_ENTRY 0xffffffff81000100ull
static void build_linux(struct img *im)
{
    struct notes n = {{0}, 0};
    size_t off;

    memset(im, 0, sizeof(*im));
    im->size = HDRS_END;
    note_str(&n, XEN_ELFNOTE_GUEST_OS, "linux");
    note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(&n, XEN_ELFNOTE_LOADER, "generic");
    note_u64(&n, XEN_ELFNOTE_VIRT_BASE, LNX_BASE);
    note_u64(&n, XEN_ELFNOTE_PADDR_OFFSET, 0);
    note_u64(&n, XEN_ELFNOTE_ENTRY, LNX_ENTRY);
    note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, LNX_BASE + 0x1001000);
    note_u64(&n, XEN_ELFNOTE_INIT_P2M, 0x8000000000ull);
    note_str(&n, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    off = img_append(im, n.b, n.len, 4, 0);
    img_phdr(im, ELF64_PT_NOTE, off, 0, n.len, n.len);
    off = img_append(im, NULL, 0x2000, 4096, 2);
    img_phdr(im, ELF64_PT_LOAD, off, 0x1000000, 0x2000, 0x2000);
    off = img_append(im, NULL, 0x800, 4096, 3);
    img_phdr(im, ELF64_PT_LOAD, off, 0x1200000, 0x800, 0x3000);
    img_finish(im, 0x1000000);
}

static uint8_t *read_fixture(const char *rel, size_t *size)
{
    return test_fixture_read(rel, "guest-abi/build.mk", size);
}

/* ---------------------------------------------------------------------------
 * Reading the built domain back.
 */
#define PTE_P      0x001ull
#define PTE_RW     0x002ull
#define PTE_US     0x004ull
#define PTE_A      0x020ull
#define PTE_D      0x040ull
#define PTE_FLAGS  0xfffull
#define PTE_MFN(e) (((e) >> 12) & ((1ull << 40) - 1))

static struct pv_layout lay;
static struct pv_elf_info elf;
static char err[512];

static uint64_t mfn_at(uint64_t va)
{
    return fk.p2m[pv_layout_va_to_pfn(&lay, va)];
}

static bool is_pt_mfn(uint64_t mfn)
{
    for (uint64_t va = lay.pt_start; va < lay.pt_end; va += 4096) {
        if (mfn_at(va) == mfn) {
            return true;
        }
    }
    return false;
}

/* The leaf entry mapping va, or 0. */
static uint64_t walk(uint64_t va)
{
    uint64_t table = xen_cr3_to_pfn(fk.ctxt.ctrlreg[3]);

    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = ((const uint64_t *)fake_frame(table))[(va >> shift) & 511];

        if (!(e & PTE_P)) {
            return 0;
        }
        if (shift == 12) {
            return e;
        }
        table = PTE_MFN(e);
    }
    return 0;
}

/* Guest memory at va, through the guest's own page tables. */
static const uint8_t *gva(uint64_t va)
{
    uint64_t e = walk(va);

    assert_true(e & PTE_P);
    return fake_frame(PTE_MFN(e)) + (va & 4095);
}

static void check_guest_bytes(uint64_t va, const void *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t want = data ? ((const uint8_t *)data)[i] : 0;

        if (*gva(va + i) != want) {
            fail_msg("guest byte at %#llx is %#x, expected %#x", (unsigned long long)(va + i),
                     *gva(va + i), want);
        }
    }
}

static uint64_t sign_extend(uint64_t va)
{
    return va & (1ull << 47) ? va | 0xffff000000000000ull : va;
}

/* Every entry of every table reachable from the L4: the tables map exactly
 * [v_start, v_end), each page to its frame, tables read-only. */
static void check_page_tables(void)
{
    uint64_t l4 = xen_cr3_to_pfn(fk.ctxt.ctrlreg[3]);
    uint64_t leaves = 0, tables[4] = {1, 0, 0, 0};

    assert_int_equal(l4, mfn_at(lay.pt_start));
    for (unsigned int i4 = 0; i4 < 512; i4++) {
        uint64_t e4 = ((const uint64_t *)fake_frame(l4))[i4];

        if (!e4) {
            continue;
        }
        assert_int_equal(e4 & PTE_FLAGS, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
        assert_true(is_pt_mfn(PTE_MFN(e4)));
        tables[1]++;
        for (unsigned int i3 = 0; i3 < 512; i3++) {
            uint64_t e3 = ((const uint64_t *)fake_frame(PTE_MFN(e4)))[i3];

            if (!e3) {
                continue;
            }
            assert_int_equal(e3 & PTE_FLAGS, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
            assert_true(is_pt_mfn(PTE_MFN(e3)));
            tables[2]++;
            for (unsigned int i2 = 0; i2 < 512; i2++) {
                uint64_t e2 = ((const uint64_t *)fake_frame(PTE_MFN(e3)))[i2];

                if (!e2) {
                    continue;
                }
                assert_int_equal(e2 & PTE_FLAGS, PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
                assert_true(is_pt_mfn(PTE_MFN(e2)));
                tables[3]++;
                for (unsigned int i1 = 0; i1 < 512; i1++) {
                    uint64_t e1 = ((const uint64_t *)fake_frame(PTE_MFN(e2)))[i1];
                    uint64_t va = sign_extend((uint64_t)i4 << 39 | (uint64_t)i3 << 30 |
                                              (uint64_t)i2 << 21 | (uint64_t)i1 << 12);
                    bool pt = va >= lay.pt_start && va < lay.pt_end;

                    if (!e1) {
                        continue;
                    }
                    leaves++;
                    assert_true(va >= lay.v_start && va < lay.v_end);
                    assert_int_equal(PTE_MFN(e1), mfn_at(va));
                    assert_int_equal(e1 & PTE_FLAGS, pt ? PTE_P | PTE_US | PTE_A
                                                        : PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
                    assert_int_equal(e1 >> 52, 0);
                }
            }
        }
    }
    assert_int_equal(leaves, (lay.v_end - lay.v_start) / 4096);
    assert_int_equal(tables[1], lay.nr_l3);
    assert_int_equal(tables[2], lay.nr_l2);
    assert_int_equal(tables[3], lay.nr_l1);
    assert_true(1 + lay.nr_l3 + lay.nr_l2 + lay.nr_l1 <= lay.nr_pt_frames);
}

/* The hypervisor (the fake) filled the frame at the note's address. */
static void check_hypercall_page(uint64_t va)
{
    uint8_t want[4096];

    fake_fill_hypercall_page(want);
    check_guest_bytes(va, want, sizeof(want));
    assert_true(fk.hypercall_page_mfn != 0);
}

/* Everything about a successful build of req, whose kernel image is given. */
static void check_domain(const struct builder_request *req, const struct builder_result *res)
{
    struct pv_layout_request lr = {0};
    const struct start_info *si;
    const struct vcpu_guest_context *c = &fk.ctxt;
    static const struct trap_info no_traps[256];
    char msg[160];

    /* The layout the builder must have used. */
    assert_int_equal(pv_elf_parse(req->kernel, req->kernel_len, NULL, &elf, msg, sizeof(msg)), 0);
    elf.p2m_base = PV_ELF_UNSET;
    lr.elf = &elf;
    lr.nr_pages = req->nr_pages;
    lr.initrd_len = req->initrd_len;
    lr.nr_extra_pages = 2;
    lr.start_info_bytes = sizeof(struct start_info);
    assert_int_equal(pv_layout_compute(&lr, &lay), 0);

    /* The domain and the result. */
    assert_true(fk.created && fk.context_set);
    assert_false(fk.destroyed);
    assert_string_equal(fk.name, req->name);
    assert_int_equal(fk.max_pages, req->max_pages ? req->max_pages : req->nr_pages);
    assert_int_equal(fk.max_vcpus, req->vcpus ? req->vcpus : 1);
    assert_int_equal(fk.nr_pages, req->nr_pages);
    assert_int_equal(fk.live_maps, 0);
    assert_true(fk.largest_map <= BUILDER_MAP_MAX);
    assert_int_equal(res->domid, FAKE_DOMID);
    assert_int_equal(res->nr_pages, req->nr_pages);
    assert_int_equal(res->store_mfn, mfn_at(lay.extra_start));
    assert_int_equal(res->console_mfn, mfn_at(lay.extra_start + 4096));
    assert_int_equal(res->store_port, 11);
    assert_int_equal(res->console_port, 12);
    assert_int_equal(fk.ports_given, 2);
    assert_int_equal(fk.port_remote[0], req->store_domid);
    assert_int_equal(fk.port_remote[1], req->console_domid);
    assert_int_equal(res->shared_info_mfn, FAKE_SHINFO);
    assert_int_equal(res->entry, elf.entry);
    assert_int_equal(res->v_start, lay.v_start);
    assert_int_equal(res->v_end, lay.v_end);

    /* vCPU 0. */
    assert_int_equal(c->flags, VGCF_in_kernel | VGCF_online);
    assert_int_equal(c->user_regs.rip, elf.entry);
    assert_int_equal(c->user_regs.rsp, lay.stack_end);
    assert_int_equal(c->user_regs.rsi, lay.start_info);
    assert_int_equal(c->user_regs.rflags, 0x202);
    assert_int_equal(c->user_regs.cs, FLAT_KERNEL_CS);
    assert_int_equal(c->user_regs.ss, FLAT_KERNEL_SS);
    assert_int_equal(c->user_regs.ds, FLAT_KERNEL_DS);
    assert_int_equal(c->user_regs.es, FLAT_KERNEL_DS);
    assert_int_equal(c->user_regs.fs, FLAT_KERNEL_DS);
    assert_int_equal(c->user_regs.gs, FLAT_KERNEL_DS);
    assert_int_equal(c->user_regs.rax | c->user_regs.rbx | c->user_regs.rdi, 0);
    assert_int_equal(c->kernel_ss, FLAT_KERNEL_SS);
    assert_int_equal(c->kernel_sp, lay.stack_end);
    assert_int_equal(c->ctrlreg[3], xen_pfn_to_cr3(mfn_at(lay.pt_start)));
    assert_int_equal(c->ctrlreg[0] | c->ctrlreg[4], 0);
    assert_int_equal(c->debugreg[6], 0xffff0ff0);
    assert_int_equal(c->debugreg[7], 0x400);
    assert_memory_equal(c->trap_ctxt, no_traps, sizeof(no_traps));
    assert_int_equal(c->event_callback_eip | c->failsafe_callback_eip | c->syscall_callback_eip |
                         c->gdt_ents | c->ldt_ents,
                     0);

    check_page_tables();

    /* start_info, and nothing else in its page. */
    si = (const struct start_info *)gva(lay.start_info);
    assert_string_equal(si->magic, "xen-3.0-x86_64");
    assert_int_equal(si->nr_pages, req->nr_pages);
    assert_int_equal(si->shared_info, (uint64_t)FAKE_SHINFO << 12);
    assert_int_equal(si->flags, 0);
    assert_int_equal(si->store_mfn, res->store_mfn);
    assert_int_equal(si->store_evtchn, res->store_port);
    assert_int_equal(si->console.domU.mfn, res->console_mfn);
    assert_int_equal(si->console.domU.evtchn, res->console_port);
    assert_int_equal(si->pt_base, lay.pt_start);
    assert_int_equal(si->nr_pt_frames, lay.nr_pt_frames);
    assert_int_equal(si->mfn_list, lay.p2m_start);
    assert_int_equal(si->mod_start, req->initrd_len ? lay.initrd_start : 0);
    assert_int_equal(si->mod_len, req->initrd_len);
    assert_string_equal((const char *)si->cmd_line, req->cmdline ? req->cmdline : "");
    assert_int_equal(si->first_p2m_pfn | si->nr_p2m_frames, 0);
    check_guest_bytes(lay.start_info + sizeof(*si), NULL, 4096 - sizeof(*si));

    /* The p2m: pfn -> mfn for every frame. */
    for (uint64_t pfn = 0; pfn < req->nr_pages; pfn++) {
        uint64_t got;

        memcpy(&got, gva(lay.p2m_start + pfn * 8), 8);
        assert_int_equal(got, fk.p2m[pfn]);
    }

    /* The kernel, its bss, the initrd, the rings, the stack. */
    for (uint32_t i = 0; i < elf.nr_segments; i++) {
        const struct pv_elf_segment *s = &elf.segments[i];
        uint64_t hc = elf.hypercall_page;

        if (hc >= s->va && hc < s->va + s->filesz) { /* overwritten by the stubs */
            check_guest_bytes(s->va, (const uint8_t *)req->kernel + s->offset, hc - s->va);
        } else {
            check_guest_bytes(s->va, (const uint8_t *)req->kernel + s->offset, s->filesz);
        }
        check_guest_bytes(s->va + s->filesz, NULL, s->memsz - s->filesz);
    }
    if (elf.hypercall_page != PV_ELF_UNSET) {
        check_hypercall_page(elf.hypercall_page);
    }
    if (req->initrd_len) {
        check_guest_bytes(lay.initrd_start, req->initrd, req->initrd_len);
    }
    check_guest_bytes(lay.extra_start, NULL, 2 * 4096);
    check_guest_bytes(lay.stack_start, NULL, 4096);
}

/* ---------------------------------------------------------------------------
 * Successful builds.
 */
static struct img kern;
static struct builder_result res;

static struct builder_request xtf_request(void)
{
    struct builder_request req = {0};

    build_xtf(&kern);
    req.name = "xtf";
    req.nr_pages = builder_mib_to_pages(8);
    req.kernel = kern.b;
    req.kernel_len = kern.size;
    return req;
}

static int build(const struct builder_request *req)
{
    memset(&res, 0, sizeof(res));
    memset(err, 'X', sizeof(err));
    return builder_create(&fake_ops, req, &res, err, sizeof(err));
}

static void test_xtf_like(void **state)
{
    struct builder_request req = xtf_request();

    fake_init();
    assert_int_equal(build(&req), 0);
    assert_string_equal(err, "");
    check_domain(&req, &res);
    /* Exactly these domctls, in this order. */
    assert_int_equal(fk.nr_cmds, 7);
    assert_int_equal(fk.cmds[0], XL_DOMCTL_CREATE);
    assert_int_equal(fk.cmds[1], XL_DOMCTL_POPULATE);
    assert_int_equal(fk.cmds[2], XL_DOMCTL_GET_INFO);
    assert_int_equal(fk.cmds[3], XL_DOMCTL_GET_FRAMES); /* the p2m area's own frames */
    assert_int_equal(fk.cmds[4], XL_DOMCTL_GET_FRAMES); /* all of them, into the p2m */
    assert_int_equal(fk.cmds[5], XL_DOMCTL_HYPERCALL_PAGE); /* the ELF asks for one */
    assert_int_equal(fk.cmds[6], XL_DOMCTL_SET_VCPU_CONTEXT);
    assert_non_null(strstr(fk.log, "xtf: domain 7, XTF, 8 MiB, entry 0x100040\n"));
}

static void test_dirty_frames_initrd_cmdline(void **state)
{
    static uint8_t initrd[10000];
    struct builder_request req = xtf_request();

    for (size_t i = 0; i < sizeof(initrd); i++) {
        initrd[i] = (uint8_t)(i * 7 + 1);
    }
    fake_init();
    fk.dirty = true; /* what the builder must zero, it zeroes itself */
    req.initrd = initrd;
    req.initrd_len = sizeof(initrd);
    req.cmdline = "console=hvc0 quiet";
    req.max_pages = builder_mib_to_pages(16);
    req.store_domid = 3;
    req.console_domid = 4;
    assert_int_equal(build(&req), 0);
    check_domain(&req, &res);
}

static void test_fixture_xtf(void **state)
{
    size_t size;
    uint8_t *image = read_fixture("../guest-abi/fixtures/xtf_like.elf", &size);
    struct builder_request req = {0};
    char cmdline[1024];

    memset(cmdline, 'c', 1023);
    cmdline[1023] = '\0'; /* the longest command line */
    req.name = "fixture-guest-with-31-chars-abc";
    req.nr_pages = builder_mib_to_pages(4);
    req.kernel = image;
    req.kernel_len = size;
    req.cmdline = cmdline;
    fake_init();
    assert_int_equal(build(&req), 0);
    check_domain(&req, &res);
    assert_int_equal(elf.hypercall_page, 0x101000);
    assert_int_equal(res.entry, 0x100000);
    free(image);
}

static void test_linux_like(void **state)
{
    struct builder_request req = {0};

    build_linux(&kern);
    req.name = "linux";
    req.nr_pages = builder_mib_to_pages(32);
    req.kernel = kern.b;
    req.kernel_len = kern.size;
    req.cmdline = "root=/dev/xvda1";
    fake_init();
    assert_int_equal(build(&req), 0);
    check_domain(&req, &res);
    assert_int_equal(lay.v_start, LNX_BASE);
    assert_int_equal(res.entry, LNX_ENTRY);
    assert_true(lay.p2m_end - lay.p2m_start == req.nr_pages * 8); /* INIT_P2M not used */
    assert_non_null(strstr(fk.log, "INIT_P2M address is not used"));
}

static void test_chunked_populate_and_frames(void **state)
{
    struct builder_request req = xtf_request();

    fake_init();
    fk.populate_chunk = 1000;
    fk.frames_chunk = 300;
    assert_int_equal(build(&req), 0);
    check_domain(&req, &res);
    assert_int_equal(fk.nr_calls[XL_DOMCTL_POPULATE], 3);       /* 2048 pages */
    assert_int_equal(fk.nr_calls[XL_DOMCTL_GET_FRAMES], 1 + 7); /* 4 p2m frames, then 2048 */
}

/* ---------------------------------------------------------------------------
 * Failures.
 */

/* The build must fail with rc and message; the domain, if the builder
 * created it, destroyed (once); no mapping left; the builder usable again. */
static void expect_failure(const struct builder_request *req, int rc, const char *msg, bool destroy)
{
    struct builder_request ok = xtf_request();

    assert_int_equal(build(req), rc);
    assert_string_equal(err, msg);
    assert_int_equal(fk.live_maps, 0);
    assert_false(fk.context_set);
    assert_int_equal(fk.nr_calls[XL_DOMCTL_DESTROY], destroy ? 1 : 0);
    assert_int_equal(fk.destroyed, destroy && !fk.destroy_rc);
    if (fk.nr_calls[XL_DOMCTL_DESTROY]) {
        assert_int_equal(fk.cmds[fk.nr_cmds - 1], XL_DOMCTL_DESTROY);
    }
    fake_init();
    assert_int_equal(build(&ok), 0);
    fake_init();
}

struct injected {
    uint32_t cmd;
    int nth, rc;
    const char *msg;
};

static void test_each_domctl_fails(void **state)
{
    static const struct injected cases[] = {
        {XL_DOMCTL_CREATE, 1, -XEN_EEXIST,
         "xtf: CREATE failed: EEXIST (-17): a domain with that name exists"},
        {XL_DOMCTL_CREATE, 1, -XEN_EPERM, "xtf: CREATE failed: EPERM (-1)"},
        {XL_DOMCTL_POPULATE, 1, -XEN_ENOMEM,
         "domain 7: POPULATE failed after 1024 of 2048 pages: ENOMEM (-12)"},
        {XL_DOMCTL_POPULATE, 2, -XEN_ENOMEM,
         "domain 7: POPULATE failed after 1524 of 2048 pages: ENOMEM (-12)"},
        {XL_DOMCTL_GET_INFO, 1, -XEN_ESRCH, "domain 7: GET_INFO failed: ESRCH (-3)"},
        {XL_DOMCTL_GET_FRAMES, 1, -XEN_EFAULT,
         "domain 7: GET_FRAMES from pfn 262 failed: EFAULT (-14)"},
        {XL_DOMCTL_GET_FRAMES, 2, -XEN_EINVAL,
         "domain 7: GET_FRAMES from pfn 0 failed: EINVAL (-22)"},
        {XL_DOMCTL_SET_VCPU_CONTEXT, 1, -XEN_EINVAL,
         "domain 7: SET_VCPU_CONTEXT failed: EINVAL (-22): the boot page tables were refused"},
        {XL_DOMCTL_SET_VCPU_CONTEXT, 1, -XEN_EACCES,
         "domain 7: SET_VCPU_CONTEXT failed: EACCES (-13)"},
        {XL_DOMCTL_SET_VCPU_CONTEXT, 1, -99, "domain 7: SET_VCPU_CONTEXT failed: error (-99)"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct builder_request req = xtf_request();

        fake_init();
        fk.fail_cmd = cases[i].cmd;
        fk.fail_nth = cases[i].nth;
        fk.fail_rc = cases[i].rc;
        if (cases[i].nth == 2 && cases[i].cmd == XL_DOMCTL_POPULATE) {
            fk.populate_chunk = 1000;
        }
        expect_failure(&req, cases[i].rc, cases[i].msg, cases[i].cmd != XL_DOMCTL_CREATE);
    }
}

static void test_maps_and_ports_fail(void **state)
{
    struct builder_request req = xtf_request();

    fake_init();
    fk.fail_map_at = 1;
    expect_failure(&req, -XEN_ENOMEM, "mapping the 4 p2m frames of domain 7 failed", true);
    fk.fail_map_at = 2; /* the window, first at the kernel: pfn 256 in pfns 0-511 */
    expect_failure(&req, -XEN_ENOMEM, "mapping 512 frames of domain 7 (pfn 0) failed", true);
    fk.fail_evtchn_at = 1;
    expect_failure(&req, -XEN_ENOSPC, "domain 7: no event channel for xenstore: ENOSPC (-28)",
                   true);
    fk.fail_evtchn_at = 2;
    expect_failure(&req, -XEN_ENOSPC, "domain 7: no event channel for the console: ENOSPC (-28)",
                   true);
}

static void test_destroy_fails_too(void **state)
{
    struct builder_request req = xtf_request();

    fake_init();
    fk.fail_cmd = XL_DOMCTL_GET_INFO;
    fk.fail_nth = 1;
    fk.fail_rc = -XEN_ESRCH;
    fk.destroy_rc = -XEN_EBUSY;
    expect_failure(&req, -XEN_ESRCH,
                   "domain 7: GET_INFO failed: ESRCH (-3) (and DESTROY of domain 7 failed: "
                   "EBUSY (-16))",
                   true);
}

static void test_hostile_answers(void **state)
{
    struct builder_request req = xtf_request();

    fake_init();
    fk.populate_overshoots = true;
    expect_failure(&req, -XEN_EIO, "domain 7: POPULATE reports 2049 pages added of 2048 asked",
                   true);
    fk.frames_returns_zero = true;
    expect_failure(&req, -XEN_EIO, "domain 7: GET_FRAMES returned 0 entries for 4", true);
    fk.frames_bad_mfn = true;
    expect_failure(&req, -XEN_EIO, "domain 7: GET_FRAMES gave pfn 1 frame 0x10000000000", true);
    fk.create_returns = DOMID_SELF;
    /* Nothing to destroy: the id is not one the builder may touch. */
    expect_failure(&req, -XEN_EIO, "xtf: CREATE returned domain id 32752", false);
}

/* Requests refused before any hypercall. */
static void test_bad_requests(void **state)
{
    struct builder_request req;
    struct builder_ops ops = fake_ops;
    char longline[1100];

#define REFUSED(mutation, rc, msg)                                                                 \
    do {                                                                                           \
        req = xtf_request();                                                                       \
        mutation;                                                                                  \
        fake_init();                                                                               \
        assert_int_equal(build(&req), rc);                                                         \
        assert_string_equal(err, msg);                                                             \
        assert_int_equal(fk.nr_cmds, 0);                                                           \
        assert_int_equal(fk.map_calls, 0);                                                         \
    } while (0)

    REFUSED(req.name = NULL, -XEN_EINVAL, "builder: the domain name must have 1 to 31 characters");
    REFUSED(req.name = "", -XEN_EINVAL, "builder: the domain name must have 1 to 31 characters");
    REFUSED(req.name = "abcdefghijklmnopqrstuvwxyz0123456", -XEN_EINVAL,
            "builder: the domain name must have 1 to 31 characters");
    REFUSED(req.kernel = NULL, -XEN_EINVAL, "xtf: no kernel image");
    REFUSED(req.kernel_len = 0, -XEN_EINVAL, "xtf: no kernel image");
    REFUSED(req.initrd_len = 5, -XEN_EINVAL, "xtf: initrd length without an initrd");
    REFUSED(req.nr_pages = 0, -XEN_EINVAL, "xtf: memory of 0 pages is outside 1..1048576");
    REFUSED(req.nr_pages = BUILDER_MAX_PAGES + 1, -XEN_EINVAL,
            "xtf: memory of 1048577 pages is outside 1..1048576");
    REFUSED(req.max_pages = 100, -XEN_EINVAL,
            "xtf: memory limit (100 pages) below the memory (2048 pages)");
    memset(longline, 'x', 1024);
    longline[1024] = '\0';
    REFUSED(req.cmdline = longline, -XEN_EINVAL, "xtf: kernel command line longer than 1023 bytes");
    REFUSED(req.kernel_len = 10, -XEN_ENOEXEC,
            "xtf: not a usable PV kernel: the image is 10 bytes, shorter than a 64-byte ELF64 "
            "header");
    REFUSED(kern.b[0] = 'Z', -XEN_ENOEXEC,
            "xtf: not a usable PV kernel: not an ELF file (bad magic number)");
    REFUSED(req.nr_pages = 300, -XEN_ENOMEM,
            "xtf: 1200 KiB of memory is too small: kernel, initrd and boot tables need 4096 KiB");
    REFUSED((req.initrd = kern.b, req.initrd_len = 1ull << 30), -XEN_E2BIG,
            "xtf: kernel, initrd (1073741824 bytes) and boot tables do not fit in 1 GiB");

    req = xtf_request();
    fake_init();
    ops.evtchn_alloc_unbound = NULL;
    assert_int_equal(builder_create(&ops, &req, &res, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "builder: an operation is missing from builder_ops");
    assert_int_equal(builder_create(&fake_ops, NULL, &res, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "builder: no request");
    /* No error buffer, no result pointer: still a clean build. */
    fake_init();
    assert_int_equal(builder_create(&fake_ops, &req, NULL, NULL, 0), 0);
    assert_true(fk.context_set);
#undef REFUSED
}

static int teardown(void **state)
{
    fake_fini();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xtf_like),
        cmocka_unit_test(test_dirty_frames_initrd_cmdline),
        cmocka_unit_test(test_fixture_xtf),
        cmocka_unit_test(test_linux_like),
        cmocka_unit_test(test_chunked_populate_and_frames),
        cmocka_unit_test(test_each_domctl_fails),
        cmocka_unit_test(test_maps_and_ports_fail),
        cmocka_unit_test(test_destroy_fails_too),
        cmocka_unit_test(test_hostile_answers),
        cmocka_unit_test(test_bad_requests),
    };

    return cmocka_run_group_tests_name("builder", tests, NULL, teardown);
}
