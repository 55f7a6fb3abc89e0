/* SPDX-License-Identifier: MIT */
/*
 * ticker: a long-running domU for the toolstack's tests. It prints a
 * numbered line at a fixed period on its PV console and obeys lines typed on
 * the console, so a test can see it run, stop (pause), resume, take input,
 * crash, reboot and power off.
 *
 * Command line words: tag=NAME (printed on each line), period=MS (default
 * 500), ticks=N (power off after N ticks; 0 = never, the default).
 * Console input lines: "crash" (an exception with no handler), "poweroff",
 * "reboot", anything else is echoed back as "<tag>: got '<line>'".
 */
#include <rt/runtime.h>
#include <xen/io/console.h>

const char test_title[] = "ticker: a domU that ticks and obeys its console";

static char tag[32] = "ticker";
static uint64_t period_ms = 500, max_ticks;
static volatile bool woken;

static void on_event(uint32_t port, struct cpu_regs *regs)
{
    (void)port;
    (void)regs;
    woken = true;
}

static bool word_value(const char *cmdline, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key);
    for (const char *w = cmdline; *w;) {
        while (*w == ' ') {
            w++;
        }
        const char *end = w;
        while (*end && *end != ' ') {
            end++;
        }
        if ((size_t)(end - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
            size_t n = (size_t)(end - w) - klen - 1;
            if (n >= outlen) {
                n = outlen - 1;
            }
            memcpy(out, w + klen + 1, n);
            out[n] = '\0';
            return true;
        }
        w = end;
    }
    return false;
}

static uint64_t number(const char *s)
{
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s++ - '0');
    }
    return v;
}

static struct xencons_interface *ring(void)
{
    return (struct xencons_interface *)(mfn_to_pfn(start_info->console.domU.mfn) << 12);
}

static void obey(const char *line)
{
    if (!strcmp(line, "crash")) {
        printf("%s: crashing on request\n", tag);
        hypercall_set_trap_table(NULL);
        __asm__ volatile("ud2");
    } else if (!strcmp(line, "poweroff")) {
        printf("%s: powering off on request\n", tag);
        hypercall_shutdown(SHUTDOWN_poweroff);
    } else if (!strcmp(line, "reboot")) {
        printf("%s: rebooting on request\n", tag);
        hypercall_shutdown(SHUTDOWN_reboot);
    } else {
        printf("%s: got '%s'\n", tag, line);
    }
}

/* Take whole lines from the console's input ring. */
static void read_input(void)
{
    static char line[128];
    static size_t len;
    struct xencons_interface *r = ring();
    XENCONS_RING_IDX cons = r->in_cons;
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);

    if (prod - cons > XENCONS_IN_SIZE) {
        cons = prod; /* a broken backend: drop what it claims */
    }
    while (cons != prod) {
        char c = r->in[xencons_mask_in(cons++)];
        if (c == '\r' || c == '\n') {
            line[len] = '\0';
            if (len) {
                obey(line);
            }
            len = 0;
        } else if (len + 1 < sizeof(line)) {
            line[len++] = c;
        }
    }
    __atomic_store_n(&r->in_cons, cons, __ATOMIC_RELEASE);
}

void test_main(void)
{
    const char *cmdline = (const char *)start_info->cmd_line;
    char val[32];

    word_value(cmdline, "tag", tag, sizeof(tag));
    if (word_value(cmdline, "period", val, sizeof(val)) && number(val)) {
        period_ms = number(val);
    }
    if (word_value(cmdline, "ticks", val, sizeof(val))) {
        max_ticks = number(val);
    }

    long timer = evtchn_bind_virq(VIRQ_TIMER);
    if (timer < 0) {
        panic("binding VIRQ_TIMER: %ld", timer);
    }
    evtchn_set_handler((uint32_t)timer, on_event);
    evtchn_unmask((uint32_t)timer);
    uint32_t cport = start_info->console.domU.evtchn;
    if (cport) {
        evtchn_set_handler(cport, on_event);
        evtchn_unmask(cport);
    }
    hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    printf("%s: started, period %lu ms\n", tag, period_ms);
    uint64_t next = pvclock_ns();
    for (uint64_t n = 1; !max_ticks || n <= max_ticks; n++) {
        next += period_ms * 1000000ul;
        while (pvclock_ns() < next) {
            hypercall_set_timer_op(next);
            events_mask();
            if (!woken) {
                hypercall_block(); /* unmasks; the upcall runs on return */
            } else {
                events_unmask();
            }
            woken = false;
            if (cport) {
                read_input();
            }
        }
        printf("%s: tick %lu\n", tag, n);
    }
    printf("%s: %lu ticks done\n", tag, max_ticks);
    test_success();
}
