/*
 * How the machine ends. Under QEMU the reason is written to the
 * isa-debug-exit port (0xf4), which makes QEMU exit with (value << 1) | 1,
 * so tests can tell a poweroff from a panic; tests/lib/xqemu.py mirrors these
 * values. On real hardware: halt or reset.
 */
#ifndef HV_SHUTDOWN_H
#define HV_SHUTDOWN_H

#include <hv/types.h>

enum shutdown_reason {
    SHUTDOWN_POWEROFF = 0x10,   /* QEMU exit status 33 */
    SHUTDOWN_PANIC = 0x11,      /* 35 */
    SHUTDOWN_REBOOT = 0x12,     /* 37 */
    SHUTDOWN_CRASH = 0x13,      /* 39: the last domain crashed */
};

void machine_shutdown(enum shutdown_reason why) __noreturn;

#endif /* HV_SHUTDOWN_H */
