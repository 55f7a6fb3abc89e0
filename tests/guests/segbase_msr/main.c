/* SPDX-License-Identifier: MIT */
/*
 * set_segment_base (FS, kernel GS, user GS, user GS selector) and the
 * emulated rdmsr/wrmsr of FS_BASE, GS_BASE, SHADOW_GS_BASE (non-canonical ->
 * #GP), EFER (read; writes must not change it), PAT, TSC; unknown MSRs give
 * #GP once a #GP handler exists.  The user GS base is what user mode sees.
 */
#include <rt/runtime.h>

const char test_title[] = "segbase_msr: set_segment_base, rdmsr/wrmsr emulation";

static volatile uint64_t var_fs = 0xf5f5, var_gs = 0x6565, var_gsu = 0x7575, var2 = 0x2222;

static uint64_t rd_fs(void)
{
    uint64_t v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}
static uint64_t rd_gs(void)
{
    uint64_t v;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}
static uint64_t user_rd_gs(uint64_t x)
{
    (void)x;
    return rd_gs();
}
static uint64_t user_rd_fs(uint64_t x)
{
    (void)x;
    return rd_fs();
}

static uint64_t rdmsr_ex(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    uint64_t ex;
    __asm__ volatile("1: rdmsr\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex), "=d"(hi)
                     : "c"(msr), "a"(0), "d"(0)
                     : "memory");
    lo = (uint32_t)ex;
    if (!(ex & EXINFO_VALID)) {
        *val = ((uint64_t)hi << 32) | lo;
        return 0;
    }
    return ex;
}

static uint64_t wrmsr_ex(uint32_t msr, uint64_t val)
{
    uint64_t ex;
    __asm__ volatile("1: wrmsr\n\txor %%eax, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "memory");
    return ex;
}

void test_main(void)
{
    uint64_t v = 0;
    const uint64_t bad = 0x0000800000000000ul;

    printf("set_segment_base\n");
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_FS, (uintptr_t)&var_fs), 0);
    CHECK_EQ(rd_fs(), 0xf5f5);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_KERNEL, (uintptr_t)&var_gs), 0);
    CHECK_EQ(rd_gs(), 0x6565);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_USER, (uintptr_t)&var_gsu), 0);
    CHECK_EQ(rd_gs(), 0x6565);                  /* kernel GS unchanged */
    CHECK_EQ(exec_user(user_rd_gs, 0), 0x7575); /* user mode sees the user GS */
    CHECK_EQ(exec_user(user_rd_fs, 0), 0xf5f5); /* FS is shared */
    CHECK_EQ(rd_gs(), 0x6565);                  /* and the kernel's is back */
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_FS, bad), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_KERNEL, bad), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_USER, bad), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_segment_base(4, 0), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_segment_base(0xffffffff, 0), -XEN_EINVAL);
    CHECK_EQ(rd_fs(), 0xf5f5); /* failed calls changed nothing */

    printf("rdmsr/wrmsr of the segment bases\n");
    CHECK_EQ(rdmsr_ex(MSR_FS_BASE, &v), 0);
    CHECK_EQ(v, (uintptr_t)&var_fs);
    CHECK_EQ(rdmsr_ex(MSR_GS_BASE, &v), 0);
    CHECK_EQ(v, (uintptr_t)&var_gs);
    CHECK_EQ(rdmsr_ex(MSR_SHADOW_GS_BASE, &v), 0);
    CHECK_EQ(v, (uintptr_t)&var_gsu);
    CHECK_EQ(wrmsr_ex(MSR_FS_BASE, (uintptr_t)&var2), 0);
    CHECK_EQ(rd_fs(), 0x2222);
    CHECK_EQ(wrmsr_ex(MSR_SHADOW_GS_BASE, (uintptr_t)&var_fs), 0);
    CHECK_EQ(exec_user(user_rd_gs, 0), 0xf5f5);
    CHECK_EQ(wrmsr_ex(MSR_GS_BASE, (uintptr_t)&var2), 0);
    CHECK_EQ(rd_gs(), 0x2222);
    CHECK_EQ(wrmsr_ex(MSR_FS_BASE, bad), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(wrmsr_ex(MSR_GS_BASE, bad), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(wrmsr_ex(MSR_SHADOW_GS_BASE, bad), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(rd_fs(), 0x2222);

    printf("user GS selector\n");
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    CHECK_EQ(rdmsr_ex(MSR_SHADOW_GS_BASE, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_USER_SEL, FLAT_RING3_DS32), 0);
    CHECK_EQ(rdmsr_ex(MSR_SHADOW_GS_BASE, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(rd_gs(), 0x2222); /* the kernel GS base is untouched */

    printf("other MSRs\n");
    uint64_t efer = 0;
    CHECK_EQ(rdmsr_ex(MSR_EFER, &efer), 0);
    CHECK_EQ(efer & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA);
    CHECK_EQ(wrmsr_ex(MSR_EFER, efer), 0); /* same value: ignored */
    CHECK_EQ(wrmsr_ex(MSR_EFER, efer ^ EFER_SCE), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(rdmsr_ex(MSR_EFER, &v), 0);
    CHECK_EQ(v, efer);
    CHECK_EQ(rdmsr_ex(MSR_IA32_CR_PAT, &v), 0);
    CHECK_EQ(v, 0x0000050100070406ul); /* Xen's own PAT */
    uint64_t t1 = 0, t2 = 0;
    CHECK_EQ(rdmsr_ex(MSR_IA32_TSC, &t1), 0);
    CHECK_EQ(rdmsr_ex(MSR_IA32_TSC, &t2), 0);
    CHECK(t2 > t1, "TSC %lx then %lx", t1, t2);
    CHECK_EQ(rdmsr_ex(0x12345678, &v), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(wrmsr_ex(0x12345678, 1), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(rdmsr_ex(0xc0001234, &v), EXINFO(X86_EXC_GP, 0));

    CHECK_EQ(hypercall_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
    CHECK_EQ(hypercall_set_segment_base(SEGBASE_FS, 0), 0);
}
