/* SPDX-License-Identifier: MIT */
/*
 * A guest kernel that crashes: with its trap table cleared, a #UD has nowhere
 * to go and the hypervisor crashes the domain (no result line; guest.cfg
 * expects CRASH and a crash shutdown).
 */
#include <rt/runtime.h>

const char test_title[] = "crash_nohandler: an exception with no handler crashes the domain";

void test_main(void)
{
    CHECK_EQ(hypercall_set_trap_table(NULL), 0);
    printf("Executing ud2 with no trap table: the domain must be crashed\n");
    __asm__ volatile("ud2");
    printf("Test result: FAILURE (still running after ud2)\n");
    hypercall_shutdown(SHUTDOWN_poweroff);
}
