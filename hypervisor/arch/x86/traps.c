/*
 * Trap handling. Nothing guest-related yet: a fault in ring 0 is either
 * expected (the exception table has a fixup for it) or fatal, in which case
 * the register dump, the decoded error and a backtrace are printed before
 * the machine stops. Interrupts are dispatched by vector.
 */
#include <hv/arch.h>
#include <hv/backtrace.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/symbols.h>
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/traps.h>
#include <asm/x86.h>

struct extable_entry {
    int64_t fault;      /* addresses, relative to the entry itself */
    int64_t fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

static void (*timer_handler)(void);

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
    "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
    "reserved 27", "#HV injection", "#VC VMM communication", "#SX security", "reserved 31",
};

void traps_set_timer_handler(void (*fn)(void))
{
    timer_handler = fn;
}

vaddr_t extable_fixup(vaddr_t rip)
{
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if ((vaddr_t)&e->fault + (vaddr_t)e->fault == rip) {
            return (vaddr_t)&e->fixup + (vaddr_t)e->fixup;
        }
    }
    return 0;
}

static void describe_error(const struct cpu_regs *r, char *buf, size_t len)
{
    uint64_t ec = r->error_code;

    if (r->vector == 14) {
        fmt_snprintf(buf, len, " [%s, %s, %s%s%s]", ec & 2 ? "write" : "read",
                     ec & 4 ? "user" : "supervisor",
                     ec & 1 ? "protection violation" : "not present",
                     ec & 8 ? ", reserved bit" : "", ec & 16 ? ", instruction fetch" : "");
    } else if ((r->vector == 13 || r->vector == 10 || r->vector == 11 || r->vector == 12) && ec) {
        fmt_snprintf(buf, len, " [%s %s index %llu]", ec & 1 ? "external" : "",
                     ec & 2 ? "IDT" : (ec & 4 ? "LDT" : "GDT"),
                     (unsigned long long)((ec >> 3) & 0x1fff));
    } else {
        buf[0] = '\0';
    }
}

static void dump_regs(const struct cpu_regs *r)
{
    char err[96];
    uint64_t off = 0;
    const char *sym = symbols_lookup(r->rip, &off);

    describe_error(r, err, sizeof(err));
    log_err("----[ Xenolith fatal exception on CPU%u ]----\n", this_cpu()->id);
    log_err("%s (vector %llu), error code %#llx%s\n",
            r->vector < 32 ? vector_names[r->vector] : "interrupt",
            (unsigned long long)r->vector, (unsigned long long)r->error_code, err);
    log_err("RIP: %04llx:%016llx %s+%#llx\n", (unsigned long long)r->cs,
            (unsigned long long)r->rip, sym ? sym : "?", (unsigned long long)off);
    log_err("RSP: %04llx:%016llx  RFLAGS: %016llx\n", (unsigned long long)r->ss,
            (unsigned long long)r->rsp, (unsigned long long)r->rflags);
    log_err("RAX: %016llx  RBX: %016llx  RCX: %016llx\n", (unsigned long long)r->rax,
            (unsigned long long)r->rbx, (unsigned long long)r->rcx);
    log_err("RDX: %016llx  RSI: %016llx  RDI: %016llx\n", (unsigned long long)r->rdx,
            (unsigned long long)r->rsi, (unsigned long long)r->rdi);
    log_err("RBP: %016llx  R8:  %016llx  R9:  %016llx\n", (unsigned long long)r->rbp,
            (unsigned long long)r->r8, (unsigned long long)r->r9);
    log_err("R10: %016llx  R11: %016llx  R12: %016llx\n", (unsigned long long)r->r10,
            (unsigned long long)r->r11, (unsigned long long)r->r12);
    log_err("R13: %016llx  R14: %016llx  R15: %016llx\n", (unsigned long long)r->r13,
            (unsigned long long)r->r14, (unsigned long long)r->r15);
    log_err("CR0: %016lx  CR2: %016lx  CR3: %016lx  CR4: %016lx\n", read_cr0(), read_cr2(),
            read_cr3(), read_cr4());
}

void fatal_trap(const struct cpu_regs *r)
{
    dump_regs(r);
    backtrace_print(r->rip, r->rbp);
    panic_no_backtrace("fatal %s in hypervisor",
          r->vector < 32 ? vector_names[r->vector] : "interrupt");
}

void do_trap(struct cpu_regs *regs)
{
    uint64_t v = regs->vector;
    vaddr_t fix;

    switch (v) {
    case VECTOR_TIMER:
        this_cpu()->irq_count++;
        apic_eoi();
        if (timer_handler) {
            timer_handler();
        }
        return;
    case VECTOR_STOP:
        for (;;) {
            cli();
            hlt();
        }
    case VECTOR_SPURIOUS:
        return;
    case 2:
        log_warn("NMI on CPU%u at %#llx, ignored\n", this_cpu()->id,
                 (unsigned long long)regs->rip);
        return;
    default:
        break;
    }
    if (regs_from_guest(regs)) {
        pv_trap(regs);
        return;
    }
    if (v == 1) {
        /* A guest breakpoint hit by the hypervisor touching guest memory: not ours. */
        pv_take_dr6();
        return;
    }
    if (v < 32 && (fix = extable_fixup(regs->rip)) != 0) {
        regs->rip = fix;
        regs->rax = (uint64_t)-14;   /* -EFAULT for the code at the fixup */
        return;
    }
    fatal_trap(regs);
}

void arch_inject_fault(const char *kind)
{
    /* Addresses through a volatile so the compiler cannot see the bad access. */
    volatile uintptr_t unmapped = 0x8, noncanonical = 0x8000000000000000ull;

    log_info("test_fault=%s: injecting a fault in ring 0\n", kind);
    if (!strcmp(kind, "pf")) {
        (void)*(volatile uint64_t *)unmapped;          /* unmapped since paging_init */
    } else if (!strcmp(kind, "gp")) {
        (void)*(volatile uint64_t *)noncanonical;
    } else if (!strcmp(kind, "ud")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(kind, "de")) {
        volatile unsigned int zero = 0, sink;
        sink = 1000u / zero;
        (void)sink;
    } else if (!strcmp(kind, "bp")) {
        __asm__ volatile("int3");
    } else if (!strcmp(kind, "df")) {
        /* A #PF that cannot be delivered on this stack escalates to #DF (IST). */
        __asm__ volatile("mov $0x10, %%rsp; push %%rax" ::: "memory");
    } else if (!strcmp(kind, "panic")) {
        panic("test_fault=panic requested");
    } else {
        log_warn("test_fault=%s: unknown kind (pf gp ud de bp df panic)\n", kind);
        return;
    }
    log_err("test_fault=%s: the fault did not happen\n", kind);
}
