/*
 * xl.cfg-style domain configuration files (dom0/toolstack/xlcfg.c).
 *
 * The syntax is xl's: one setting per line (or several separated by ';'),
 *
 *     # a comment, to the end of the line
 *     name    = "web"                 strings in "..." or '...', with the
 *     kernel  = 'guests/web.elf'      escapes \" \' \\ \a \b \f \n \r \t \v
 *     memory  = 64                    \xHH and \ooo (octal)
 *     extra   = "console=hvc0"
 *     extra  += " quiet"              '+=' appends to a string set earlier
 *     disk    = [ "a", "b", ]         lists, possibly over several lines
 *
 * Integers are decimal, 0x hexadecimal or 0-prefixed octal (as xl reads them
 * with strtol), bare or quoted ("64"). A key set twice keeps its last value.
 *
 * Keys understood: name, kernel, ramdisk, memory (MiB), maxmem (MiB), vcpus,
 * cmdline, root, extra, on_poweroff, on_reboot, on_crash, and type (only
 * "pv"). The kernel command line is built as xl builds it: cmdline if given
 * (root and extra are then ignored, with a warning), else "root=<root>
 * <extra>", "root=<root>" or "<extra>". Any other key is ignored with a
 * warning, so configurations written for xl (disk, vif, ...) still load.
 *
 * Defaults, as xl and libxl give them: memory 32 MiB, maxmem = memory,
 * vcpus 1, on_poweroff destroy, on_reboot restart, on_crash destroy. name and
 * kernel are required.
 */
#ifndef DOM0_XLCFG_H
#define DOM0_XLCFG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XLCFG_NAME_MAX    32   /* bytes with the NUL: a domain name is at most 31 */
#define XLCFG_PATH_MAX    256  /* kernel and ramdisk paths, with the NUL */
#define XLCFG_CMDLINE_MAX 1024 /* with the NUL: start_info's cmd_line */
#define XLCFG_WARN_MAX    1024 /* the warnings text, with the NUL */

#define XLCFG_MEMORY_DEFAULT_MIB 32u
#define XLCFG_MEMORY_MAX_MIB     (1u << 20) /* 1 TiB: far above any host here */
#define XLCFG_VCPUS_MAX          32u        /* vcpu_info slots in shared_info */

/* What to do when the domain powers off, reboots or crashes. */
enum xlcfg_action {
    XLCFG_ACTION_DESTROY = 0,
    XLCFG_ACTION_RESTART,        /* destroy, then create again from the same config */
    XLCFG_ACTION_RENAME_RESTART, /* rename the dead domain, create a new one */
    XLCFG_ACTION_PRESERVE,       /* keep it (shut down) until `destroy` */
};

/* xl's spelling of an action ("destroy", "rename-restart", ...). */
const char *xlcfg_action_name(enum xlcfg_action action);

/* xl_config.have: which keys the file set. */
#define XLCFG_HAVE_NAME        (1u << 0)
#define XLCFG_HAVE_KERNEL      (1u << 1)
#define XLCFG_HAVE_RAMDISK     (1u << 2)
#define XLCFG_HAVE_MEMORY      (1u << 3)
#define XLCFG_HAVE_MAXMEM      (1u << 4)
#define XLCFG_HAVE_VCPUS       (1u << 5)
#define XLCFG_HAVE_CMDLINE     (1u << 6)
#define XLCFG_HAVE_ROOT        (1u << 7)
#define XLCFG_HAVE_EXTRA       (1u << 8)
#define XLCFG_HAVE_ON_POWEROFF (1u << 9)
#define XLCFG_HAVE_ON_REBOOT   (1u << 10)
#define XLCFG_HAVE_ON_CRASH    (1u << 11)
#define XLCFG_HAVE_TYPE        (1u << 12)

struct xl_config {
    char name[XLCFG_NAME_MAX];    /* printable, no spaces, not all digits */
    char kernel[XLCFG_PATH_MAX];  /* path as written in the file */
    char ramdisk[XLCFG_PATH_MAX]; /* "" when there is none */
    uint64_t memory_mib;          /* memory at start */
    uint64_t maxmem_mib;          /* memory limit, >= memory_mib */
    uint32_t vcpus;
    uint32_t have; /* XLCFG_HAVE_* */
    enum xlcfg_action on_poweroff, on_reboot, on_crash;
    char cmdline[XLCFG_CMDLINE_MAX]; /* the kernel command line, composed as xl does */
    char root[XLCFG_CMDLINE_MAX];    /* root and extra as written (also when cmdline wins) */
    char extra[XLCFG_CMDLINE_MAX];
    unsigned int nr_warnings;      /* all of them, also those that did not fit below */
    char warnings[XLCFG_WARN_MAX]; /* "file:line: warning: ...\n" each; "" if none */
};

/*
 * Parse a configuration file held in memory: len bytes of text (NUL bytes in
 * it are an error; it need not be NUL-terminated). file names it in messages
 * (NULL: "<config>"). Fills *out and returns 0, or returns -XEN_EINVAL with one
 * line in err (when errlen > 0) that names the file, the line and the key:
 *
 *     guest.cfg:3: memory: expected an integer, got 'lots'
 *     guest.cfg: kernel: required, but not set
 *
 * On error *out is partly filled and must not be used. Warnings (unknown
 * keys, a key set twice, root/extra ignored for cmdline) never fail the parse:
 * they are collected in out->warnings for the caller to print.
 */
int xlcfg_parse(const char *text, size_t len, const char *file, struct xl_config *out, char *err,
                size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* DOM0_XLCFG_H */
