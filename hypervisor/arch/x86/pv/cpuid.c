/*
 * The CPUID a PV guest sees through the forced-emulation prefix: the host's
 * leaves with what a PV guest must not use hidden, plus Xen's leaves from
 * 0x40000000 ("XenVMMXenVMM"). Raw CPUID in a guest is not intercepted; the
 * ABI's answer to that is this prefix, which Linux uses for every CPUID.
 */
#include <hv/lib.h>
#include <asm/pv.h>
#include <asm/x86.h>

#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_MAX  (XEN_CPUID_BASE + 5)

enum { A, B, C, D };

static void xen_leaves(uint32_t leaf, uint32_t res[4])
{
    memset(res, 0, 4 * sizeof(uint32_t));
    switch (leaf - XEN_CPUID_BASE) {
    case 0:
        res[A] = XEN_CPUID_MAX;
        memcpy(&res[B], "XenV", 4);
        memcpy(&res[C], "MMXe", 4);
        memcpy(&res[D], "nVMM", 4);
        break;
    case 1:
        res[A] = (4u << 16) | 17u;      /* the Xen ABI version we implement: 4.17 */
        break;
    case 2:
        res[A] = 1;                     /* one hypercall page */
        res[B] = XEN_CPUID_BASE;        /* its MSR (an HVM interface; unused by PV) */
        break;
    case 5:
        res[B] = 44;                    /* machine address width: keeps guests on grant v1 */
        break;
    default:
        break;                          /* 3 (time), 4 (HVM): nothing for PV */
    }
}

/* Hide what a ring-3 kernel cannot use or must not rely on (linux-pv-guest-needs §3). */
static void filter(uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    switch (leaf) {
    case 1:
        res[D] &= ~((1u << 1) | (1u << 2) | (1u << 3) | (1u << 12) | (1u << 13) | (1u << 17) |
                    (1u << 22) | (1u << 29));  /* VME DE PSE MTRR PGE PSE36 ACPI TM */
        res[C] &= ~((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15) |
                    (1u << 17) | (1u << 18) | (1u << 21) | (1u << 24) | (1u << 26) | (1u << 27));
        res[C] |= 1u << 31;             /* running on a hypervisor */
        break;
    case 5:
    case 6:
        memset(res, 0, 4 * sizeof(uint32_t));   /* MONITOR/MWAIT, power management */
        break;
    case 7:
        if (sub == 0) {
            res[B] &= ~((1u << 0) | (1u << 1) | (1u << 4) | (1u << 7) | (1u << 10) | (1u << 11) |
                        (1u << 14) | (1u << 20));   /* FSGSBASE TSC_ADJ HLE SMEP INVPCID RTM MPX SMAP */
            res[C] &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 16));  /* UMIP PKU OSPKE LA57 */
        } else {
            memset(res, 0, 4 * sizeof(uint32_t));
        }
        break;
    case 0xd:
        memset(res, 0, 4 * sizeof(uint32_t));   /* XSAVE is hidden */
        break;
    case 0x80000001:
        res[D] &= ~(1u << 26);          /* 1 GiB pages */
        res[C] &= ~(1u << 2);           /* SVM */
        break;
    default:
        break;
    }
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    (void)v;
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
        if (leaf <= XEN_CPUID_MAX) {
            xen_leaves(leaf, res);
        } else {
            memset(res, 0, 4 * sizeof(uint32_t));
        }
        return;
    }
    cpuid_count(leaf, sub, &res[A], &res[B], &res[C], &res[D]);
    filter(leaf, sub, res);
}
