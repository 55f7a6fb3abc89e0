/* The fake architecture's per-vCPU and per-domain state: nothing yet. */
#ifndef FAKE_ASM_DOMAIN_H
#define FAKE_ASM_DOMAIN_H

struct arch_vcpu {
    int unused;
};

struct arch_domain {
    int unused;
};

#endif /* FAKE_ASM_DOMAIN_H */
