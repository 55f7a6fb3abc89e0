/* SPDX-License-Identifier: MIT */
/* The bare-metal side of the benchmark images (floor.h). */
#include "floor.h"

static uint64_t floor_pd2[512] __aligned(4096);

/* The console behind the runtime's printf (printf.c): COM1, polled. */
void console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (!(inb(COM1 + 5) & 0x20))
            ;
        outb(COM1, (uint8_t)s[i]);
    }
}

void floor_poweroff(void)
{
    outl(EXIT_PORT, EXIT_POWEROFF);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nTest result: ERROR\n");
    floor_poweroff();
}

void floor_syscall_setup(void)
{
    wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)0x08 << 32));
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar);
    wrmsr(MSR_FMASK, 0x700); /* TF, IF, DF */
}

void floor_map_l1(uint64_t *l1)
{
    floor_pd2[0] = (uintptr_t)l1 | TABLE;
    pdpt[1] = (uintptr_t)floor_pd2 | TABLE;
}

uint64_t floor_user_syscall_loop(uint64_t n)
{
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        uint64_t nr = 0;
        __asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
    }
    return rdtsc() - t0;
}

uint64_t floor_b_syscall(const struct bench *b, uint64_t n, long *err)
{
    return run_user(floor_user_syscall_loop, n);
}
