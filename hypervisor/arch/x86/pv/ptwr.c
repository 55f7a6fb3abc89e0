/*
 * Writable page tables: a guest kernel store to one of its own L1 page
 * tables (mapped read-only, as every page table is) faults; the store is
 * decoded, applied to a copy of the entry, and the result goes through the
 * same validation as an mmu_update. Linux relies on this (the FEATURES note
 * "!writable_page_tables"): plain mov, xchg, cmpxchg, bts/btr/btc and
 * and/or/xor with an immediate (Linux's set_bit/clear_bit on a constant bit).
 *
 * The store must lie within one 8-byte entry. Anything else, or a new entry
 * that fails validation, leaves the page table untouched and the guest gets
 * its page fault, as on Xen.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/x86.h>

#define MAX_INSN 15
#define FLAG_CF (1ull << 0)
#define FLAG_PF (1ull << 2)
#define FLAG_ZF (1ull << 6)
#define FLAG_SF (1ull << 7)
#define FLAG_OF (1ull << 11)
#define ARITH_FLAGS (FLAG_CF | FLAG_PF | FLAG_ZF | FLAG_SF | FLAG_OF | (1ull << 4))

enum op { OP_MOV, OP_XCHG, OP_CMPXCHG, OP_BTS, OP_BTR, OP_BTC, OP_AND, OP_OR, OP_XOR };

struct insn {
    enum op op;
    unsigned int size;      /* operand bytes: 1, 2, 4 or 8 */
    unsigned int reg;       /* ModRM.reg (with REX.R) */
    bool has_imm;
    uint64_t imm;
    unsigned int len;
};

static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const map[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                                &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                                &r->r12, &r->r13, &r->r14, &r->r15 };
    return map[n & 15];
}

/* Bytes of a ModRM memory operand (ModRM itself, SIB, displacement); 0 if a register. */
static unsigned int modrm_len(const uint8_t *p, size_t avail)
{
    unsigned int mod, rm, n = 1;

    if (avail < 1) {
        return 0;
    }
    mod = p[0] >> 6;
    rm = p[0] & 7;
    if (mod == 3) {
        return 0;
    }
    if (rm == 4) {
        if (avail < 2) {
            return 0;
        }
        n++;
        if (mod == 0 && (p[1] & 7) == 5) {
            n += 4;
        }
    } else if (mod == 0 && rm == 5) {
        n += 4;     /* RIP-relative */
    }
    n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
    return n <= avail ? n : 0;
}

static uint64_t read_imm(const uint8_t *p, unsigned int bytes, bool sign_extend)
{
    uint64_t v = 0;

    memcpy(&v, p, bytes);
    if (sign_extend && bytes < 8 && (v >> (bytes * 8 - 1)) & 1) {
        v |= ~0ull << (bytes * 8);
    }
    return v;
}

/* Decode the store; false if it is not one this emulator takes. */
static bool decode(const uint8_t *b, size_t len, struct insn *in)
{
    unsigned int i = 0, rex = 0, mlen, opsz = 4;
    uint8_t op;

    for (; i < len; i++) {
        if (b[i] == 0xf0 || b[i] == 0x2e || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x36 ||
            b[i] == 0x64 || b[i] == 0x65) {
            continue;   /* lock, segment overrides (flat in long mode) */
        }
        if (b[i] == 0x66) {
            opsz = 2;
            continue;
        }
        break;
    }
    if (i < len && (b[i] & 0xf0) == 0x40) {
        rex = b[i++];
    }
    if (rex & 8) {
        opsz = 8;
    }
    if (i >= len) {
        return false;
    }
    op = b[i++];
    memset(in, 0, sizeof(*in));
    if (op == 0x0f) {
        if (i >= len) {
            return false;
        }
        op = b[i++];
        mlen = modrm_len(b + i, len - i);
        if (!mlen) {
            return false;
        }
        in->reg = ((b[i] >> 3) & 7) | (rex & 4 ? 8 : 0);
        in->size = opsz;
        switch (op) {
        case 0xb0: in->op = OP_CMPXCHG; in->size = 1; break;
        case 0xb1: in->op = OP_CMPXCHG; break;
        case 0xab: in->op = OP_BTS; break;
        case 0xb3: in->op = OP_BTR; break;
        case 0xbb: in->op = OP_BTC; break;
        case 0xba: {
            static const enum op ops[4] = { OP_MOV, OP_BTS, OP_BTR, OP_BTC };
            unsigned int sub = (b[i] >> 3) & 7;
            if (sub < 5 || i + mlen >= len) {
                return false;   /* bt (4) does not write */
            }
            in->op = ops[sub - 4];
            in->has_imm = true;
            in->imm = b[i + mlen];
            in->len = i + mlen + 1;
            return true;
        }
        default:
            return false;
        }
        in->len = i + mlen;
        return true;
    }
    mlen = modrm_len(b + i, len - i);
    if (!mlen) {
        return false;
    }
    in->reg = ((b[i] >> 3) & 7) | (rex & 4 ? 8 : 0);
    in->size = (op & 1) ? opsz : 1;
    switch (op) {
    case 0x88: case 0x89: in->op = OP_MOV; break;
    case 0x86: case 0x87: in->op = OP_XCHG; break;
    case 0x08: case 0x09: in->op = OP_OR; break;
    case 0x20: case 0x21: in->op = OP_AND; break;
    case 0x30: case 0x31: in->op = OP_XOR; break;
    case 0xc6: case 0xc7:
    case 0x80: case 0x81: case 0x83: {
        unsigned int sub = (b[i] >> 3) & 7, ib = op == 0x81 ? MIN(in->size, 4u)
                                             : op == 0xc7 ? MIN(in->size, 4u) : 1;
        if (op == 0xc6 || op == 0xc7) {
            if (sub != 0) {
                return false;
            }
            in->op = OP_MOV;
        } else if (sub == 1) {
            in->op = OP_OR;
        } else if (sub == 4) {
            in->op = OP_AND;
        } else if (sub == 6) {
            in->op = OP_XOR;
        } else {
            return false;
        }
        if (i + mlen + ib > len) {
            return false;
        }
        in->has_imm = true;
        in->imm = read_imm(b + i + mlen, ib, true);
        in->len = i + mlen + ib;
        return true;
    }
    default:
        return false;
    }
    in->len = i + mlen;
    return true;
}

static uint64_t size_mask(unsigned int size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static uint64_t logic_flags(uint64_t res, unsigned int size)
{
    uint64_t f = 0;
    uint8_t low = (uint8_t)res;

    if ((res & size_mask(size)) == 0) {
        f |= FLAG_ZF;
    }
    if ((res >> (size * 8 - 1)) & 1) {
        f |= FLAG_SF;
    }
    if (!(__builtin_popcount(low) & 1)) {
        f |= FLAG_PF;
    }
    return f;
}

/*
 * Apply the decoded store to the operand's old value. Returns whether memory
 * is written, the new operand value and the register/flag side effects.
 */
static bool execute(const struct insn *in, struct cpu_regs *regs, uint64_t old, uint64_t *new)
{
    uint64_t mask = size_mask(in->size), src = in->has_imm ? in->imm : *gpr(regs, in->reg);
    unsigned int bits = in->size * 8, bit;

    src &= mask;
    switch (in->op) {
    case OP_MOV:
        *new = src;
        return true;
    case OP_XCHG:
        *new = src;
        *gpr(regs, in->reg) = in->size >= 4 ? old : ((*gpr(regs, in->reg) & ~mask) | old);
        return true;
    case OP_CMPXCHG: {
        uint64_t acc = regs->rax & mask;
        regs->rflags &= ~ARITH_FLAGS;
        if (acc == old) {
            regs->rflags |= FLAG_ZF;
            *new = src;
            return true;
        }
        regs->rax = in->size >= 4 ? old : ((regs->rax & ~mask) | old);
        return false;
    }
    case OP_BTS: case OP_BTR: case OP_BTC:
        bit = (unsigned int)(src & (bits - 1));
        regs->rflags = (regs->rflags & ~FLAG_CF) | ((old >> bit) & 1);
        *new = in->op == OP_BTS ? old | (1ull << bit)
             : in->op == OP_BTR ? old & ~(1ull << bit) : old ^ (1ull << bit);
        return true;
    default:
        *new = (in->op == OP_AND ? old & src : in->op == OP_OR ? old | src : old ^ src) & mask;
        regs->rflags = (regs->rflags & ~ARITH_FLAGS) | logic_flags(*new, in->size);
        return true;
    }
}

/* The L1 entry mapping va in the current address space, as a frame and index. */
static bool find_pte(struct vcpu *v, uint64_t va, mfn_t *l1, unsigned int *index)
{
    mfn_t t = v->arch.kernel_mode || v->arch.guest_table_user == INVALID_MFN
                  ? v->arch.guest_table : v->arch.guest_table_user;
    static const unsigned int shifts[3] = { L4_SHIFT, L3_SHIFT, L2_SHIFT };

    for (unsigned int i = 0; i < 3; i++) {
        uint64_t e = ((const uint64_t *)mfn_to_virt(t))[pt_index(va, shifts[i])];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE)) {
            return false;
        }
        t = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!mfn_valid(t)) {
            return false;
        }
    }
    *l1 = t;
    *index = (unsigned int)pt_index(va, L1_SHIFT);
    return true;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t addr)
{
    struct domain *d = v->domain;
    uint8_t bytes[MAX_INSN];
    struct insn in;
    unsigned int idx, shift;
    mfn_t map_l1, target;
    uint64_t pte, *slot, old, new_op, new_pte;
    size_t got = 0;

    if (!v->arch.kernel_mode || !guest_range_ok(addr, 1)) {
        return false;
    }
    /* Which frame was written, and is it one of d's validated L1 tables? */
    if (!find_pte(v, addr, &map_l1, &idx)) {
        return false;
    }
    pte = ((const uint64_t *)mfn_to_virt(map_l1))[idx];
    target = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    if (!mfn_valid(target) || mfn_to_page(target)->owner != d->id ||
        mfn_to_page(target)->type != PGT_L1 || !(mfn_to_page(target)->flags & PGF_VALIDATED)) {
        return false;
    }
    while (got < MAX_INSN && !copy_from_guest(bytes + got, regs->rip + got, 1)) {
        got++;
    }
    if (!decode(bytes, got, &in) || ((addr & 7) + in.size) > 8) {
        return false;
    }
    slot = (uint64_t *)mfn_to_virt(target) + ((addr & (PAGE_SIZE - 1)) >> 3);
    shift = (unsigned int)(addr & 7) * 8;
    old = (*slot >> shift) & size_mask(in.size);
    {
        struct cpu_regs scratch = *regs;    /* side effects only once the store is accepted */
        bool store = execute(&in, &scratch, old, &new_op);

        if (store) {
            new_pte = (*slot & ~(size_mask(in.size) << shift)) | (new_op << shift);
            if (pv_update_entry(d, target, 1, (unsigned int)((addr & (PAGE_SIZE - 1)) >> 3),
                                new_pte, false)) {
                return false;
            }
        }
        *regs = scratch;
    }
    regs->rip += in.len;
    return true;
}
