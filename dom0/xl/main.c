/* SPDX-License-Identifier: MIT */
/*
 * dom0's main: the ramdisk, the terminals (the hypervisor console and the
 * COM2 control channel), the domain handling, xenstore, then the event loop.
 */
#include <rt/runtime.h>
#include <dom0/cli.h>
#include <dom0/domains.h>
#include <dom0/heap.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/mm.h>
#include <dom0/serial.h>
#include <dom0/term.h>
#include <dom0/xs.h>

void dom0_main(void) __attribute__((noreturn));

/* Input is polled: no device interrupt reaches dom0. Fast after activity,
 * slow when idle. */
#define POLL_IDLE_NS loop_ms(10)
#define POLL_BUSY_NS loop_ms(1)
#define BUSY_FOR_NS  loop_ms(200)

static struct serial com2;
static struct loop_timer poll_timer;
static uint64_t busy_until;
static bool control_enabled = true;
static bool xenstore_enabled = true;

static void control_write(void *ctx, const char *s, size_t n)
{
    serial_write(ctx, s, n);
}

static bool poll_console(void)
{
    char buf[128];
    long n = hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf);

    if (n <= 0) {
        return false;
    }
    term_input(&term_console, buf, (size_t)n);
    return true;
}

static void on_console_virq(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    while (poll_console()) {
        ;
    }
}

static void poll_tick(struct loop_timer *t)
{
    char buf[64];
    size_t n;
    bool any = false;

    while ((n = serial_read(&com2, buf, sizeof(buf))) > 0) {
        term_input(&term_control, buf, n);
        any = true;
    }
    any |= poll_console();
    uint64_t now = loop_now();
    if (any) {
        busy_until = now + BUSY_FOR_NS;
    }
    loop_timer_arm(t, now + (now < busy_until ? POLL_BUSY_NS : POLL_IDLE_NS));
}

static void parse_cmdline(const char *cmdline)
{
    const char *w = cmdline;

    while (*w) {
        while (*w == ' ') {
            w++;
        }
        const char *end = w;
        while (*end && *end != ' ') {
            end++;
        }
        size_t len = (size_t)(end - w);
        if (len == 10 && !strncmp(w, "loglevel=", 9) && w[9] >= '0' && w[9] <= '3') {
            log_threshold = (enum log_level)(w[9] - '0');
        } else if (len == 11 && !strncmp(w, "control=off", 11)) {
            control_enabled = false;
        } else if (len == 12 && !strncmp(w, "xenstore=off", 12)) {
            xenstore_enabled = false;
        }
        w = end;
    }
}

static void open_ramdisk(void)
{
    if (!start_info->mod_start || !start_info->mod_len) {
        log_warn("no ramdisk (second boot module): 'create' has no configs to read\n");
        return;
    }
    int rc = ramdisk_open(&dom0_ramdisk, (const void *)start_info->mod_start, start_info->mod_len);
    if (rc) {
        log_err("ramdisk refused: %s\n", dom0_ramdisk.error);
        memset(&dom0_ramdisk, 0, sizeof(dom0_ramdisk));
        return;
    }
    log_info("ramdisk: %zu files in %lu KiB\n", dom0_ramdisk.nr_files, start_info->mod_len >> 10);
}

void dom0_main(void)
{
    struct heap_stats hs;
    int rc;

    parse_cmdline((const char *)start_info->cmd_line);
    heap_get_stats(&hs);
    log_info("Xenolith dom0: %lu MiB, heap %lu KiB\n", start_info->nr_pages >> 8,
             hs.total_bytes >> 10);
    rc = loop_init();
    if (rc) {
        panic("dom0: event loop: %d", rc);
    }
    open_ramdisk();

    rc = control_enabled ? serial_init(&com2, SERIAL_COM2) : -XEN_ENODEV;
    if (rc) {
        log_info("no control channel (COM2: %s)\n", rc == -XEN_ENODEV ? "absent" : "error");
    } else {
        log_info("control channel on COM2\n");
    }
    term_init(rc ? NULL : control_write, &com2);

    long port = evtchn_bind_virq(VIRQ_CONSOLE);
    if (port < 0 || loop_bind((evtchn_port_t)port, on_console_virq, NULL)) {
        log_warn("VIRQ_CONSOLE: %ld; console input is polled only\n", port);
    }
    rc = domains_init();
    if (rc) {
        log_err("VIRQ_DOM_EXC: %d: ended domains will not be reaped\n", rc);
    }
    rc = xenstore_enabled ? dxs_init() : 0;
    if (rc) {
        log_err("xenstore: %s: not running\n", cli_strerror(rc));
    }

    loop_timer_init(&poll_timer, poll_tick);
    loop_timer_arm(&poll_timer, loop_now());
    log_info("ready\n");
    term_start();
    loop_run();
}
