/*
 * Force-included into every hypervisor object (-include). The image is
 * compiled position independent but linked statically at a fixed address in
 * the 0xffff8... hole: hidden visibility makes the compiler address every
 * symbol RIP-relative instead of through a GOT the static link cannot relax.
 */
#ifndef HV_COMPILER_H
#define HV_COMPILER_H

#pragma GCC visibility push(hidden)

#endif /* HV_COMPILER_H */
