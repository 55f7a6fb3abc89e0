/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_console_io as the initial domain: CONSOLEIO_write succeeds with
 * 0 (not a byte count), bad buffers give -EFAULT before anything is printed,
 * the count is 32 bits wide, CONSOLEIO_read returns what is pending (0 here)
 * or -E2BIG for a count above INT_MAX, unknown sub-ops give -ENOSYS.
 */
#include <rt/runtime.h>

const char test_title[] = "console_io: write, read, bad buffers, unknown sub-ops";

static uint8_t two_pages[2 * 4096] __aligned(4096);

void test_main(void)
{
    static const char msg[] = "console_io: a direct CONSOLEIO_write\n";
    char buf[64];

    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 0, msg), 0);
    /* A zero count never touches the buffer. */
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 0, (void *)0x10), 0);

    /* Bad buffers: NULL page (unmapped), the hypervisor's area, non-canonical. */
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 8, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 8, (void *)HYPERVISOR_VIRT_START), -XEN_EFAULT);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 8, (void *)0x8000000000000000ul), -XEN_EFAULT);

    /* A buffer running into an unmapped page: nothing printed, -EFAULT. */
    CHECK_EQ(unmap_page(two_pages + 4096), 0);
    memcpy(two_pages + 4096 - 8, "LEAKED!\n", 8);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, 24, two_pages + 4096 - 8), -XEN_EFAULT);
    CHECK_EQ(remap_page(two_pages + 4096, _PAGE_PRESENT | _PAGE_RW), 0);
    two_pages[4096] = 1; /* writable again */

    /* The count is an unsigned int: the upper 32 bits are ignored. */
    CHECK_EQ(hypercall_console_io(CONSOLEIO_write, (1ul << 32) | 20,
                                  "console_io: count 20\n_this part is not printed_"),
             0);

    /* CONSOLEIO_read: nothing is typed on the serial line. */
    CHECK_EQ(hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
    CHECK_EQ(hypercall_console_io(CONSOLEIO_read, 0x80000000ul, buf), -XEN_E2BIG);

    /* Unknown sub-ops. */
    CHECK_EQ(hypercall_console_io(2, sizeof(msg) - 1, msg), -XEN_ENOSYS);
    CHECK_EQ(hypercall_console_io(0x7fffffff, 0, msg), -XEN_ENOSYS);
    CHECK_EQ(hypercall_console_io(-1, 0, msg), -XEN_ENOSYS);
}
