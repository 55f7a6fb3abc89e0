/* SPDX-License-Identifier: MIT */
/*
 * Forced-emulation CPUID (`ud2; .ascii "xen"; cpuid`): works before any trap
 * table exists, reports the hypervisor leaves from 0x40000000 ("XenVMMXenVMM",
 * eax >= base + 2, base + 1 = the xen_version number), works from guest user
 * mode; the prefix in front of anything else raises #UD at the ud2.
 */
#include <rt/runtime.h>

const char test_title[] = "fep_cpuid: forced-emulation CPUID, before and after traps";

static struct cpuid_res early_base, early_leaf0;
static bool early_done;

void test_early(void)
{
    /* No trap table yet: if this is not emulated the domain dies here. */
    early_base = cpuid_fep(XEN_CPUID_FIRST_LEAF, 0);
    early_leaf0 = cpuid_fep(0, 0);
    early_done = true;
}

static bool is_xen_sig(struct cpuid_res r)
{
    char sig[13];
    memcpy(sig, &r.b, 4);
    memcpy(sig + 4, &r.c, 4);
    memcpy(sig + 8, &r.d, 4);
    sig[12] = 0;
    return !strcmp(sig, XEN_CPUID_SIGNATURE);
}

static uint64_t user_fep(uint64_t leaf)
{
    struct cpuid_res r = cpuid_fep((uint32_t)leaf, 0);
    return is_xen_sig(r) ? r.a : 0;
}

void test_main(void)
{
    CHECK(early_done);
    CHECK(is_xen_sig(early_base), "leaf 0x40000000 before traps: %08x %08x %08x", early_base.b,
          early_base.c, early_base.d);
    CHECK(early_base.a >= XEN_CPUID_FIRST_LEAF + 2 && early_base.a < XEN_CPUID_FIRST_LEAF + 0x100,
          "max leaf %#x", early_base.a);

    struct cpuid_res base = cpuid_fep(XEN_CPUID_FIRST_LEAF, 0);
    CHECK(is_xen_sig(base));
    CHECK_EQ(base.a, early_base.a);
    printf("hypervisor leaves 0x40000000-%#x\n", base.a);

    struct cpuid_res ver = cpuid_fep(XEN_CPUID_FIRST_LEAF + 1, 0);
    CHECK_EQ(ver.a, hypercall_xen_version(XENVER_version, NULL));
    struct cpuid_res pages = cpuid_fep(XEN_CPUID_FIRST_LEAF + 2, 0);
    CHECK(pages.a >= 1, "hypercall pages %u", pages.a);

    /* Leaf 0 and 1 through the hypervisor: same vendor, hypervisor bit set. */
    struct cpuid_res l0 = cpuid_fep(0, 0), n0 = cpuid_native(0, 0);
    CHECK_EQ(l0.b, early_leaf0.b);
    CHECK(l0.b == n0.b && l0.c == n0.c && l0.d == n0.d, "vendor differs from the native one");
    struct cpuid_res l1 = cpuid_fep(1, 0);
    CHECK(l1.c & (1u << 31), "CPUID.1:ECX.hypervisor clear (%#x)", l1.c);

    /* The prefix before anything but cpuid: #UD at the ud2, nothing executed. */
    uint64_t ex, rip, rax = 7;
    __asm__ volatile("lea 1f(%%rip), %[rip]\n\t"
                     "1: .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\t"
                     "mov $99, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex), [rip] "=&r"(rip)
                     : "a"(rax)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(last_exc.regs.rip, rip);
    __asm__ volatile("1: .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\tnop\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));
    /* A wrong signature is a plain ud2. */
    __asm__ volatile(
        "1: .byte 0x0f, 0x0b, 0x78, 0x65, 0x6d, 0x0f, 0xa2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
        : "=a"(ex)
        : "a"(0)
        : "rbx", "rcx", "rdx", "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));

    /* From guest user mode (no CPUID faulting). */
    CHECK_EQ(exec_user(user_fep, XEN_CPUID_FIRST_LEAF), base.a);
}
