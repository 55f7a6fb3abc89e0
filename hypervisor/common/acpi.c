/*
 * Minimal ACPI table reading: RSDP -> RSDT/XSDT -> MADT. Firmware tables are
 * input like any other: every length is bounded and every checksum checked
 * before a table is used.
 */
#include <hv/acpi.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define SDT_HDR_LEN 36u
#define SDT_MAX_LEN (1u << 20)

struct rsdp {
    char sig[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct rsdp) == 36, "ACPI RSDP layout");

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--) {
        s = (uint8_t)(s + *p++);
    }
    return s;
}

static bool rsdp_valid(const uint8_t *p, size_t len)
{
    const struct rsdp *r = (const void *)p;

    if (len < 20 || memcmp(r->sig, "RSD PTR ", 8) || sum(p, 20)) {
        return false;
    }
    if (r->revision >= 2 && (len < sizeof(*r) || sum(p, sizeof(*r)))) {
        return false;
    }
    return true;
}

static paddr_t scan(acpi_map_fn map, paddr_t start, uint64_t len)
{
    const uint8_t *p = map(start, len);

    if (!p) {
        return 0;
    }
    for (uint64_t off = 0; off + 36 <= len; off += 16) {
        if (rsdp_valid(p + off, 36) || (rsdp_valid(p + off, 20) && p[off + 15] < 2)) {
            return start + off;
        }
    }
    return 0;
}

paddr_t acpi_find_rsdp(acpi_map_fn map)
{
    const uint16_t *ebda_seg = map(0x40e, 2);
    paddr_t found = 0;

    if (ebda_seg && *ebda_seg) {
        found = scan(map, (paddr_t)*ebda_seg << 4, 1024);
    }
    return found ? found : scan(map, 0xe0000, 0x20000);
}

/* Map a whole table after checking its header; NULL if it is not sound. */
static const uint8_t *map_table(acpi_map_fn map, paddr_t pa, const char *sig)
{
    const uint8_t *h = map(pa, SDT_HDR_LEN);
    uint32_t len;
    const uint8_t *t;

    if (!h || (sig && memcmp(h, sig, 4))) {
        return NULL;
    }
    memcpy(&len, h + 4, 4);
    if (len < SDT_HDR_LEN || len > SDT_MAX_LEN) {
        return NULL;
    }
    t = map(pa, len);
    return t && sum(t, len) == 0 ? t : NULL;
}

static const uint8_t *find_madt(const struct rsdp *r, acpi_map_fn map)
{
    bool x = r->revision >= 2 && r->xsdt;
    const uint8_t *root = map_table(map, x ? r->xsdt : r->rsdt, x ? "XSDT" : "RSDT");
    unsigned int esz = x ? 8 : 4;
    uint32_t len;

    if (!root) {
        return NULL;
    }
    memcpy(&len, root + 4, 4);
    for (uint32_t off = SDT_HDR_LEN; off + esz <= len; off += esz) {
        uint64_t pa = 0;
        const uint8_t *h;

        memcpy(&pa, root + off, esz);
        h = map(pa, 4);
        if (h && !memcmp(h, "APIC", 4)) {
            return map_table(map, pa, "APIC");
        }
    }
    return NULL;
}

static void add_cpu(struct acpi_cpus *out, uint32_t apic_id)
{
    for (unsigned int i = 0; i < out->nr; i++) {
        if (out->apic_id[i] == apic_id) {
            return;     /* listed twice (xAPIC and x2APIC entries) */
        }
    }
    if (out->nr == ACPI_MAX_CPUS) {
        out->dropped++;
        return;
    }
    out->apic_id[out->nr++] = apic_id;
}

int acpi_read_cpus(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_cpus *out)
{
    struct rsdp r = { 0 };
    const uint8_t *madt;
    uint32_t len, lapic;

    memset(out, 0, sizeof(*out));
    if (!rsdp_valid(rsdp, rsdp_len)) {
        return -EINVAL;
    }
    memcpy(&r, rsdp, MIN(rsdp_len, sizeof(r)));
    if (r.revision < 2) {
        r.xsdt = 0;
    }
    madt = find_madt(&r, map);
    if (!madt) {
        return -ENOENT;
    }
    memcpy(&len, madt + 4, 4);
    if (len < SDT_HDR_LEN + 8) {
        return -EINVAL;
    }
    memcpy(&lapic, madt + SDT_HDR_LEN, 4);
    out->lapic_base = lapic;
    for (uint32_t off = SDT_HDR_LEN + 8; off + 2 <= len;) {
        uint8_t type = madt[off], elen = madt[off + 1];
        const uint8_t *e = madt + off;
        uint32_t flags, v;

        if (elen < 2 || off + elen > len) {
            return -EINVAL;
        }
        if (type == 0 && elen >= 8) {
            memcpy(&flags, e + 4, 4);
            if (flags & 1) {
                add_cpu(out, e[3]);
            }
        } else if (type == 9 && elen >= 16) {
            memcpy(&v, e + 4, 4);
            memcpy(&flags, e + 8, 4);
            if (flags & 1) {
                add_cpu(out, v);
            }
        } else if (type == 1 && elen >= 12 && !out->ioapic_base) {
            memcpy(&v, e + 4, 4);
            out->ioapic_base = v;
        } else if (type == 5 && elen >= 12) {
            memcpy(&out->lapic_base, e + 4, 8);
        }
        off += elen;
    }
    return out->nr ? 0 : -ENOENT;
}
