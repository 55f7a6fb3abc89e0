/*
 * Segment descriptors, the TSS and the hypervisor's GDT entries.
 *
 * The GDT the CPU uses has 8192 entries. Entries 0-7167 (the first 14 pages)
 * are the guest's (Xen PV: set_gdt frames), entries from 7168 are the
 * hypervisor's, with Xen's selector values so PV guests find the flat ring-3
 * selectors where they expect them (FLAT_RING3_CS64 = 0xe033, ...). The order
 * CS32, DS, CS64 is what SYSRET needs (STAR[63:48] + 8 / + 16).
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <hv/types.h>

#include <xen/arch-x86_64.h>   /* FIRST_RESERVED_GDT_PAGE/ENTRY */
#define GDT_ENTRIES               8192

#define HV_CS          0xe008   /* ring 0, 64-bit code */
#define HV_DS          0xe010   /* ring 0 data */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_DS  0xe02b   /* also FLAT_RING3_SS */
#define FLAT_RING3_CS64 0xe033
#define TSS_SEL        0xe040   /* 16-byte system descriptor */
#define LDT_SEL        0xe050

#define GDT_SEL_INDEX(sel) ((sel) >> 3)

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

/* IST slots (1-based, as the IDT encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MCE 3

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} __packed;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate layout");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

static inline void lgdt(const struct desc_ptr *p)
{
    __asm__ volatile("lgdt %0" : : "m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
    __asm__ volatile("lidt %0" : : "m"(*p));
}

static inline void ltr(uint16_t sel)
{
    __asm__ volatile("ltr %0" : : "rm"(sel));
}

/* Point all 256 gates at the entry stubs with code selector cs, and load the IDT. */
void idt_load(uint16_t cs, bool with_ist);

/* A zero page: the GDT window's guest pages until a guest installs its own. */
extern const uint64_t gdt_zero_page[512];

/* Build the GDT descriptors the hypervisor owns, into entries from 7168. */
void gdt_fill_reserved(uint64_t *gdt, const struct tss64 *tss);

#endif /* ASM_DESC_H */
