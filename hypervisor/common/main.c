/*
 * Portable start of day: report what the machine is, check that timers
 * fire, then run the initial domain. Until domains exist there is nothing to
 * run, so the machine powers off cleanly.
 */
#include <hv/arch.h>
#include <hv/console_io.h>
#include <hv/frame.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/main.h>
#include <hv/panic.h>
#include <hv/params.h>
#include <hv/shutdown.h>
#include <hv/time.h>
#include <hv/timer.h>

struct timer_check {
    unsigned int fired;
    s_time_t worst_late;
    const struct timer *order[3];
};

static void on_timer(struct timer *t, void *data)
{
    struct timer_check *c = data;
    s_time_t late = now() - t->expires;

    if (c->fired < ARRAY_SIZE(c->order)) {
        c->order[c->fired] = t;
    }
    c->worst_late = MAX(c->worst_late, late);
    c->fired++;
}

/*
 * Arm three timers out of order and wait for them: proves the timer device,
 * the interrupt path and the queue work together before anything relies on
 * them.
 */
static void check_timers(void)
{
    struct timer_queue *q = arch_timer_queue();
    struct timer_check c = { 0 };
    struct timer t[3];
    s_time_t start = now();
    static const s_time_t delay_us[3] = { 3000, 1000, 2000 };
    unsigned int expect[3] = { 1, 2, 0 };
    bool in_order = true;

    for (unsigned int i = 0; i < 3; i++) {
        timer_init(&t[i], on_timer, &c);
        timer_set(q, &t[i], start + MICROSECS(delay_us[i]));
    }
    /*
     * Check with interrupts off, then sleep: arch_idle() enables them and
     * halts as one step, so the last timer cannot fire between the check
     * and the halt and leave the CPU asleep for good.
     */
    unsigned long flags = arch_irq_save();
    while (c.fired < 3 && now() - start < MILLISECS(2000)) {
        arch_idle();
        (void)arch_irq_save();
    }
    arch_irq_restore(flags);
    for (unsigned int i = 0; i < 3; i++) {
        timer_stop(q, &t[i]);
    }
    if (c.fired != 3) {
        panic("time: only %u of 3 timers fired within 2 s", c.fired);
    }
    for (unsigned int i = 0; i < 3; i++) {
        in_order &= c.order[i] == &t[expect[i]];
    }
    if (!in_order) {
        panic("time: timers fired out of order");
    }
    log_info("time: timer check passed (%s timer, 3 timers in order, worst latency %llu us)\n",
             arch_timer_mode(), (unsigned long long)(c.worst_late / 1000));
}

static void report_memory(void)
{
    struct frame_stats fs;
    struct heap_stats hs;

    frame_get_stats(&fs);
    heap_get_stats(&hs);
    log_info("memory: %llu MiB managed, %llu MiB free; heap %llu live allocations\n",
             (unsigned long long)(fs.total_pages >> 8), (unsigned long long)(fs.free_pages >> 8),
             (unsigned long long)hs.live_allocs);
}

void hv_main(const struct boot_info *bi)
{
    report_memory();
    check_timers();
    log_info("Xenolith: boot complete in %llu ms\n", (unsigned long long)(now() / 1000000));
    if (hv_params.test_fault[0]) {
        arch_inject_fault(hv_params.test_fault);
    }
    if (bi->nr_modules == 0) {
        log_info("No dom0 kernel module was given: nothing to run, powering off.\n");
        machine_shutdown(SHUTDOWN_POWEROFF);
    }
    console_input_start();
    arch_start_domains(bi);
    panic("no domain could be started from the boot modules");
}
