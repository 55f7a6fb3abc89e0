/*
 * Helpers shared by the hypervisor's unit tests (tests/unit/hypervisor/):
 * a reproducible random number generator, catching an expected panic from
 * the fake arch layer, and reading back what was logged.
 */
#ifndef TESTS_UNIT_HV_TEST_H
#define TESTS_UNIT_HV_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fake.h>
#include <hv/log.h>

/* xorshift64*: a fixed seed gives the same sequence on every host. */
static inline uint64_t t_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for test purposes; n > 0. */
static inline uint64_t t_rand_below(uint64_t *state, uint64_t n)
{
    return t_rand(state) % n;
}

/*
 * Run `stmt`, which must panic: the fake panic longjmps back here. Fails the
 * test if it returns normally. The message is left in fake_panic_msg.
 */
#define T_EXPECT_PANIC(stmt)                                                                       \
    do {                                                                                           \
        jmp_buf t_jb_;                                                                             \
        fake_panic_msg[0] = '\0';                                                                  \
        fake_panic_jmp = &t_jb_;                                                                   \
        if (setjmp(t_jb_) == 0) {                                                                  \
            stmt;                                                                                  \
            fake_panic_jmp = NULL;                                                                 \
            fail_msg("expected a panic from: %s", #stmt);                                          \
        }                                                                                          \
        fake_panic_jmp = NULL;                                                                     \
    } while (0)

/* Everything logged since `mark` (a log_ring_total() value), NUL-terminated. */
static inline size_t t_log_since(uint64_t mark, char *buf, size_t size)
{
    uint64_t pos = mark;
    size_t n = log_ring_read(buf, size - 1, &pos);

    buf[n] = '\0';
    return n;
}

#endif /* TESTS_UNIT_HV_TEST_H */
