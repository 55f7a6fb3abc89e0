/* Frame-pointer backtraces, symbolised from the link-time symbol table. */
#include <hv/backtrace.h>
#include <hv/log.h>
#include <hv/symbols.h>

static void print_frame(vaddr_t addr)
{
    uint64_t off = 0;
    const char *name = symbols_lookup(addr, &off);

    if (name) {
        log_err("  [<%016llx>] %s+%#llx\n", (unsigned long long)addr, name,
                (unsigned long long)off);
    } else {
        log_err("  [<%016llx>] ?\n", (unsigned long long)addr);
    }
}

void backtrace_print(vaddr_t rip, vaddr_t fp)
{
    log_err("Backtrace:\n");
    print_frame(rip);
    for (unsigned int i = 0; i < BACKTRACE_MAX_FRAMES; i++) {
        const vaddr_t *frame = (const vaddr_t *)fp;
        vaddr_t next;

        if (!fp || (fp & 7) || !arch_on_cpu_stack(fp, 2 * sizeof(vaddr_t))) {
            return;
        }
        if (!frame[1]) {
            return;
        }
        /* The return address points after the call: show the call itself. */
        print_frame(frame[1] - 1);
        next = frame[0];
        if (next <= fp) {
            return;
        }
        fp = next;
    }
    log_err("  ...\n");
}
