/* SPDX-License-Identifier: MIT */
/*
 * XTF-style test reporting.
 *
 * A test guest defines `const char test_title[]` and `void test_main(void)`.
 * The status only gets worse: SUCCESS < SKIP < ERROR < FAILURE.  When
 * test_main returns, the runtime prints exactly one line
 *     Test result: SUCCESS|SKIP|ERROR|FAILURE
 * as the last console line and shuts down (SHUTDOWN_poweroff unless the test
 * set test_shutdown_reason).  A test that reported nothing and passed no
 * check ends in ERROR.
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdint.h>
#include "lib.h"

extern const char test_title[];
void test_main(void);
/* Optional: runs before the trap table, callbacks and shared_info exist
 * (console output works). */
void test_early(void);

enum test_status { TEST_RUNNING, TEST_SUCCESS, TEST_SKIP, TEST_ERROR, TEST_FAILURE };
extern enum test_status test_status;
extern uint64_t test_checks_passed;
extern unsigned int test_shutdown_reason;

void test_success(void);
void test_skip(const char *fmt, ...) __printf(1, 2);
void test_error(const char *fmt, ...) __printf(1, 2);
void test_fail(const char *fmt, ...) __printf(1, 2);
/* Ends the test now: prints the result line and shuts down. */
void test_finish(void) __noreturn;

void check_failed(const char *file, int line, const char *what, const char *fmt, ...)
    __printf(4, 5);

/* CHECK(cond, "fmt", ...): a failed check records FAILURE and goes on. */
#define CHECK(cond, ...)                                                                           \
    ({                                                                                             \
        int _ok = !!(cond);                                                                        \
        if (_ok)                                                                                   \
            test_checks_passed++;                                                                  \
        else                                                                                       \
            check_failed(__FILE__, __LINE__, #cond, " " __VA_ARGS__);                              \
        _ok;                                                                                       \
    })

/* CHECK_EQ(actual, expected): compared as 64-bit integers. */
#define CHECK_EQ(actual, expected)                                                                 \
    ({                                                                                             \
        uint64_t _a = (uint64_t)(actual), _e = (uint64_t)(expected);                               \
        int _ok = _a == _e;                                                                        \
        if (_ok)                                                                                   \
            test_checks_passed++;                                                                  \
        else                                                                                       \
            check_failed(__FILE__, __LINE__, #actual " == " #expected,                             \
                         " got %#lx (%ld), expected %#lx (%ld)", _a, (long)_a, _e, (long)_e);      \
        _ok;                                                                                       \
    })

#endif /* RT_TEST_H */
