/*
 * The end of the machine. Under QEMU the isa-debug-exit device turns the
 * reason into QEMU's exit status; on real hardware the write goes nowhere
 * and we reset (reboot, or panic without noreboot) or halt.
 */
#include <hv/log.h>
#include <hv/params.h>
#include <hv/shutdown.h>
#include <asm/x86.h>

#define DEBUG_EXIT_PORT 0xf4

static __noreturn void halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

static void reset(void)
{
    /* Keyboard controller reset pulse, then the PCI reset register. */
    for (unsigned int i = 0; i < 100000 && (inb(0x64) & 2); i++) {
        pause();
    }
    outb(0x64, 0xfe);
    outb(0xcf9, 0x06);
}

void machine_shutdown(enum shutdown_reason why)
{
    cli();
    outl(DEBUG_EXIT_PORT, why);
    if (why == SHUTDOWN_REBOOT || (why != SHUTDOWN_POWEROFF && !hv_params.noreboot)) {
        reset();
    }
    halt_forever();
}
