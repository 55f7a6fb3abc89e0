/*
 * console_io: guests writing to (and dom0 reading from) the hypervisor's
 * console. As on Xen, only a privileged domain may use it; others get -EPERM
 * and use their PV console ring. Guest text goes to the console unprefixed
 * for the initial domain, so its lines read as the guest wrote them.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <xen/xen.h>

#define CHUNK 128

static long console_write(uint64_t buf, uint64_t count)
{
    char chunk[CHUNK];

    while (count) {
        size_t n = count < CHUNK ? (size_t)count : CHUNK;

        if (copy_from_guest(chunk, buf, n)) {
            return -EFAULT;
        }
        arch_console_write(chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;

    if (!is_privileged(d)) {
        return -EPERM;
    }
    count &= 0xffffffffu;   /* the ABI's count is an unsigned int */
    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(buf, count);
    case CONSOLEIO_read:
        if (count > 0x7fffffffu) {
            return -E2BIG;
        }
        return 0;   /* no console input is buffered yet */
    default:
        return -ENOSYS;
    }
}
