/* x86-64 PV guest support: entry, bounces, emulation. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <hv/domain.h>
#include <asm/percpu.h>
#include <asm/regs.h>

/* Guest CS/SS as Xen defines them for 64-bit PV. */
#define PV_KERNEL_CS 0xe033
#define PV_KERNEL_SS 0xe02b

/* Set this CPU's SYSCALL MSRs and write its entry stub. */
void pv_cpu_init(struct cpu_info *ci);

/* Entry points called from assembly. */
void do_syscall(struct cpu_regs *regs);
/* Write the hypercall stubs (one 32-byte slot per hypercall) into a page. */
void pv_fill_hypercall_page(uint8_t *page);

/* Ready the frame for the guest; true if sysretq may return instead of iretq. */
bool pv_exit_to_guest(struct cpu_regs *regs);
void enter_guest(struct cpu_regs *frame) __noreturn;

/* A trap from ring 3: emulate, bounce to the guest, or crash the domain. */
void pv_trap(struct cpu_regs *regs);

/* A SYSCALL from guest user mode: deliver it to the guest kernel's syscall callback. */
void pv_bounce_syscall(struct vcpu *v, struct cpu_regs *regs);

/* Queue an exception for delivery to the guest's trap table on the way out. */
void pv_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error);
/* Decide what runs next on this CPU and load it into the frame (pv/vcpu.c). */
void pv_schedule(struct cpu_regs *frame);
/* Start running guests on this CPU; does not return. */
void pv_start_scheduling(void) __noreturn;
/* Load a data segment register (0 ds, 1 es, 2 fs, 3 gs); 0 or -EFAULT if refused. */
long pv_load_segment(unsigned int which, uint16_t sel);
/* Switch between guest kernel and user mode (page tables, GS bases). */
void pv_toggle_guest_mode(struct vcpu *v);

/* Forced-emulation prefix and privileged-instruction emulation (pv/emulate.c). */
bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t res[4]);

/* Debug registers (pv/debugreg.c): the hypercalls' rules, shared with mov %drN. */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value);
long pv_get_debugreg(struct vcpu *v, unsigned int reg);
void pv_load_debugregs(struct vcpu *v);
void pv_debugregs_init(struct vcpu *v);
/* Read and reset the hardware DR6; returns the bits that describe the #DB. */
uint64_t pv_take_dr6(void);

/* The vCPU's GDT frames into this CPU's GDT window (pv/descriptors.c). */
void pv_load_gdt(struct vcpu *v);

/* A store to one of the guest's L1 page tables: emulate it as an update (pv/ptwr.c). */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t addr);

/* Keep the vCPU's pvclock (vcpu_time_info) current. */
void pv_update_time(struct vcpu *v);

#endif /* ASM_PV_H */
