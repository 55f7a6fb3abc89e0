/* Putting a PV vCPU on this CPU, and keeping its clock current. */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/lib.h>
#include <hv/time.h>
#include <xen/vcpu.h>
#include <xen/xen.h>
#include <asm/mm.h>
#include <asm/flushtlb.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <asm/x86.h>

void arch_vcpu_init(struct vcpu *v)
{
    v->arch.guest_table = INVALID_MFN;
    v->arch.guest_table_user = INVALID_MFN;
    v->arch.kernel_mode = true;
    v->arch.vcr4 = X86_CR4_PAE | (1ul << 6) | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT; /* as Xen: PAE MCE OSFXSR OSXMMEXCPT */
    pv_debugregs_init(v);
    /* The FPU as after FNINIT, SSE as after reset: x87 control 0x37f, MXCSR 0x1f80. */
    memset(v->arch.fpu, 0, sizeof(v->arch.fpu));
    v->arch.fpu[0] = 0x7f;
    v->arch.fpu[1] = 0x03;
    v->arch.fpu[24] = 0x80;
    v->arch.fpu[25] = 0x1f;
}

/* An event for v: wake it if it sleeps (its CPU decides again on its next exit). */
void arch_vcpu_kick(struct vcpu *v)
{
    vcpu_wake(v);
}

int arch_get_writable_frame(struct domain *d, mfn_t mfn)
{
    return get_page_and_type(mfn, d, PGT_WRITABLE);
}

struct vcpu *current_vcpu(void)
{
    return this_cpu()->curr;
}

void set_current_vcpu(struct vcpu *v)
{
    this_cpu()->curr = v;
}

/*
 * The pvclock: the guest computes system time from the TSC with these
 * figures. The version is odd while they change, so readers retry.
 */
static void write_time_info(struct vcpu_time_info *t)
{
    struct time_scale s;

    tsc_get_scale(&s);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = rdtsc();
    t->system_time = (uint64_t)tsc_to_system(t->tsc_timestamp);
    t->tsc_to_system_mul = s.mul_frac;
    t->tsc_shift = s.shift;
    t->flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
}

void pv_update_time(struct vcpu *v)
{
    struct shared_info *si = v->domain->shared_info;

    write_time_info(&v->vcpu_info->time);
    if (&si->vcpu_info[v->id] != v->vcpu_info && v->id < XEN_LEGACY_MAX_VCPUS) {
        write_time_info(&si->vcpu_info[v->id].time);
    }
    if (si->wc_version == 0) {
        __atomic_store_n(&si->wc_version, 1, __ATOMIC_RELEASE);
        si->wc_sec = (uint32_t)wallclock_at_boot();
        si->wc_sec_hi = (uint32_t)(wallclock_at_boot() >> 32);
        si->wc_nsec = 0;
        __atomic_store_n(&si->wc_version, 2, __ATOMIC_RELEASE);
    }
}

static void fxsave(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* Load a data selector; a selector the guest's GDT no longer allows becomes null. */
static void load_selector(unsigned int which, uint16_t sel)
{
    long rc = pv_load_segment(which, sel);

    if (rc) {
        pv_load_segment(which, 0);
    }
}

/* Everything of the vCPU that lives in the CPU while it runs, into struct vcpu. */
static void save_state(struct vcpu *v, const struct cpu_regs *frame)
{
    uint64_t active = rdmsr(MSR_GS_BASE), shadow = rdmsr(MSR_KERNEL_GS_BASE);

    v->arch.regs = *frame;
    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    v->arch.gs_base_kernel = v->arch.kernel_mode ? active : shadow;
    v->arch.gs_base_user = v->arch.kernel_mode ? shadow : active;
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=r"(v->arch.sel[0]), "=r"(v->arch.sel[1]), "=r"(v->arch.sel[2]),
                       "=r"(v->arch.sel[3]));
    write_cr0(read_cr0() & ~X86_CR0_TS);
    fxsave(v->arch.fpu);
    vcpu_timers_stop(v);
    vcpu_runstate_change(v, v->sched.state == VCPU_BLOCKED ? RUNSTATE_blocked
                            : vcpu_runnable(v) ? RUNSTATE_runnable : RUNSTATE_offline);
}

static void load_state(struct vcpu *v, struct cpu_regs *frame)
{
    mfn_t table = v->arch.kernel_mode || v->arch.guest_table_user == INVALID_MFN
                      ? v->arch.guest_table : v->arch.guest_table_user;

    set_current_vcpu(v);
    if (!v->domain->first_run) {
        v->domain->first_run = now();   /* start-up time, for the toolstack */
    }
    tlb_load_cr3(table << PAGE_SHIFT);
    pv_load_gdt(v);
    for (unsigned int i = 0; i < 4; i++) {
        load_selector(i, v->arch.sel[i]);   /* before the bases: a load resets them */
    }
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    wrmsr(MSR_KERNEL_GS_BASE,
          v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel);
    pv_load_debugregs(v);
    write_cr0(read_cr0() & ~X86_CR0_TS);
    fxrstor(v->arch.fpu);
    if (v->arch.fpu_dirty_ts) {
        write_cr0(read_cr0() | X86_CR0_TS);
    }
    pv_update_time(v);
    /* Woken from a poll (or anything else): its timeout timer is done with. */
    timer_stop(arch_timer_queue(), &v->poll_timer);
    v->poll_port = -2;
    vcpu_runstate_change(v, RUNSTATE_running);
    vcpu_timers_start(v);
    *frame = v->arch.regs;
}

static struct timer slice_timers[MAX_CPUS];

static void slice_over(struct timer *t, void *data)
{
    sched_set_resched((unsigned int)(uintptr_t)data);
}

/*
 * Choose what runs on this CPU and make the frame hold it: the running vCPU
 * again, another one (saving the first), or, with nothing runnable, idle with
 * interrupts on until something is.
 */
static __attribute__((noinline)) void schedule_slow(struct cpu_info *ci, struct cpu_regs *frame)
{
    struct vcpu *prev = ci->curr, *next;
    bool saved = false;

    for (;;) {
        next = sched_pick(ci->id, saved ? NULL : prev, now());
        if (next) {
            break;
        }
        if (prev && !saved) {
            if (prev->domain->state != DOMAIN_DYING) {
                save_state(prev, frame);
            }
            saved = true;
            set_current_vcpu(NULL);
            domain_reap();
        }
        safe_halt();
        cli();
    }
    if (next != prev || saved) {
        if (prev && !saved && prev->domain->state != DOMAIN_DYING) {
            save_state(prev, frame);
        }
        load_state(next, frame);
        domain_reap();      /* prev is off the CPU now: a dying domain can go */
    }
    if (!slice_timers[ci->id].fn) {
        timer_init(&slice_timers[ci->id], slice_over, (void *)(uintptr_t)ci->id);
    }
    timer_set(&ci->timers, &slice_timers[ci->id], sched_slice_end(ci->id));
}

void pv_schedule(struct cpu_regs *frame)
{
    struct cpu_info *ci = this_cpu();
    const struct vcpu *prev = ci->curr;

    /*
     * The common exit: the running vCPU keeps the CPU until its slice timer
     * or a wakeup asks for a decision. Its run time is charged then, from
     * sched.started, so skipping the pick here loses nothing. Kept apart
     * from the decision itself so this path stays a few instructions.
     */
    if (prev && vcpu_runnable(prev) && !sched_need_resched(ci->id) &&
        timer_active(&slice_timers[ci->id])) {
        return;
    }
    schedule_slow(ci, frame);
}

void pv_start_scheduling(void)
{
    struct cpu_regs *frame = guest_cpu_regs();

    set_current_vcpu(NULL);
    pv_schedule(frame);
    enter_guest(frame);
}
