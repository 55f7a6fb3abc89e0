/* SPDX-License-Identifier: MIT */
/*
 * Hypercall transfer: unknown and unused hypercall numbers return -ENOSYS;
 * the hypercall page holds Xen's exact stubs (push rcx/r11, mov $n, syscall,
 * pop, ret; the iret slot pushes rcx, r11, rax); calls through the page
 * preserve rcx and r11; raw `syscall` and the page give the same answers.
 */
#include <rt/runtime.h>

const char test_title[] = "hypercalls: -ENOSYS numbers, hypercall page layout and use";

static const uint8_t stub5[] = {XEN_HYPERCALL_STUB_BYTES(5)};
static const uint8_t iret_stub[] = {XEN_HYPERCALL_IRET_STUB_BYTES};

void test_main(void)
{
    /*
     * Numbers with no hypercall, and numbers far out of range: the whole of
     * rax is the number (1 << 32 is not hypercall 0).  Xen 4.17 still
     * implements the obsolete 16 (event_channel_op_compat), 19
     * (physdev_op_compat) and 22 (update_va_mapping_otherdomain), and
     * Debian's build has 31 (xenoprof_op), so they are not probed here.
     */
    static const unsigned long nosys[] = {
        11, 27, 43, 47, 56, 63, 64, 127, 128, 255, 4096, 0x7fffffff, 0xffffffff, 1ul << 32, ~0ul};
    for (unsigned int i = 0; i < ARRAY_SIZE(nosys); i++) {
        long rc = hypercall_raw(nosys[i], 0, 0, 0, 0, 0);
        CHECK(rc == -XEN_ENOSYS, "hypercall %#lx returned %ld", nosys[i], rc);
    }

    /* Hypercall page contents. */
    CHECK(hypercall_page[0] != 0xcc, "hypercall page not filled in");
    for (unsigned int n = 0; n < 128; n++) {
        const uint8_t *s = hypercall_page + 32 * n;
        if (n == __HYPERVISOR_iret) {
            CHECK(!memcmp(s, iret_stub, sizeof(iret_stub)), "iret stub differs");
            continue;
        }
        uint8_t want[sizeof(stub5)];
        memcpy(want, stub5, sizeof(want));
        want[4] = (uint8_t)n;
        if (memcmp(s, want, sizeof(want))) {
            CHECK(0, "stub %u: %02x %02x %02x %02x %02x ...", n, s[0], s[1], s[2], s[3], s[4]);
            break;
        }
    }
    test_checks_passed++;

    /* Calls through the page: same results as raw syscall. */
    long v = hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    CHECK_EQ(hypercall_page_call(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0), v);
    CHECK_EQ(hypercall_page_call(11, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    static const char msg[] = "hypercalls: via the hypercall page\n";
    CHECK_EQ(hypercall_page_call(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1,
                                 (unsigned long)msg, 0, 0),
             0);

    /* The page's stubs preserve rcx and r11. */
    uint64_t rcx = 0x1122334455667788, r11 = 0x8877665544332211, rax;
    __asm__ volatile("call *%[stub]"
                     : "=a"(rax), "+c"(rcx), "+r"(r11)
                     : [stub] "r"(hypercall_page + 32 * __HYPERVISOR_xen_version),
                       "D"(XENVER_version), "S"(0)
                     : "rdx", "r8", "r10", "memory");
    CHECK_EQ(rax, v);
    CHECK_EQ(rcx, 0x1122334455667788);
    CHECK_EQ(r11, 0x8877665544332211);

    /* A raw syscall clobbers rcx (return address) and r11 (rflags). */
    __asm__ volatile("lea 1f(%%rip), %%rbx; syscall; 1:"
                     : "=a"(rax), "=c"(rcx), "=r"(r11)
                     : "a"(__HYPERVISOR_xen_version), "D"(XENVER_version), "S"(0)
                     : "rbx", "rdx", "r8", "r10", "memory");
    CHECK_EQ(rax, v);
}
