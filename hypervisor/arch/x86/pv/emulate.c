/*
 * Emulation of what a PV kernel executes in ring 3 and the CPU refuses:
 * the forced-emulation prefix (ud2; "xen"; cpuid) on #UD, and on #GP(0)
 * rdmsr/wrmsr, moves from and to control and debug registers, clts, wbinvd
 * and port I/O. Instruction bytes are fetched through the checked guest copy;
 * anything not recognised is left to the caller, which injects the fault.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include <asm/pv.h>
#include <asm/x86.h>

#define MAX_INSN 15

static const uint8_t fep[] = { 0x0f, 0x0b, 'x', 'e', 'n' };

/* Fetch up to MAX_INSN bytes at rip; a fault part way keeps what came before. */
static size_t fetch(uint64_t rip, uint8_t *buf)
{
    size_t n = 0;

    if (!copy_from_guest(buf, rip, MAX_INSN)) {
        return MAX_INSN;
    }
    while (n < MAX_INSN && !copy_from_guest(buf + n, rip + n, 1)) {
        n++;
    }
    return n;
}

static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const map[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                                &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                                &r->r12, &r->r13, &r->r14, &r->r15 };
    return map[n & 15];
}

bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[MAX_INSN];
    uint32_t res[4];

    if (fetch(regs->rip, insn) < sizeof(fep) + 2 || memcmp(insn, fep, sizeof(fep)) ||
        insn[5] != 0x0f || insn[6] != 0xa2) {
        return false;   /* only CPUID may follow the prefix */
    }
    pv_cpuid(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, res);
    regs->rax = res[0];
    regs->rbx = res[1];
    regs->rcx = res[2];
    regs->rdx = res[3];
    regs->rip += sizeof(fep) + 2;
    return true;
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
        *val = v->arch.fs_base;
        return true;
    case MSR_GS_BASE:
        *val = v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user;
        return true;
    case MSR_KERNEL_GS_BASE:
        *val = v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
        return true;
    case MSR_EFER:
        *val = EFER_SCE | EFER_LME | (1u << 10) | EFER_NXE;   /* LMA too */
        return true;
    case 0x10:              /* TSC */
        *val = rdtsc();
        return true;
    case 0x277:             /* PAT: the one the hypervisor runs with, as Xen reports its own */
        *val = 0x0000050100070406ull;
        return true;
    case 0x174: case 0x175: case 0x176:    /* SYSENTER: unused by 64-bit PV */
    case 0x8b:              /* microcode revision */
        *val = 0;
        return true;
    default:
        return false;
    }
}

static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t cur;

    switch (msr) {
    case MSR_EFER:
        /* Writing back what it reads is harmless; changing it is refused. */
        return read_msr(v, msr, &cur) && cur == val;
    case MSR_FS_BASE:
        if (!is_canonical(val)) {
            return false;
        }
        v->arch.fs_base = val;
        wrmsr(MSR_FS_BASE, val);
        return true;
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE: {
        bool active = (msr == MSR_GS_BASE);
        bool kernel = v->arch.kernel_mode == active;   /* which of the two it names */
        if (!is_canonical(val)) {
            return false;
        }
        if (kernel) {
            v->arch.gs_base_kernel = val;
        } else {
            v->arch.gs_base_user = val;
        }
        wrmsr(msr, val);
        return true;
    }
    case 0x174: case 0x175: case 0x176:
    case 0x8b:
        return true;        /* accepted, without effect */
    default:
        return false;
    }
}

static uint64_t guest_cr(struct vcpu *v, unsigned int n)
{
    switch (n) {
    case 0:
        return (read_cr0() & ~X86_CR0_TS) | (v->arch.fpu_dirty_ts ? X86_CR0_TS : 0);
    case 2:
        return v->vcpu_info->arch.cr2;
    case 3:
        return (v->arch.kernel_mode || v->arch.guest_table_user == INVALID_MFN
                    ? v->arch.guest_table : v->arch.guest_table_user) << PAGE_SHIFT;
    default:
        return v->arch.vcr4;
    }
}

static bool set_guest_cr(struct vcpu *v, unsigned int n, uint64_t val)
{
    switch (n) {
    case 0:
        /* Only TS is the guest's to change. */
        if ((val ^ guest_cr(v, 0)) & ~X86_CR0_TS) {
            return false;
        }
        v->arch.fpu_dirty_ts = (val & X86_CR0_TS) != 0;
        write_cr0(v->arch.fpu_dirty_ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
        return true;
    case 2:
        v->vcpu_info->arch.cr2 = val;
        return true;
    case 4:
        /* A virtual CR4: kept for the guest to read back, never loaded. */
        v->arch.vcr4 = val;
        return true;
    default:
        return false;
    }
}

/* Ports the hypervisor owns: the PICs, the PIT, COM1 and QEMU's debug exit. */
static bool port_reserved(uint16_t port, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        if ((p >= 0x20 && p <= 0x21) || (p >= 0xa0 && p <= 0xa1) || (p >= 0x40 && p <= 0x43) ||
            p == 0x61 || (p >= 0x3f8 && p <= 0x3ff) || (p >= 0xf4 && p <= 0xf7)) {
            return true;
        }
    }
    return false;
}

static uint32_t port_in(uint16_t port, unsigned int size)
{
    switch (size) {
    case 1:
        return inb(port);
    case 2: {
        uint16_t v;
        __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    default: {
        uint32_t v;
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    }
}

static void port_out(uint16_t port, unsigned int size, uint32_t v)
{
    switch (size) {
    case 1:
        outb(port, (uint8_t)v);
        break;
    case 2:
        __asm__ volatile("outw %0, %1" : : "a"((uint16_t)v), "Nd"(port));
        break;
    default:
        outl(port, v);
        break;
    }
}

/*
 * Port I/O from a guest, allowed by its virtual IOPL as on Xen (the kernel
 * counts as ring 1). dom0 reaches the real ports except the hypervisor's,
 * and the PCI address latch (CF8) is kept per domain and replayed before a
 * data-port access; denied reads return all ones and denied writes vanish.
 */
static bool emulate_io(struct vcpu *v, struct cpu_regs *regs, uint8_t op, uint16_t port,
                       unsigned int size)
{
    struct domain *d = v->domain;
    bool in = !(op & 2);
    bool direct = is_privileged(d) && !port_reserved(port, size);
    uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffull;

    if (v->arch.iopl < (v->arch.kernel_mode ? 1u : 3u)) {
        return false;
    }
    if (is_privileged(d) && port == 0xcf8 && size == 4) {
        if (in) {
            regs->rax = d->arch.pci_cf8;
        } else {
            d->arch.pci_cf8 = (uint32_t)regs->rax;
        }
        return true;
    }
    if (direct && port >= 0xcfc && port + size <= 0xd00) {
        outl(0xcf8, d->arch.pci_cf8);
    }
    if (in) {
        uint32_t val = direct ? port_in(port, size) : 0xffffffffu;
        regs->rax = size == 4 ? (val & mask) : ((regs->rax & ~mask) | (val & mask));
    } else if (direct) {
        port_out(port, size, (uint32_t)(regs->rax & mask));
    }
    return true;
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[MAX_INSN], rex = 0;
    size_t len = fetch(regs->rip, insn), i = 0;
    bool opsize16 = false;
    uint64_t val;

    for (; i < len; i++) {
        uint8_t b = insn[i];
        if (b == 0x66) {
            opsize16 = true;
        } else if ((b & 0xf0) == 0x40) {
            rex = b;
        } else if (b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x3e ||
                   b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65) {
            rex = 0;
        } else {
            break;
        }
    }
    if (i + 1 > len) {
        return false;
    }
    switch (insn[i]) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:   /* in/out with an immediate port */
        if (i + 2 > len ||
            !emulate_io(v, regs, insn[i], insn[i + 1], insn[i] & 1 ? (opsize16 ? 2 : 4) : 1)) {
            return false;
        }
        regs->rip += i + 2;
        return true;
    case 0xec: case 0xed: case 0xee: case 0xef:   /* in/out with the port in dx */
        if (!emulate_io(v, regs, insn[i], (uint16_t)regs->rdx,
                        insn[i] & 1 ? (opsize16 ? 2 : 4) : 1)) {
            return false;
        }
        regs->rip += i + 1;
        return true;
    case 0x0f:
        break;
    default:
        return false;
    }
    if (!v->arch.kernel_mode) {
        return false;   /* the rest is the kernel's: guest user mode gets the #GP */
    }
    if (i + 2 > len) {
        return false;
    }
    switch (insn[i + 1]) {
    case 0x06:      /* clts */
        set_guest_cr(v, 0, guest_cr(v, 0) & ~X86_CR0_TS);
        regs->rip += i + 2;
        return true;
    case 0x08:      /* invd */
    case 0x09:      /* wbinvd: caches are coherent for a PV guest */
        regs->rip += i + 2;
        return true;
    case 0x30:      /* wrmsr */
        if (!write_msr(v, (uint32_t)regs->rcx, (regs->rdx << 32) | (uint32_t)regs->rax)) {
            return false;
        }
        regs->rip += i + 2;
        return true;
    case 0x32:      /* rdmsr */
        if (!read_msr(v, (uint32_t)regs->rcx, &val)) {
            return false;
        }
        regs->rax = (uint32_t)val;
        regs->rdx = val >> 32;
        regs->rip += i + 2;
        return true;
    case 0x20:      /* mov %crN, %reg */
    case 0x22: {    /* mov %reg, %crN */
        uint8_t modrm;
        unsigned int cr, reg;
        if (i + 3 > len || ((modrm = insn[i + 2]) >> 6) != 3) {
            return false;
        }
        cr = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
        reg = (modrm & 7) | (rex & 1 ? 8 : 0);
        if (cr != 0 && cr != 2 && cr != 3 && cr != 4) {
            return false;
        }
        if (insn[i + 1] == 0x20) {
            *gpr(regs, reg) = guest_cr(v, cr);
        } else if (!set_guest_cr(v, cr, *gpr(regs, reg))) {
            return false;
        }
        regs->rip += i + 3;
        return true;
    }
    case 0x21:      /* mov %drN, %reg */
    case 0x23: {    /* mov %reg, %drN */
        uint8_t modrm;
        unsigned int dr, reg;
        if (i + 3 > len || ((modrm = insn[i + 2]) >> 6) != 3) {
            return false;
        }
        dr = (modrm >> 3) & 7;
        reg = (modrm & 7) | (rex & 1 ? 8 : 0);
        if (insn[i + 1] == 0x21) {
            long dv = pv_get_debugreg(v, dr);
            if (dv < 0 && dv > -4096) {
                return false;
            }
            *gpr(regs, reg) = (uint64_t)dv;
        } else if (pv_set_debugreg(v, dr, *gpr(regs, reg))) {
            return false;
        }
        regs->rip += i + 3;
        return true;
    }
    default:
        return false;
    }
}
