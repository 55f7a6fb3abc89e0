/* SPDX-License-Identifier: MIT */
/* The memcpy_4k_* figures (bench.h), in the event-channel/grant images. */
#include <rt/lib.h>
#include <rt/x86.h>
#include "bench.h"

static uint8_t copy_src[4096] __aligned(4096);
static uint8_t copy_dst[4096] __aligned(4096);

static void copy_movsq(void *d, const void *s, size_t len)
{
    size_t q = len / 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
}

static void copy_movsb(void *d, const void *s, size_t len)
{
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(len) : : "memory");
}

static void copy_bytes(void *d, const void *s, size_t len)
{
    memcpy(d, s, len);
}

void bench_memcpy_setup(void)
{
    for (unsigned int j = 0; j < sizeof(copy_src); j++)
        copy_src[j] = (uint8_t)(j * 7);
}

uint64_t bench_memcpy(const struct bench *b, uint64_t n, long *err)
{
    void (*fn)(void *, const void *, size_t) = b->variant == 0   ? copy_movsq
                                               : b->variant == 1 ? copy_movsb
                                                                 : copy_bytes;
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++)
        fn(copy_dst, copy_src, 4096);
    return rdtsc() - t0;
}

bool bench_memcpy_done(void)
{
    return memcmp(copy_dst, copy_src, sizeof(copy_dst)) == 0;
}
