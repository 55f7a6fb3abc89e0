/*
 * ACPI table reading (common/acpi.c): RSDP v1/v2 -> RSDT/XSDT -> MADT built
 * with correct checksums in a buffer of "physical memory", the CPUs and
 * APIC addresses found, malformed tables rejected, and the RSDP scan.
 */
#include "hv_test.h"

#include <hv/acpi.h>
#include <hv/errno.h>

#define LOW_SIZE  0x100000u      /* [0, 1 MiB) */
#define HIGH_PA   0x100000000ull /* a little memory above 4 GiB */
#define HIGH_SIZE 0x10000u

#define RSDT_PA    0x50000u
#define XSDT_PA    0x51000u
#define MADT_PA    0x52000u
#define MADT2_PA   0x53000u
#define FACP_PA    0x54000u
#define MADT_HI_PA (HIGH_PA + 0x2000)

static uint8_t *low, *high;
static bool map_fails_bda;

static const void *map(paddr_t pa, uint64_t len)
{
    if (pa + len < pa) {
        return NULL;
    }
    if (map_fails_bda && pa < 0x1000) {
        return NULL;
    }
    if (pa + len <= LOW_SIZE) {
        return low + pa;
    }
    if (pa >= HIGH_PA && pa + len <= HIGH_PA + HIGH_SIZE) {
        return high + (pa - HIGH_PA);
    }
    return NULL;
}

static uint8_t *P(paddr_t pa)
{
    return (uint8_t *)map(pa, 1);
}

static int setup(void **state)
{
    (void)state;
    low = calloc(1, LOW_SIZE);
    high = calloc(1, HIGH_SIZE);
    map_fails_bda = false;
    return low && high ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(low);
    free(high);
    return 0;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--) {
        s = (uint8_t)(s + *p++);
    }
    return s;
}

/* Fix a table's checksum (byte 9) for its current length field. */
static void seal(paddr_t pa)
{
    uint8_t *t = P(pa);
    uint32_t len;

    memcpy(&len, t + 4, 4);
    t[9] = 0;
    t[9] = (uint8_t)-sum8(t, len);
}

static void sdt_header(paddr_t pa, const char *sig, uint32_t len)
{
    uint8_t *t = P(pa);

    memset(t, 0, 36);
    memcpy(t, sig, 4);
    memcpy(t + 4, &len, 4);
    t[8] = 1;
    memcpy(t + 10, "XENOLI", 6);
    memcpy(t + 16, "TESTTABL", 8);
}

/* A root table (RSDT with 4-byte, XSDT with 8-byte entries). */
static void root_table(paddr_t pa, const char *sig, const uint64_t *entries, unsigned int n)
{
    unsigned int esz = sig[0] == 'X' ? 8 : 4;

    sdt_header(pa, sig, 36 + n * esz);
    for (unsigned int i = 0; i < n; i++) {
        memcpy(P(pa) + 36 + i * esz, &entries[i], esz);
    }
    seal(pa);
}

/* MADT under construction. */
static uint8_t madt[4096];
static uint32_t madt_len;

static void madt_begin(uint32_t lapic)
{
    memset(madt, 0, sizeof(madt));
    memcpy(madt, "APIC", 4);
    memcpy(madt + 36, &lapic, 4);
    madt_len = 44;
}

static void madt_entry(uint8_t type, uint8_t len, const void *body)
{
    madt[madt_len] = type;
    madt[madt_len + 1] = len;
    if (len > 2) {
        memcpy(madt + madt_len + 2, body, len - 2u);
    }
    madt_len += len;
}

static void lapic(uint8_t apic_id, uint32_t flags)
{
    uint8_t b[6] = {apic_id, apic_id, 0, 0, 0, 0}; /* processor uid, apic id, flags */

    memcpy(b + 2, &flags, 4);
    madt_entry(0, 8, b);
}

static void x2apic(uint32_t id, uint32_t flags)
{
    uint8_t b[14] = {0};

    memcpy(b + 2, &id, 4);
    memcpy(b + 6, &flags, 4);
    madt_entry(9, 16, b);
}

static void ioapic(uint32_t addr)
{
    uint8_t b[10] = {1, 0};

    memcpy(b + 2, &addr, 4);
    madt_entry(1, 12, b);
}

/* Write the MADT at pa with its length and checksum. */
static void madt_put(paddr_t pa)
{
    memcpy(madt + 4, &madt_len, 4);
    memcpy(P(pa), madt, madt_len);
    seal(pa);
}

static uint8_t rsdp[36];

static void make_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint32_t len = 36;

    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "XENOLI", 6);
    rsdp[15] = rev;
    memcpy(rsdp + 16, &rsdt, 4);
    memcpy(rsdp + 20, &len, 4);
    memcpy(rsdp + 24, &xsdt, 8);
    rsdp[8] = (uint8_t)-sum8(rsdp, 20);
    rsdp[32] = (uint8_t)-sum8(rsdp, 36);
}

static struct acpi_cpus cpus;

static int read_v1(void)
{
    make_rsdp(0, RSDT_PA, 0);
    return acpi_read_cpus(rsdp, 20, map, &cpus);
}

static bool has_cpu(uint32_t id)
{
    for (unsigned int i = 0; i < cpus.nr; i++) {
        if (cpus.apic_id[i] == id) {
            return true;
        }
    }
    return false;
}

/* A typical machine: two CPUs on, one off, one only "online capable", two I/O APICs. */
static void typical_madt(paddr_t pa)
{
    madt_begin(0xfee00000);
    lapic(0, 1);
    lapic(2, 1);
    lapic(4, 0);
    lapic(6, 2);
    madt_entry(2, 10, (uint8_t[8]){0, 0, 2, 0, 0, 0, 0, 0}); /* interrupt override */
    ioapic(0xfec00000);
    ioapic(0xfec01000);
    madt_put(pa);
}

static void test_v1_rsdt_madt(void **state)
{
    (void)state;
    sdt_header(FACP_PA, "FACP", 36);
    seal(FACP_PA);
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){FACP_PA, MADT_PA}, 2);
    memset(&cpus, 0x5a, sizeof(cpus));
    assert_int_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, 2);
    assert_int_equal(cpus.apic_id[0], 0);
    assert_int_equal(cpus.apic_id[1], 2);
    assert_int_equal(cpus.lapic_base, 0xfee00000);
    assert_int_equal(cpus.ioapic_base, 0xfec00000);
    assert_int_equal(cpus.dropped, 0);
    /* The full 36-byte copy of a v1 RSDP works as well. */
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), 0);
    assert_int_equal(cpus.nr, 2);
}

static void test_xsdt_preferred_over_rsdt(void **state)
{
    (void)state;
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    madt_begin(0xfee00000);
    lapic(1, 1);
    x2apic(0x300, 1);
    x2apic(0x301, 1);
    madt_put(MADT_HI_PA);
    root_table(XSDT_PA, "XSDT", (const uint64_t[]){FACP_PA, MADT_HI_PA}, 2);

    make_rsdp(2, RSDT_PA, XSDT_PA);
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), 0);
    assert_int_equal(cpus.nr, 3);
    assert_true(has_cpu(1) && has_cpu(0x300) && has_cpu(0x301));
    assert_int_equal(cpus.ioapic_base, 0);
    /* Revision 2 without an XSDT address: the RSDT. */
    make_rsdp(2, RSDT_PA, 0);
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), 0);
    assert_int_equal(cpus.nr, 2);
    /* Revision 0: the XSDT field is not looked at even if set. */
    make_rsdp(0, RSDT_PA, XSDT_PA);
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), 0);
    assert_int_equal(cpus.nr, 2);
}

static void test_x2apic_duplicates_and_override(void **state)
{
    uint8_t ovr[10] = {0};
    uint64_t base = 0x1fee00000ull;

    (void)state;
    memcpy(ovr + 2, &base, 8);
    madt_begin(0xfee00000);
    lapic(5, 1);
    x2apic(5, 1); /* the same CPU listed twice */
    x2apic(0x1234567, 1);
    x2apic(0x99, 0); /* disabled */
    lapic(5, 1);
    madt_entry(5, 12, ovr);                     /* local APIC address override */
    madt_entry(9, 12, (uint8_t[10]){0});        /* x2APIC entry too short: ignored */
    madt_entry(0, 6, (uint8_t[4]){7, 7, 1, 0}); /* local APIC entry too short */
    madt_put(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, 2);
    assert_true(has_cpu(5));
    assert_true(has_cpu(0x1234567));
    assert_false(has_cpu(0x99));
    assert_false(has_cpu(7));
    assert_int_equal(cpus.lapic_base, base);
}

static void test_too_many_cpus_dropped(void **state)
{
    (void)state;
    madt_begin(0xfee00000);
    for (unsigned int i = 0; i < ACPI_MAX_CPUS + 6; i++) {
        lapic((uint8_t)i, 1);
    }
    madt_put(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, ACPI_MAX_CPUS);
    assert_int_equal(cpus.dropped, 6);
    for (unsigned int i = 0; i < ACPI_MAX_CPUS; i++) {
        assert_int_equal(cpus.apic_id[i], i);
    }
}

static void test_no_usable_madt(void **state)
{
    (void)state;
    /* No CPU enabled. */
    madt_begin(0xfee00000);
    lapic(0, 0);
    ioapic(0xfec00000);
    madt_put(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_equal(read_v1(), -ENOENT);
    assert_int_equal(cpus.nr, 0);
    /* No MADT listed; entries pointing nowhere are skipped. */
    sdt_header(FACP_PA, "FACP", 36);
    seal(FACP_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){FACP_PA, 0x7000000, 0xfffffffc}, 3);
    assert_int_equal(read_v1(), -ENOENT);
    /* ... and the MADT after a bad pointer is still found. */
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){0x7000000, MADT_PA}, 2);
    assert_int_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, 2);
    /* An empty RSDT. */
    root_table(RSDT_PA, "RSDT", NULL, 0);
    assert_int_equal(read_v1(), -ENOENT);
}

static void test_bad_rsdp_rejected(void **state)
{
    (void)state;
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    make_rsdp(0, RSDT_PA, 0);
    assert_int_equal(acpi_read_cpus(rsdp, 20, map, &cpus), 0);
    assert_int_equal(acpi_read_cpus(rsdp, 19, map, &cpus), -EINVAL);
    assert_int_equal(acpi_read_cpus(rsdp, 0, map, &cpus), -EINVAL);
    rsdp[8]++;
    assert_int_equal(acpi_read_cpus(rsdp, 20, map, &cpus), -EINVAL);
    make_rsdp(0, RSDT_PA, 0);
    rsdp[0] = 'r';
    rsdp[8]--; /* checksum still right, signature wrong */
    assert_int_equal(acpi_read_cpus(rsdp, 20, map, &cpus), -EINVAL);
    /* Version 2: the extended checksum counts, and all 36 bytes are needed. */
    make_rsdp(2, RSDT_PA, 0);
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), 0);
    assert_int_equal(acpi_read_cpus(rsdp, 20, map, &cpus), -EINVAL);
    assert_int_equal(acpi_read_cpus(rsdp, 35, map, &cpus), -EINVAL);
    rsdp[32]++;
    assert_int_equal(acpi_read_cpus(rsdp, 36, map, &cpus), -EINVAL);
    assert_int_equal(cpus.nr, 0);
}

static void test_bad_tables_rejected(void **state)
{
    (void)state;
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_equal(read_v1(), 0);
    /* RSDT: checksum, signature, length below a header, length past memory. */
    P(RSDT_PA)[36] ^= 0x10;
    assert_int_not_equal(read_v1(), 0);
    root_table(RSDT_PA, "XSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_not_equal(read_v1(), 0);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    memcpy(P(RSDT_PA) + 4, &(uint32_t){35}, 4);
    seal(RSDT_PA);
    assert_int_not_equal(read_v1(), 0);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    assert_int_equal(read_v1(), 0);
    /* MADT checksum. */
    P(MADT_PA)[40] ^= 1;
    assert_int_not_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, 0);
    /* MADT shorter than its fixed fields (but a sound header). */
    madt_begin(0xfee00000);
    madt_len = 40;
    madt_put(MADT_PA);
    assert_int_equal(read_v1(), -EINVAL);
    /* MADT longer than ACPI_MAX, or than mapped memory. */
    typical_madt(MADT_PA);
    memcpy(P(MADT_PA) + 4, &(uint32_t){(1u << 20) + 1}, 4);
    assert_int_not_equal(read_v1(), 0);
    typical_madt(0xfff00);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){0xfff00}, 1);
    memcpy(P(0xfff00) + 4, &(uint32_t){0x200}, 4);
    assert_int_not_equal(read_v1(), 0);
}

static void test_bad_madt_entries_rejected(void **state)
{
    static const uint8_t bad_len[] = {0, 1};

    (void)state;
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    /* An entry length of 0 or 1 (would never advance). */
    for (size_t i = 0; i < ARRAY_SIZE(bad_len); i++) {
        madt_begin(0xfee00000);
        lapic(0, 1);
        madt[madt_len] = 0;
        madt[madt_len + 1] = bad_len[i];
        madt_len += 8;
        madt_put(MADT_PA);
        assert_int_equal(read_v1(), -EINVAL);
    }
    /* The last entry runs past the table's end. */
    madt_begin(0xfee00000);
    lapic(0, 1);
    lapic(1, 1);
    madt_len -= 3;
    madt_put(MADT_PA);
    assert_int_equal(read_v1(), -EINVAL);
    /* A stray byte at the end (no room for an entry header) is ignored. */
    madt_begin(0xfee00000);
    lapic(3, 1);
    madt_len += 1;
    madt_put(MADT_PA);
    assert_int_equal(read_v1(), 0);
    assert_int_equal(cpus.nr, 1);
    /* Unknown entry types are skipped by their length. */
    madt_begin(0xfee00000);
    madt_entry(0x7f, 20, (uint8_t[18]){0});
    lapic(9, 1);
    madt_put(MADT_PA);
    assert_int_equal(read_v1(), 0);
    assert_true(has_cpu(9));
}

/* Place an RSDP (a copy of `rsdp`) in low memory. */
static void put_rsdp(paddr_t pa, size_t len)
{
    memcpy(P(pa), rsdp, len);
}

static void test_find_rsdp(void **state)
{
    (void)state;
    /* Nothing anywhere. */
    assert_int_equal(acpi_find_rsdp(map), 0);
    /* In the BIOS area, on a 16-byte boundary. */
    make_rsdp(0, RSDT_PA, 0);
    put_rsdp(0xf5a30, 20);
    assert_int_equal(acpi_find_rsdp(map), 0xf5a30);
    /* A bad candidate earlier is skipped. */
    put_rsdp(0xe0100, 20);
    P(0xe0100)[8]++;
    assert_int_equal(acpi_find_rsdp(map), 0xf5a30);
    /* The EBDA (segment at 0x40e) is searched first. */
    memcpy(P(0x40e), &(uint16_t){0x9fc0}, 2);
    put_rsdp(0x9fd00, 20);
    assert_int_equal(acpi_find_rsdp(map), 0x9fd00);
    /* Beyond the EBDA's first KiB it is not looked for. */
    memset(P(0x9fd00), 0, 36);
    put_rsdp(0x9ff00 + 0x100, 20);
    assert_int_equal(acpi_find_rsdp(map), 0xf5a30);
    /* The BIOS data area unreadable: the BIOS area is still searched. */
    put_rsdp(0x9fd00, 20);
    map_fails_bda = true;
    assert_int_equal(acpi_find_rsdp(map), 0xf5a30);
    map_fails_bda = false;
    memset(P(0x9fd00), 0, 36);
    /* Not on a 16-byte boundary: not found. */
    memset(P(0xf5a30), 0, 36);
    put_rsdp(0xf5a38, 20);
    assert_int_equal(acpi_find_rsdp(map), 0);
    /* Version 2 needs its extended checksum too. */
    make_rsdp(2, RSDT_PA, XSDT_PA);
    put_rsdp(0xe0000, 36);
    assert_int_equal(acpi_find_rsdp(map), 0xe0000);
    P(0xe0000)[32]++;
    assert_int_equal(acpi_find_rsdp(map), 0);
    /* Found, then used. */
    typical_madt(MADT_PA);
    root_table(RSDT_PA, "RSDT", (const uint64_t[]){MADT_PA}, 1);
    make_rsdp(0, RSDT_PA, 0);
    put_rsdp(0xffff0 - 0x20, 20);
    {
        paddr_t pa = acpi_find_rsdp(map);

        assert_int_equal(pa, 0xfffd0);
        assert_int_equal(acpi_read_cpus(map(pa, 36), 36, map, &cpus), 0);
        assert_int_equal(cpus.nr, 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_v1_rsdt_madt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xsdt_preferred_over_rsdt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_x2apic_duplicates_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_cpus_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_usable_madt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rsdp_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_tables_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_madt_entries_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_rsdp, setup, teardown),
    };

    return cmocka_run_group_tests_name("hypervisor_acpi", tests, NULL, NULL);
}
