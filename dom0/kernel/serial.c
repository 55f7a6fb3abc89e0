/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART by port I/O (dom0/serial.h). A PV kernel runs in ring 3, so
 * every in/out traps to the hypervisor, which performs it for the privileged
 * domain (after PHYSDEVOP_set_iopl) unless the port is the hypervisor's own.
 * The FIFOs keep the number of those traps down: one status read per 16
 * bytes sent.
 */
#include <rt/runtime.h>
#include <dom0/loop.h>
#include <dom0/serial.h>

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1
#define UART_DLL 0 /* divisor latch, with LCR.DLAB */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LSR_DR      0x01 /* data ready */
#define LSR_THRE    0x20 /* transmit FIFO empty */
#define LCR_8N1     0x03
#define LCR_DLAB    0x80
#define FCR_ON      0xc7 /* enable, clear both FIFOs, receive trigger at 14 bytes:
                              * QEMU hands a poll as much as the trigger level */
#define MCR_DTR_RTS 0x03
#define TX_FIFO     16
#define TX_WAIT_NS  20000000ull

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

int serial_init(struct serial *s, uint16_t base)
{
    struct physdev_set_iopl iopl = {.iopl = 1};
    long rc = hypercall_physdev_op(PHYSDEVOP_set_iopl, &iopl);

    s->base = base;
    s->present = false;
    s->dropped = 0;
    if (rc) {
        return (int)rc;
    }
    /* The scratch register remembers what is written; an empty slot reads 0xff. */
    outb(base + UART_SCR, 0x5a);
    if (inb(base + UART_SCR) != 0x5a) {
        return -XEN_ENODEV;
    }
    outb(base + UART_SCR, 0xa5);
    if (inb(base + UART_SCR) != 0xa5) {
        return -XEN_ENODEV;
    }
    /* Turning the FIFOs on empties them: keep what arrived before (a client
     * may have typed while dom0 was booting). */
    s->early_len = 0;
    while (s->early_len < sizeof(s->early) && (inb(base + UART_LSR) & LSR_DR)) {
        s->early[s->early_len++] = (char)inb(base + UART_RBR);
    }
    outb(base + UART_IER, 0);
    outb(base + UART_LCR, LCR_DLAB);
    outb(base + UART_DLL, 1); /* 115200 baud */
    outb(base + UART_DLM, 0);
    outb(base + UART_LCR, LCR_8N1);
    outb(base + UART_FCR, FCR_ON);
    outb(base + UART_MCR, MCR_DTR_RTS);
    /* A byte that came between the drain and the FIFO reset is lost; QEMU
     * also waits for a read of the data register before it passes on more
     * input, and the reset does not count as one. */
    if (!(inb(base + UART_LSR) & LSR_DR)) {
        (void)inb(base + UART_RBR);
    }
    s->present = true;
    return 0;
}

size_t serial_read(struct serial *s, char *buf, size_t max)
{
    size_t n = 0;

    if (!s->present) {
        return 0;
    }
    for (size_t i = 0; i < s->early_len && n < max; i++) {
        buf[n++] = s->early[i];
    }
    s->early_len = 0;
    while (n < max && (inb(s->base + UART_LSR) & LSR_DR)) {
        buf[n++] = (char)inb(s->base + UART_RBR);
    }
    return n;
}

void serial_write(struct serial *s, const char *buf, size_t len)
{
    if (!s->present) {
        return;
    }
    while (len) {
        if (!(inb(s->base + UART_LSR) & LSR_THRE)) {
            uint64_t until = loop_now() + TX_WAIT_NS;
            while (!(inb(s->base + UART_LSR) & LSR_THRE)) {
                if (loop_now() > until) {
                    s->dropped += len;
                    return;
                }
            }
        }
        size_t n = len < TX_FIFO ? len : TX_FIFO;
        for (size_t i = 0; i < n; i++) {
            outb(s->base + UART_THR, (uint8_t)buf[i]);
        }
        buf += n;
        len -= n;
    }
}
