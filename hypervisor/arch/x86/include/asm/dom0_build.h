#ifndef ASM_DOM0_BUILD_H
#define ASM_DOM0_BUILD_H

#include <hv/boot_info.h>

struct vcpu;

/* Build dom0 from the first module (the second, if any, is its initrd); NULL on failure. */
struct vcpu *dom0_build(const struct boot_info *bi);

#endif /* ASM_DOM0_BUILD_H */
