/*
 * Local APIC (xAPIC, memory mapped). The timer runs one-shot: in TSC-deadline
 * mode where the CPU has it, otherwise counting down from a value computed
 * with the APIC's calibrated frequency. apic_timer= forces either mode.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/params.h>
#include <hv/time.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/time.h>
#include <asm/x86.h>

#define APIC_ID      0x020
#define APIC_EOI     0x0b0
#define APIC_SPIV    0x0f0
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define APIC_LVT_TMR 0x320
#define APIC_TMR_INIT 0x380
#define APIC_TMR_CUR 0x390
#define APIC_TMR_DIV 0x3e0
#define APIC_TPR     0x080

#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define ICR_BUSY (1u << 12)

static volatile uint32_t *apic;
static bool use_deadline;
static uint64_t apic_hz;     /* timer ticks per second (divide by 1) */
static struct time_scale ns_to_apic;

static uint32_t apic_read(unsigned int reg)
{
    return apic[reg / 4];
}

static void apic_write(unsigned int reg, uint32_t v)
{
    apic[reg / 4] = v;
}

uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

static void apic_enable(void)
{
    apic_write(APIC_TPR, 0);
    apic_write(APIC_SPIV, 0x100 | VECTOR_SPURIOUS);
    apic_write(APIC_LVT_TMR, LVT_MASKED | VECTOR_TIMER);
}

void apic_init_bsp(paddr_t base)
{
    uint64_t msr = rdmsr(MSR_APIC_BASE);

    if (!base) {
        base = msr & PTE_ADDR_MASK;
    }
    wrmsr(MSR_APIC_BASE, msr | (1u << 11));     /* globally enabled */
    apic = ioremap(base, PAGE_SIZE);
    if (!apic) {
        panic("apic: cannot map the local APIC at %#llx", (unsigned long long)base);
    }
    apic_enable();
    log_info("apic: local APIC id %u at %#llx\n", apic_id(), (unsigned long long)base);
}

void apic_init_ap(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    apic_enable();
    if (use_deadline) {
        apic_write(APIC_LVT_TMR, LVT_MASKED | LVT_TSC_DEADLINE | VECTOR_TIMER);
    }
}

static void icr_wait(void)
{
    for (unsigned int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & ICR_BUSY); i++) {
        pause();
    }
}

bool apic_ipi_idle(void)
{
    return !(apic_read(APIC_ICR_LO) & ICR_BUSY);
}

static void send_icr(uint32_t dest, uint32_t lo)
{
    icr_wait();
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, lo);
    icr_wait();
}

void apic_send_init(uint32_t id)
{
    send_icr(id, 0x4500);               /* INIT, level assert */
}

void apic_send_sipi(uint32_t id, uint8_t page)
{
    send_icr(id, 0x4600 | page);        /* start-up, vector = page number */
}

void apic_send_ipi_all_but_self(uint8_t vector)
{
    if (apic) {
        send_icr(0, (3u << 18) | vector);   /* shorthand: all excluding self */
    }
}

/* Count APIC ticks over a TSC-timed interval to learn the timer's rate. */
static void apic_calibrate(void)
{
    uint64_t t0, ticks = tsc_from_ns(MILLISECS(10));
    uint32_t left;

    apic_write(APIC_TMR_DIV, 0xb);      /* divide by 1 */
    apic_write(APIC_LVT_TMR, LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_TMR_INIT, 0xffffffffu);
    t0 = rdtsc();
    while (rdtsc() - t0 < ticks) {
        pause();
    }
    left = apic_read(APIC_TMR_CUR);
    apic_write(APIC_TMR_INIT, 0);
    apic_hz = (uint64_t)(0xffffffffu - left) * 100;
    time_scale_init_ratio(&ns_to_apic, NSEC_PER_SEC, apic_hz);
}

void apic_timer_init(void)
{
    bool have = cpu_has_feature(1, CPUID_REG_ECX, 24);

    if (!strcmp(hv_params.apic_timer, "deadline") && !have) {
        log_warn("apic: apic_timer=deadline but the CPU has no TSC-deadline timer\n");
    }
    use_deadline = have && strcmp(hv_params.apic_timer, "oneshot");
    if (use_deadline) {
        apic_write(APIC_LVT_TMR, LVT_MASKED | LVT_TSC_DEADLINE | VECTOR_TIMER);
        log_info("apic: timer in TSC-deadline mode\n");
    } else {
        apic_calibrate();
        log_info("apic: timer one-shot, %llu.%03llu MHz\n",
                 (unsigned long long)(apic_hz / 1000000),
                 (unsigned long long)(apic_hz / 1000 % 1000));
    }
}

const char *arch_timer_mode(void)
{
    return use_deadline ? "tsc-deadline" : "one-shot";
}

void apic_timer_program(s_time_t deadline)
{
    s_time_t delta;

    if (deadline == 0) {
        if (use_deadline) {
            wrmsr(MSR_TSC_DEADLINE, 0);
        } else {
            apic_write(APIC_TMR_INIT, 0);
        }
        return;
    }
    delta = deadline - now();
    if (delta < MICROSECS(1)) {
        delta = MICROSECS(1);   /* already due: fire as soon as possible */
    }
    if (use_deadline) {
        apic_write(APIC_LVT_TMR, LVT_TSC_DEADLINE | VECTOR_TIMER);
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + tsc_from_ns(delta));
    } else {
        uint64_t t = time_scale_apply(&ns_to_apic, (uint64_t)delta);
        uint32_t count = t > 0xffffffffu ? 0xffffffffu : (t ? (uint32_t)t : 1);

        apic_write(APIC_LVT_TMR, VECTOR_TIMER);
        apic_write(APIC_TMR_DIV, 0xb);
        apic_write(APIC_TMR_INIT, count);
    }
}
