/*
 * Tearing down a PV domain's architectural state: base pointers, pinned page
 * tables (which releases every table below them), GDT frames and registered
 * vcpu_info frames. Afterwards only the owner's allocation references and
 * other domains' mappings keep its frames alive.
 */
#include <hv/domain.h>
#include <asm/mm.h>
#include <asm/percpu.h>
#include <asm/pv.h>

void arch_put_frame(mfn_t mfn)
{
    put_page(mfn);
}

bool arch_vcpu_is_running(const struct vcpu *v)
{
    for (unsigned int i = 0; i < MAX_CPUS; i++) {
        if (cpu_infos[i] && cpu_infos[i]->curr == v) {
            return true;
        }
    }
    return false;
}

static void relinquish_vcpu(struct vcpu *v)
{
    if (v->arch.guest_table != INVALID_MFN) {
        put_page_and_type(v->arch.guest_table);
        v->arch.guest_table = INVALID_MFN;
    }
    if (v->arch.guest_table_user != INVALID_MFN) {
        put_page_and_type(v->arch.guest_table_user);
        v->arch.guest_table_user = INVALID_MFN;
    }
    for (unsigned int i = 0; i < (v->arch.gdt_ents + 511) / 512; i++) {
        put_page_and_type(v->arch.gdt_frames[i]);
    }
    v->arch.gdt_ents = 0;
    if (v->vcpu_info_mfn != INVALID_MFN) {
        put_page_and_type(v->vcpu_info_mfn);
        v->vcpu_info_mfn = INVALID_MFN;
    }
}

void arch_domain_relinquish(struct domain *d)
{
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        if (d->vcpus[i]) {
            relinquish_vcpu(d->vcpus[i]);
        }
    }
    /* Unpinning drops the last type reference of each tree: everything below goes too. */
    for (uint32_t m = d->page_head; m != FRAME_NONE; m = mfn_to_page(m)->next) {
        struct page_info *pg = mfn_to_page(m);
        if (pg->flags & PGF_PINNED) {
            pg->flags &= (uint16_t)~PGF_PINNED;
            put_page_and_type(m);
        }
    }
}
