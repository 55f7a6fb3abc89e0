/*
 * The hypervisor's page tables. One "idle" L4 serves the hypervisor on every
 * CPU; later, guest L4s get slots 256-271 copied from it. Tables are written
 * through the direct map, so every table page must lie in memory the direct
 * map already covers (below EARLY_MAP_LIMIT until paging_init is done).
 */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/x86.h>

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];

static paddr_t idle_l4;
static struct bootmem *boot_alloc;      /* until the frame allocator runs */
static paddr_t boot_alloc_limit;
static vaddr_t ioremap_next = IOREMAP_VIRT_START;

paddr_t idle_pt_maddr(void)
{
    return idle_l4;
}

static paddr_t alloc_table(void)
{
    paddr_t pa;

    if (boot_alloc) {
        pa = bootmem_alloc(boot_alloc, 1, PAGE_SIZE, boot_alloc_limit);
    } else {
        mfn_t mfn = frame_alloc(0, DOMID_XEN);
        pa = mfn == INVALID_MFN ? 0 : mfn << PAGE_SHIFT;
    }
    if (pa) {
        memset(maddr_to_virt(pa), 0, PAGE_SIZE);
    }
    return pa;
}

/* The entry at `level` for va, creating lower tables on the way. */
static uint64_t *walk(vaddr_t va, unsigned int stop_shift)
{
    static const unsigned int shifts[] = { L4_SHIFT, L3_SHIFT, L2_SHIFT, L1_SHIFT };
    uint64_t *table = maddr_to_virt(idle_l4);

    for (unsigned int i = 0;; i++) {
        uint64_t *e = &table[pt_index(va, shifts[i])];
        paddr_t next;

        if (shifts[i] == stop_shift) {
            return e;
        }
        if (*e & _PAGE_PSE) {
            return NULL;    /* a large page is in the way */
        }
        if (!(*e & _PAGE_PRESENT)) {
            next = alloc_table();
            if (!next) {
                return NULL;
            }
            *e = next | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
        }
        /* The read-only M2P is the one hypervisor mapping guests may read. */
        if (va >= RO_MPT_VIRT_START && va < RO_MPT_VIRT_END) {
            *e |= _PAGE_USER;
        }
        table = maddr_to_virt(*e & PTE_ADDR_MASK);
    }
}

int map_pages(vaddr_t va, paddr_t pa, uint64_t npages, uint64_t flags)
{
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *e = walk(va + i * PAGE_SIZE, L1_SHIFT);
        if (!e) {
            return -ENOMEM;
        }
        *e = ((pa + i * PAGE_SIZE) & PTE_ADDR_MASK) | flags;
        invlpg((void *)(va + i * PAGE_SIZE));
    }
    return 0;
}

void unmap_pages(vaddr_t va, uint64_t npages)
{
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *e = walk(va + i * PAGE_SIZE, L1_SHIFT);
        if (e) {
            *e = 0;
            invlpg((void *)(va + i * PAGE_SIZE));
        }
    }
}

/* Map [pa, pa + size) at va, with 2 MiB pages wherever alignment allows. */
static int map_range(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    while (size) {
        if (IS_ALIGNED(va | pa, MiB(2)) && size >= MiB(2)) {
            uint64_t *e = walk(va, L2_SHIFT);
            if (!e) {
                return -ENOMEM;
            }
            *e = pa | flags | _PAGE_PSE;
            va += MiB(2);
            pa += MiB(2);
            size -= MiB(2);
        } else {
            int rc = map_pages(va, pa, 1, flags);
            if (rc) {
                return rc;
            }
            va += PAGE_SIZE;
            pa += PAGE_SIZE;
            size -= PAGE_SIZE;
        }
    }
    return 0;
}

static void map_image_part(const char *start, const char *end, uint64_t flags)
{
    vaddr_t s = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE);
    vaddr_t e = ALIGN_UP((vaddr_t)end, PAGE_SIZE);

    if (map_pages(s, virt_to_maddr((void *)s), (e - s) / PAGE_SIZE, flags)) {
        panic("paging: out of memory mapping the image");
    }
}

void paging_init(const struct boot_info *bi, struct bootmem *bm)
{
    boot_alloc = bm;
    boot_alloc_limit = EARLY_MAP_LIMIT;
    idle_l4 = alloc_table();
    if (!idle_l4) {
        panic("paging: no memory for page tables");
    }
    /* The direct map covers the first MiB and every region in the map. */
    if (map_range(DIRECTMAP_VIRT_START, 0, MiB(1), PAGE_HV_RW)) {
        panic("paging: out of memory for the direct map");
    }
    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        paddr_t s = MAX(ALIGN_DOWN(r->start, PAGE_SIZE), MiB(1));
        paddr_t e = ALIGN_UP(r->start + r->size, PAGE_SIZE);

        if (r->type == MEM_RESERVED || r->type == MEM_BAD || e <= s) {
            continue;
        }
        if (e > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) {
            log_warn("paging: memory above %#llx not mapped\n",
                     (unsigned long long)(DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START));
            continue;
        }
        if (map_range(DIRECTMAP_VIRT_START + s, s, e - s, PAGE_HV_RW)) {
            panic("paging: out of memory for the direct map");
        }
    }
    /* The image: code RX, read-only data RO, data and bss RW, all NX but code. */
    map_image_part(__text_start, __text_end, PAGE_HV_RX);
    map_image_part(__rodata_start, __rodata_end, PAGE_HV_RO);
    map_image_part(__data_start, __bss_end, PAGE_HV_RW);

    /*
     * Every hypervisor L4 slot gets its L3 now: guest L4s copy these entries
     * once, and later hypervisor mappings then show up in every address space.
     */
    for (unsigned int slot = HV_L4_FIRST_SLOT; slot <= HV_L4_LAST_SLOT; slot++) {
        uint64_t *l4 = maddr_to_virt(idle_l4);
        if (!(l4[slot] & _PAGE_PRESENT)) {
            paddr_t t = alloc_table();
            if (!t) {
                panic("paging: no memory for the hypervisor's L3 tables");
            }
            l4[slot] = t | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                       (slot == pt_index(RO_MPT_VIRT_START, L4_SHIFT) ? _PAGE_USER : 0);
        }
    }
    write_cr3(idle_l4);
    log_info("paging: idle page tables at %#llx, direct map and image mapped\n",
             (unsigned long long)idle_l4);
}

void paging_copy_hv_slots(uint64_t *l4)
{
    const uint64_t *idle = maddr_to_virt(idle_l4);

    for (unsigned int slot = HV_L4_FIRST_SLOT; slot <= HV_L4_LAST_SLOT; slot++) {
        l4[slot] = idle[slot];
    }
}

void paging_use_frame_allocator(void)
{
    boot_alloc = NULL;
}

paddr_t paging_ap_boot_l4(struct bootmem *bm)
{
    paddr_t l4 = bootmem_alloc(bm, 3, PAGE_SIZE, MiB(1024));
    uint64_t *t4, *t3, *t2;

    if (!l4) {
        return 0;
    }
    t4 = maddr_to_virt(l4);
    t3 = maddr_to_virt(l4 + PAGE_SIZE);
    t2 = maddr_to_virt(l4 + 2 * PAGE_SIZE);
    memcpy(t4, maddr_to_virt(idle_l4), PAGE_SIZE);
    memset(t3, 0, PAGE_SIZE);
    memset(t2, 0, PAGE_SIZE);
    t2[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_ACCESSED | _PAGE_DIRTY;
    t3[0] = (l4 + 2 * PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
    t4[0] = (l4 + PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
    return l4;
}

void *ioremap(paddr_t pa, uint64_t size)
{
    paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t n = (ALIGN_UP(pa + size, PAGE_SIZE) - base) / PAGE_SIZE;
    vaddr_t va = ioremap_next;

    if (va + n * PAGE_SIZE > IOREMAP_VIRT_END || map_pages(va, base, n, PAGE_HV_MMIO)) {
        return NULL;
    }
    ioremap_next += n * PAGE_SIZE;
    return (void *)(va + (pa - base));
}

void *mfn_to_virt(mfn_t mfn)
{
    return maddr_to_virt(mfn << PAGE_SHIFT);
}

mfn_t virt_to_mfn(const void *va)
{
    return virt_to_maddr(va) >> PAGE_SHIFT;
}
