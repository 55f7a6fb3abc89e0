/* SPDX-License-Identifier: MIT */
/*
 * A guest kernel whose stack pointer is unusable when an exception arrives:
 * the hypervisor cannot write the bounce frame (non-canonical rsp) and must
 * crash the domain, not itself (guest.cfg expects CRASH and a crash
 * shutdown).
 */
#include <rt/runtime.h>

const char test_title[] = "crash_badstack: no room for the bounce frame crashes the domain";

void test_main(void)
{
    printf("Faulting with a non-canonical stack pointer: the domain must be crashed\n");
    __asm__ volatile("mov $0x800000000badc0de, %%rsp\n\tud2" ::: "memory");
    printf("Test result: FAILURE (still running)\n");
    hypercall_shutdown(SHUTDOWN_poweroff);
}
