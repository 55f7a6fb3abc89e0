/* SPDX-License-Identifier: MIT */
/*
 * Console output through HYPERVISOR_console_io(CONSOLEIO_write).  As the
 * initial domain this goes straight to the hypervisor's serial line.
 * TODO: the PV console ring (start_info->console.domU) for a domU.
 */
#include <rt/runtime.h>

void console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len > 1024 ? 1024 : len;
        hypercall_console_io(CONSOLEIO_write, n, s);
        s += n;
        len -= n;
    }
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printf("******************************\n");
    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n******************************\n");
    hypercall_shutdown(SHUTDOWN_crash);
    for (;;)
        hypercall_sched_op(SCHEDOP_block, 0);
}
