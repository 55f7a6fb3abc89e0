/* The fake architecture: see fake.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/shutdown.h>
#include <hv/backtrace.h>
#include <hv/lib.h>
#include <hv/panic.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <fake.h>

static uint8_t *fake_mem;
static mfn_t fake_mem_frames;
s_time_t fake_now;
char fake_console[8192];
size_t fake_console_len;
jmp_buf *fake_panic_jmp;
char fake_panic_msg[256];
static struct timer_queue fake_timers;
uintptr_t fake_fault_start, fake_fault_end;
int fake_shutdown_reason = -1;
static struct vcpu *fake_current;

void arch_vcpu_init(struct vcpu *v)
{
    (void)v;
}

void arch_domain_relinquish(struct domain *d)
{
    (void)d;
}

void arch_put_frame(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->count && --pg->count == 0) {
        domain_free_frame(mfn);
    }
}

bool arch_vcpu_is_running(const struct vcpu *v)
{
    return v == fake_current;
}

void arch_vcpu_kick(struct vcpu *v)
{
    (void)v;
}

int arch_get_writable_frame(struct domain *d, mfn_t mfn)
{
    (void)d;
    return mfn < fake_mem_frames ? 0 : -EINVAL;
}

struct vcpu *current_vcpu(void)
{
    return fake_current;
}

void set_current_vcpu(struct vcpu *v)
{
    fake_current = v;
}

bool guest_range_ok(uint64_t gva, size_t len)
{
    return gva != 0 && gva + len >= gva;
}

static bool faults(uint64_t gva, size_t len)
{
    return !guest_range_ok(gva, len) ||
           (gva < fake_fault_end && gva + len > fake_fault_start);
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (faults(gva, len)) {
        return -EFAULT;
    }
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (faults(gva, len)) {
        return -EFAULT;
    }
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

void machine_shutdown(enum shutdown_reason why)
{
    fake_shutdown_reason = (int)why;
    if (fake_panic_jmp) {
        longjmp(*fake_panic_jmp, 2);
    }
    fprintf(stderr, "unexpected machine_shutdown(%#x)\n", (unsigned int)why);
    abort();
}

void fake_mem_init(mfn_t nr)
{
    fake_mem_free();
    fake_mem = aligned_alloc(PAGE_SIZE, nr * PAGE_SIZE);
    if (!fake_mem) {
        abort();
    }
    memset(fake_mem, 0xa5, nr * PAGE_SIZE);   /* not zero: tests must not rely on it */
    fake_mem_frames = nr;
}

void fake_mem_free(void)
{
    free(fake_mem);
    fake_mem = NULL;
    fake_mem_frames = 0;
}

void *mfn_to_virt(mfn_t mfn)
{
    if (mfn >= fake_mem_frames) {
        fprintf(stderr, "fake: mfn_to_virt(%#llx) outside fake memory\n", (unsigned long long)mfn);
        abort();
    }
    return fake_mem + mfn * PAGE_SIZE;
}

mfn_t virt_to_mfn(const void *va)
{
    const uint8_t *p = va;

    if (p < fake_mem || p >= fake_mem + fake_mem_frames * PAGE_SIZE) {
        fprintf(stderr, "fake: virt_to_mfn(%p) outside fake memory\n", va);
        abort();
    }
    return (mfn_t)(p - fake_mem) / PAGE_SIZE;
}

unsigned long arch_irq_save(void) { return 0; }
void arch_irq_restore(unsigned long flags) { (void)flags; }
unsigned int arch_cpu_id(void) { return 0; }
void arch_cpu_relax(void) {}
void arch_idle(void) {}
void arch_stop_other_cpus(void) {}
struct timer_queue *arch_timer_queue(void) { return &fake_timers; }
const char *arch_timer_mode(void) { return "fake"; }
void arch_inject_fault(const char *kind) { (void)kind; }

unsigned int arch_nr_cpus(void) { return 1; }
void arch_frame_assigned(mfn_t mfn, uint64_t pfn) { (void)mfn; (void)pfn; }
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    (void)v;
    (void)c;
    return -ENOSYS;
}
int arch_hypercall_page(struct domain *d, mfn_t mfn)
{
    (void)d;
    (void)mfn;
    return -ENOSYS;
}

uint32_t fake_tlb_clock = 1;
unsigned int fake_tlb_flushes;
static uint32_t fake_tlb_flushed_at;

uint32_t arch_tlb_clock(void) { return fake_tlb_clock; }
bool arch_tlb_flushed_since(uint32_t stamp) { return (int32_t)(fake_tlb_flushed_at - stamp) > 0; }

void arch_tlb_flush(void)
{
    fake_tlb_flushed_at = ++fake_tlb_clock;
    fake_tlb_flushes++;
}
void arch_start_domains(const struct boot_info *bi) { (void)bi; }
bool arch_on_cpu_stack(vaddr_t addr, size_t len) { (void)addr; (void)len; return false; }

void fake_console_clear(void)
{
    fake_console_len = 0;
    fake_console[0] = '\0';
}

char fake_console_input[256];
size_t fake_console_input_len, fake_console_input_pos;

int arch_console_getc(void)
{
    if (fake_console_input_pos >= fake_console_input_len) {
        return -1;
    }
    return (unsigned char)fake_console_input[fake_console_input_pos++];
}

void arch_console_write(const char *s, size_t len)
{
    size_t room = sizeof(fake_console) - 1 - fake_console_len;
    size_t n = len < room ? len : room;

    memcpy(fake_console + fake_console_len, s, n);
    fake_console_len += n;
    fake_console[fake_console_len] = '\0';
}

s_time_t now(void) { return fake_now; }
uint64_t cpu_khz(void) { return 1000000; }

static void fake_panic(const char *fmt, va_list ap)
{
    vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
    if (fake_panic_jmp) {
        longjmp(*fake_panic_jmp, 1);
    }
    fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
    abort();
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fake_panic(fmt, ap);
    va_end(ap);
    abort();
}

void panic_no_backtrace(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fake_panic(fmt, ap);
    va_end(ap);
    abort();
}
