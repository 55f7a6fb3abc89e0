/* The hypervisor's command-line options and their defaults. */
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/params.h>

struct hv_params hv_params = {
    .console = "com1",
    .loglvl = LOG_INFO,
    .apic_timer = "auto",
};

static int parse_loglvl(const char *v, size_t len, void *var)
{
    return v ? log_parse_level(v, len, var) : -EINVAL;
}

static int parse_choice(const char *v, size_t len, char *out, size_t outsz,
                        const char *const *choices, size_t n)
{
    if (!v) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (strlen(choices[i]) == len && !strncmp(v, choices[i], len)) {
            strlcpy_hv(out, choices[i], outsz);
            return 0;
        }
    }
    return -EINVAL;
}

static int parse_console(const char *v, size_t len, void *var)
{
    static const char *const c[] = { "com1", "none" };
    return parse_choice(v, len, var, sizeof(hv_params.console), c, ARRAY_SIZE(c));
}

static int parse_apic_timer(const char *v, size_t len, void *var)
{
    static const char *const c[] = { "auto", "deadline", "oneshot" };
    return parse_choice(v, len, var, sizeof(hv_params.apic_timer), c, ARRAY_SIZE(c));
}

static const struct cmdline_param params[] = {
    { "console", CMDLINE_CUSTOM, hv_params.console, 0, parse_console },
    { "loglvl", CMDLINE_CUSTOM, &hv_params.loglvl, 0, parse_loglvl },
    { "dom0_mem", CMDLINE_SIZE, &hv_params.dom0_mem, 0, NULL },
    { "maxcpus", CMDLINE_UINT, &hv_params.maxcpus, 0, NULL },
    { "noreboot", CMDLINE_BOOL, &hv_params.noreboot, 0, NULL },
    { "apic_timer", CMDLINE_CUSTOM, hv_params.apic_timer, 0, parse_apic_timer },
    { "test_fault", CMDLINE_STRING, hv_params.test_fault, sizeof(hv_params.test_fault), NULL },
    { "test_timer", CMDLINE_BOOL, &hv_params.test_timer, 0, NULL },
};

static void warn(const char *msg, void *ctx)
{
    (void)ctx;
    log_warn("command line: %s ignored\n", msg);
}

static char saved_cmdline[1024];

const char *hv_cmdline(void)
{
    return saved_cmdline;
}

int params_parse(const char *cmdline)
{
    strlcpy_hv(saved_cmdline, cmdline, sizeof(saved_cmdline));
    return cmdline_parse(cmdline, params, ARRAY_SIZE(params), warn, NULL);
}
