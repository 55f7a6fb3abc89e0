/* SPDX-License-Identifier: MIT */
/*
 * A fork-like address space: build a second kernel L4 and user L4 from free
 * frames (sharing our L4 slot 0, with a new L3/L2/L1 under slot 1 mapping
 * user code and data), make the tables read-only and pin them, switch to
 * them with NEW_BASEPTR + NEW_USER_BASEPTR in one batch (as Linux does), run
 * user code there, switch back, unpin, and check every frame came back:
 * each can be mapped writable again, and the L4 can be built and used again.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_fork: build, switch to, use and tear down a second address space";

#define EBUSY  XEN_EBUSY
#define EINVAL XEN_EINVAL

#define PROT_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PROT_PT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define USER_VA UINT64_C(0x0000008000000000) /* L4 slot 1 */

/* The runtime's exec_user() installs our boot L4 as the user L4 on first
 * use; this test runs user code under its own user L4, so it calls the
 * primitive underneath. */
uint64_t __exec_user(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags);

enum { L4K, L4U, L3, L2, L1, CODE, UDATA, NPAGES };
static uint64_t page[NPAGES][512] __aligned(4096);
static const char *const names[NPAGES] = {"kernel L4", "user L4", "L3", "L2", "L1", "code", "data"};

/* rax = *(rip-relative data page); rax += rdi; store rax after it; ret */
static const uint8_t user_code[] = {
    0x48, 0x8b, 0x05, 0xf9, 0x0f, 0x00, 0x00, /* mov 0xff9(%rip), %rax  -> code+0x1000 */
    0x48, 0x01, 0xf8,                         /* add %rdi, %rax */
    0x48, 0x89, 0x05, 0xf7, 0x0f, 0x00, 0x00, /* mov %rax, 0xff7(%rip)  -> code+0x1008 */
    0xc3,                                     /* ret */
};

static uint64_t mfn(int i)
{
    return virt_to_mfn(page[i]);
}
static long switch_to(uint64_t kl4, uint64_t ul4)
{
    struct mmuext_op op[2] = {{.cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = kl4},
                              {.cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = ul4}};
    unsigned int done = 0xdead;
    long rc = hypercall_mmuext_op(op, 2, &done, DOMID_SELF);
    CHECK_EQ(done, rc ? 0 : 2); /* our failures are in the first op */
    return rc;
}

static void build(void)
{
    const uint64_t *cur = pt_mfn_to_virt(read_cr3() >> 12);

    memset(page, 0, sizeof(page));
    memcpy(page[CODE], user_code, sizeof(user_code));
    page[UDATA][0] = 1000;
    page[L1][0] = (mfn(CODE) << 12) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER;
    page[L1][1] = (mfn(UDATA) << 12) | PROT_RW | _PAGE_USER;
    page[L2][0] = (mfn(L1) << 12) | PROT_PT;
    page[L3][0] = (mfn(L2) << 12) | PROT_PT;
    for (int i = 0; i < 512; i++)
        if (i < 256 || i >= 272)
            page[L4K][i] = cur[i];
    page[L4K][1] = (mfn(L3) << 12) | PROT_PT;
    page[L4U][0] = cur[0];
    page[L4U][1] = (mfn(L3) << 12) | PROT_PT;
}

static void make_ro_and_pin(void)
{
    /* Not yet read-only: refused, nothing taken. */
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, mfn(L4K)), -EINVAL);
    CHECK_EQ(switch_to(mfn(L4K), mfn(L4U)), -EINVAL);
    CHECK_EQ(read_cr3() >> 12, virt_to_mfn((void *)start_info->pt_base));
    for (int i = L4K; i <= L1; i++)
        CHECK_EQ(remap_page(page[i], PROT_RO), 0);
    /* L3/L2/L1 are validated once, under the first L4; the second shares. */
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, mfn(L4K)), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, mfn(L4U)), 0);
    for (int i = L4K; i <= L1; i++)
        CHECK_EQ(remap_page(page[i], PROT_RW), -EBUSY);
}

static void run_there(uint64_t arg)
{
    uint64_t old = read_cr3() >> 12;
    volatile uint64_t *udata = (volatile uint64_t *)(USER_VA + 0x1000);

    CHECK_EQ(switch_to(mfn(L4K), mfn(L4U)), 0);
    CHECK_EQ(read_cr3() >> 12, mfn(L4K));
    CHECK_EQ(udata[0], 1000); /* the new mapping, from kernel mode */
    CHECK_EQ(page[UDATA][0], 1000);
    CHECK_EQ(__exec_user((uint64_t(*)(uint64_t))USER_VA, arg, X86_EFLAGS_MBS), 1000 + arg);
    CHECK_EQ(udata[1], 1000 + arg);
    CHECK_EQ(read_cr3() >> 12, mfn(L4K));
    CHECK_EQ(switch_to(old, 0), 0);
    CHECK_EQ(read_cr3() >> 12, old);
    CHECK_EQ(((volatile uint64_t *)page[UDATA])[1], 1000 + arg);
}

static void tear_down(void)
{
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, mfn(L4U)), 0);
    /* Still held by the other L4. */
    for (int i = L3; i <= L1; i++)
        CHECK_EQ(remap_page(page[i], PROT_RW), -EBUSY);
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, mfn(L4K)), 0);
    for (int i = 0; i < NPAGES; i++) {
        if (!CHECK_EQ(remap_page(page[i], PROT_RW), 0))
            printf("  %s (mfn %#lx) did not come back\n", names[i], mfn(i));
        ((volatile uint64_t *)page[i])[511] = 0x5a; /* and is writable */
    }
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, mfn(L4K)), -EINVAL);
}

void test_main(void)
{
    printf("build and pin\n");
    build();
    make_ro_and_pin();
    printf("switch, run user code, switch back\n");
    run_there(234);
    printf("tear down\n");
    tear_down();

    printf("again, with the same frames\n");
    build();
    make_ro_and_pin();
    run_there(5);
    tear_down();

    printf("a base pointer alone keeps the tree alive\n");
    build();
    for (int i = L4K; i <= L1; i++)
        CHECK_EQ(remap_page(page[i], PROT_RO), 0);
    uint64_t old = read_cr3() >> 12;
    CHECK_EQ(switch_to(mfn(L4K), 0), 0);
    CHECK_EQ(((volatile uint64_t *)(USER_VA + 0x1000))[0], 1000);
    CHECK_EQ(remap_page(page[L1], PROT_RW), -EBUSY);
    CHECK_EQ(switch_to(old, 0), 0);
    for (int i = 0; i < NPAGES; i++)
        CHECK_EQ(remap_page(page[i], PROT_RW), 0);
}
