#ifndef HV_MAIN_H
#define HV_MAIN_H

#include <hv/boot_info.h>

#define XENOLITH_VERSION "0.1"

/* The portable part of start of day, entered on the boot CPU once the machine is up. */
void hv_main(const struct boot_info *bi) __noreturn;

#endif /* HV_MAIN_H */
