/* The hypervisor's command-line options (docs/architecture.md lists them). */
#ifndef HV_PARAMS_H
#define HV_PARAMS_H

#include <hv/log.h>
#include <hv/types.h>

struct hv_params {
    char console[16];        /* com1 | none */
    enum log_level loglvl;   /* console log level */
    uint64_t dom0_mem;       /* bytes; 0 = default */
    uint64_t maxcpus;        /* 0 = all */
    bool noreboot;           /* real hardware: halt instead of resetting on panic */
    char apic_timer[16];     /* auto | deadline | oneshot */
    char test_fault[16];     /* test only: fault in ring 0 after boot */
    bool test_timer;         /* test only: exercise the timer queue at boot */
};

extern struct hv_params hv_params;

/* Parse into hv_params, logging a warning for each problem; returns their count. */
int params_parse(const char *cmdline);
/* The command line as given (for XENVER_commandline). */
const char *hv_cmdline(void);

#endif /* HV_PARAMS_H */
