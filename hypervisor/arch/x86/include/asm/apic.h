/* Local APIC: timer, IPIs, and the vectors the hypervisor uses. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hv/types.h>

#define VECTOR_TIMER     0xf0
#define VECTOR_STOP      0xf1   /* IPI: stop this CPU (panic) */
#define VECTOR_SPURIOUS  0xff

void apic_init_bsp(paddr_t base);
void apic_init_ap(void);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);
void apic_send_ipi_all_but_self(uint8_t vector);
bool apic_ipi_idle(void);
/* One-shot timer at an absolute system time; 0 stops it. */
void apic_timer_program(s_time_t deadline);
void apic_timer_init(void);

#endif /* ASM_APIC_H */
