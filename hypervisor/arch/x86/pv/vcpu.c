/* Putting a PV vCPU on this CPU, and keeping its clock current. */
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/time.h>
#include <xen/xen.h>
#include <asm/mm.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <asm/x86.h>

void arch_vcpu_init(struct vcpu *v)
{
    v->arch.guest_table = INVALID_MFN;
    v->arch.guest_table_user = INVALID_MFN;
    v->arch.kernel_mode = true;
    pv_debugregs_init(v);
}

/* One vCPU per CPU so far: a vCPU is either running here or blocked here,
 * and the block loop checks for events after every interrupt. */
void arch_vcpu_kick(struct vcpu *v)
{
    (void)v;
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

void pv_vcpu_run(struct vcpu *v)
{
    struct cpu_regs *frame = guest_cpu_regs();

    set_current_vcpu(v);
    pv_update_time(v);
    vcpu_timers_start(v);
    write_cr3(v->arch.guest_table << PAGE_SHIFT);
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    wrmsr(MSR_KERNEL_GS_BASE,
          v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel);
    pv_load_gdt(v);
    pv_load_debugregs(v);
    *frame = v->arch.regs;
    enter_guest(frame);
}
