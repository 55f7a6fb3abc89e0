/*
 * set_debugreg / get_debugreg, with Xen's rules: breakpoint addresses must be
 * guest addresses, DR6/DR7 reserved bits are forced, general detect is the
 * hypervisor's, and I/O breakpoints need the guest's CR4.DE. The values are
 * loaded into the hardware while the vCPU runs, so breakpoints really fire;
 * a #DB the hypervisor takes on a guest breakpoint is ignored (traps.c).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/pv.h>
#include <asm/x86.h>

#define DR6_ONES 0xffff0ff0ull
#define DR6_GUEST_BITS 0x0000e00full        /* B0-B3, BD, BS, BT */
#define DR7_ONES (1ull << 10)
#define DR7_ZEROS ((1ull << 11) | (1ull << 12) | (1ull << 14) | (1ull << 15))
#define DR7_GD (1ull << 13)
#define DR7_ACTIVE 0xffull                  /* L0-L3, G0-G3 */
#define X86_CR4_DE (1ull << 3)

static void load_dr(unsigned int n, uint64_t v)
{
    switch (n) {
    case 0: __asm__ volatile("mov %0, %%dr0" : : "r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%dr1" : : "r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%dr2" : : "r"(v)); break;
    case 3: __asm__ volatile("mov %0, %%dr3" : : "r"(v)); break;
    case 6: __asm__ volatile("mov %0, %%dr6" : : "r"(v)); break;
    default: __asm__ volatile("mov %0, %%dr7" : : "r"(v)); break;
    }
}

void pv_debugregs_init(struct vcpu *v)
{
    v->arch.dr[6] = DR6_ONES;
    v->arch.dr[7] = DR7_ONES;
}

void pv_load_debugregs(struct vcpu *v)
{
    for (unsigned int i = 0; i < 4; i++) {
        load_dr(i, v->arch.dr[i]);
    }
    load_dr(6, v->arch.dr[6]);
    load_dr(7, v->arch.dr[7]);
}

uint64_t pv_take_dr6(void)
{
    uint64_t dr6;

    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    load_dr(6, DR6_ONES);   /* DR6 is sticky: reset it for the next #DB */
    return dr6 & DR6_GUEST_BITS;
}

long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value)
{
    bool current = v == current_vcpu();

    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_range_ok(value, sizeof(uint64_t))) {
            return -EPERM;
        }
        v->arch.dr[reg] = value;
        break;
    case 4:
    case 6:
        if ((v->arch.vcr4 & X86_CR4_DE) && reg == 4) {
            return -ENODEV;
        }
        if (value != (uint32_t)value) {
            return -EINVAL;
        }
        reg = 6;
        v->arch.dr[6] = (value & DR6_GUEST_BITS) | DR6_ONES;
        break;
    case 5:
    case 7:
        if ((v->arch.vcr4 & X86_CR4_DE) && reg == 5) {
            return -ENODEV;
        }
        if (value != (uint32_t)value) {
            return -EINVAL;
        }
        value = (value & ~DR7_ZEROS) | DR7_ONES;
        if (value & DR7_GD) {
            return -EPERM;
        }
        for (unsigned int i = 16; i < 32; i += 4) {
            if (((value >> i) & 3) == 2 && !(v->arch.vcr4 & X86_CR4_DE)) {
                return -EPERM;      /* I/O breakpoints need CR4.DE */
            }
        }
        reg = 7;
        v->arch.dr[7] = value;
        break;
    default:
        return -ENODEV;
    }
    if (current) {
        load_dr(reg, v->arch.dr[reg]);
    }
    return 0;
}

long pv_get_debugreg(struct vcpu *v, unsigned int reg)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        return (long)v->arch.dr[reg];
    case 4:
    case 6:
        if ((v->arch.vcr4 & X86_CR4_DE) && reg == 4) {
            return -ENODEV;
        }
        return (long)v->arch.dr[6];
    case 5:
    case 7:
        if ((v->arch.vcr4 & X86_CR4_DE) && reg == 5) {
            return -ENODEV;
        }
        return (long)v->arch.dr[7];
    default:
        return -ENODEV;
    }
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return pv_set_debugreg(current_vcpu(), reg > 7 ? 8 : (unsigned int)reg, value);
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return pv_get_debugreg(current_vcpu(), reg > 7 ? 8 : (unsigned int)reg);
}
