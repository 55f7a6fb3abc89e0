/* SPDX-License-Identifier: MIT */
/*
 * FPU state and fpu_taskswitch, as Xen does it for PV: fpu_taskswitch(1) sets
 * the virtual CR0.TS and the next FPU instruction raises #NM in the guest;
 * delivering that #NM clears the virtual TS (the handler need not clts);
 * clts and `mov %cr0` are emulated as fpu_taskswitch.  Without TS the FPU
 * state is kept across guest kernel <-> user transitions.  A guest kernel
 * that switches FPU state lazily on #NM keeps two user processes' x87 state
 * apart.
 */
#include <rt/runtime.h>

const char test_title[] = "fpu: fpu_taskswitch, #NM, FPU isolation between user processes";

struct fxsave_area {
    uint8_t b[512];
} __aligned(16);
static struct fxsave_area area[2];
static int fpu_owner = -1, current_proc;
static unsigned int nm_count;
static uint64_t nm_cs;

static void fxsave(struct fxsave_area *a)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*a));
}
static void fxrstor(struct fxsave_area *a)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*a));
}
static void fpu_load(int64_t v)
{
    __asm__ volatile("fninit\n\tfildq %0" : : "m"(v));
}
static int64_t fpu_pop(void)
{
    int64_t v;
    __asm__ volatile("fistpq %0" : "=m"(v));
    return v;
}

static bool nm_hook(struct cpu_regs *r)
{
    if (r->vector != X86_EXC_NM)
        return false;
    nm_count++;
    nm_cs = r->cs;
    /* Xen cleared the virtual TS when it delivered #NM. */
    if (read_cr0() & X86_CR0_TS)
        test_fail("CR0.TS still set in the #NM handler");
    if (fpu_owner >= 0)
        fxsave(&area[fpu_owner]);
    fxrstor(&area[current_proc]);
    fpu_owner = current_proc;
    return true; /* re-run the instruction */
}

static void switch_to(int proc)
{
    current_proc = proc;
    if (fpu_owner != proc)
        CHECK_EQ(hypercall_fpu_taskswitch(1), 0);
}

static uint64_t u_load(uint64_t v)
{
    fpu_load((int64_t)v);
    return 0;
}
static uint64_t u_pop(uint64_t v)
{
    (void)v;
    return (uint64_t)fpu_pop();
}

void test_main(void)
{
    exc_hook = nm_hook;

    printf("fpu_taskswitch(1): #NM on the next FPU instruction\n");
    CHECK_EQ(hypercall_fpu_taskswitch(0), 0);
    fpu_load(5);
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    CHECK_EQ(hypercall_fpu_taskswitch(1), 0);
    CHECK_EQ(read_cr0() & X86_CR0_TS, X86_CR0_TS);
    current_proc = 0;
    fpu_owner = -1;
    fxsave(&area[1]); /* #NM: handler restores area[0] (zeroed) */
    CHECK_EQ(nm_count, 1);
    CHECK_EQ(nm_cs & 0xffff, FLAT_RING3_CS64_KERNEL_FRAME);
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    fxsave(&area[1]); /* no second #NM */
    CHECK_EQ(nm_count, 1);

    printf("clts and mov to %%cr0 are fpu_taskswitch\n");
    CHECK_EQ(hypercall_fpu_taskswitch(1), 0);
    __asm__ volatile("clts");
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    fpu_load(6);
    CHECK_EQ(fpu_pop(), 6);
    CHECK_EQ(nm_count, 1);
    __asm__ volatile("mov %0, %%cr0" : : "r"(read_cr0() | X86_CR0_TS));
    CHECK_EQ(read_cr0() & X86_CR0_TS, X86_CR0_TS);
    fpu_load(7); /* #NM */
    CHECK_EQ(nm_count, 2);
    CHECK_EQ(fpu_pop(), 7);

    printf("FPU state survives kernel <-> user transitions\n");
    CHECK_EQ(hypercall_fpu_taskswitch(0), 0);
    fpu_load(4444);
    CHECK_EQ(exec_user(u_pop, 0), 4444);
    CHECK_EQ(exec_user(u_load, 5555), 0);
    CHECK_EQ(fpu_pop(), 5555);
    CHECK_EQ(nm_count, 2);

    printf("two user processes, lazy switching on #NM\n");
    __asm__ volatile("fninit");
    fxsave(&area[0]);
    fxsave(&area[1]);
    fpu_owner = 0;
    current_proc = 0;
    nm_count = 0;
    CHECK_EQ(exec_user(u_load, 1111), 0); /* process 0 owns the FPU */
    switch_to(1);
    CHECK_EQ(exec_user(u_load, 2222), 0); /* #NM: save 0, restore 1 */
    CHECK_EQ(nm_count, 1);
    CHECK_EQ(nm_cs & 0xffff, FLAT_RING3_CS64); /* from user mode */
    CHECK_EQ(exec_user(u_pop, 0), 2222);
    CHECK_EQ(exec_user(u_load, 3333), 0);
    switch_to(0);
    CHECK_EQ(exec_user(u_pop, 0), 1111); /* #NM: save 1, restore 0 */
    CHECK_EQ(nm_count, 2);
    switch_to(1);
    CHECK_EQ(exec_user(u_pop, 0), 3333);
    CHECK_EQ(nm_count, 3);
    switch_to(1); /* same owner: no TS, no #NM */
    CHECK_EQ(exec_user(u_load, 1), 0);
    CHECK_EQ(nm_count, 3);
    exc_hook = NULL;
}
