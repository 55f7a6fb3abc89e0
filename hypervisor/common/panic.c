/*
 * The panic path: one CPU reports, the others are stopped, the machine ends.
 * A panic inside a panic skips straight to the end so a fault in the
 * reporting code cannot loop.
 */
#include <stdarg.h>
#include <hv/arch.h>
#include <hv/backtrace.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/shutdown.h>

static volatile int panicking;

static __noreturn void panic_end(const char *fmt, va_list ap, vaddr_t rip, vaddr_t fp)
{
    char msg[256];

    arch_irq_save();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
        machine_shutdown(SHUTDOWN_PANIC);
    }
    fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
    /* A panic is always shown, whatever the console level. */
    log_set_console_level(LOG_DEBUG);
    log_err("****************************************\n");
    log_err("Panic on CPU%u: %s\n", arch_cpu_id(), msg);
    log_err("****************************************\n");
    if (rip) {
        backtrace_print(rip, fp);
    }
    arch_stop_other_cpus();
    machine_shutdown(SHUTDOWN_PANIC);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    panic_end(fmt, ap, (vaddr_t)__builtin_return_address(0),
              *(const vaddr_t *)__builtin_frame_address(0));
}

void panic_no_backtrace(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    panic_end(fmt, ap, 0, 0);
}
