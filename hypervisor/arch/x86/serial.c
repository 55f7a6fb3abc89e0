/*
 * 16550 UART on COM1, polled. Polling keeps the console usable from any
 * context, the fault and panic paths included.
 */
#include <hv/arch.h>
#include <asm/serial.h>
#include <asm/x86.h>

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LSR_DR 0x01            /* a received byte is waiting */
#define UART_RBR 0

static bool serial_ready;

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);    /* divisor latch */
    outb(COM1 + 0, 0x01);           /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + UART_LCR, 0x03);    /* 8N1 */
    /*
     * The FIFO control register is left alone: switching the FIFOs on or
     * off empties them, losing what was typed before boot. Polling drains
     * the receiver either way (each read lets the next byte in).
     */
    outb(COM1 + UART_MCR, 0x0b);
    serial_ready = true;
}

static void serial_putc(char c)
{
    /* Bounded wait: a missing UART must not hang the machine. */
    for (unsigned int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++) {
        pause();
    }
    outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
    if (!serial_ready) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            serial_putc('\r');
        }
        serial_putc(s[i]);
    }
}

void arch_console_write(const char *s, size_t len)
{
    serial_write(s, len);
}

int arch_console_getc(void)
{
    if (!serial_ready || !(inb(COM1 + UART_LSR) & UART_LSR_DR)) {
        return -1;
    }
    return inb(COM1 + UART_RBR);
}
