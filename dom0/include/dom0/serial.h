/* SPDX-License-Identifier: MIT */
/*
 * A 16550 UART driven by dom0 with port I/O (dom0's control channel on COM2).
 * No interrupts reach dom0, so input is polled from the event loop. Output
 * waits for the transmitter only so long (the host end may be gone): what
 * cannot be sent in time is dropped and counted.
 */
#ifndef DOM0_SERIAL_H
#define DOM0_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM2 0x2f8

struct serial {
    uint16_t base;
    bool present;
    uint64_t dropped; /* output bytes dropped (transmitter stuck) */
    char early[16];   /* received before the FIFOs were set up */
    size_t early_len;
};

/* Probe and program the UART (115200 8N1, FIFOs on, no interrupts).
 * Returns 0, or -XEN_ENODEV when nothing answers at base. */
int serial_init(struct serial *s, uint16_t base);
/* Read what is waiting, up to max bytes; returns the count. */
size_t serial_read(struct serial *s, char *buf, size_t max);
void serial_write(struct serial *s, const char *buf, size_t len);

#endif /* DOM0_SERIAL_H */
