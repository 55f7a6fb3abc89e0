/* SPDX-License-Identifier: MIT */
/* XTF-style test reporting: a status that only gets worse, one result line. */
#include <rt/runtime.h>

enum test_status test_status = TEST_RUNNING;
uint64_t test_checks_passed;
unsigned int test_shutdown_reason = SHUTDOWN_poweroff;

static const char *const status_names[] = {
    [TEST_RUNNING] = "RUNNING", [TEST_SUCCESS] = "SUCCESS", [TEST_SKIP] = "SKIP",
    [TEST_ERROR] = "ERROR",     [TEST_FAILURE] = "FAILURE",
};

static void set_status(enum test_status s)
{
    if (s > test_status)
        test_status = s;
}

static void report(enum test_status s, const char *what, const char *fmt, va_list ap)
{
    set_status(s);
    if (fmt && *fmt) {
        printf("%s: ", what);
        vprintf(fmt, ap);
        printf("\n");
    }
}

void test_success(void)
{
    set_status(TEST_SUCCESS);
}

#define REPORT_FN(name, status, label)                                                             \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        report(status, label, fmt, ap);                                                            \
        va_end(ap);                                                                                \
    }
REPORT_FN(test_skip, TEST_SKIP, "Skip")
REPORT_FN(test_error, TEST_ERROR, "Error")
REPORT_FN(test_fail, TEST_FAILURE, "Failure")

void check_failed(const char *file, int line, const char *what, const char *fmt, ...)
{
    va_list ap;
    set_status(TEST_FAILURE);
    printf("Failure: %s:%d: %s", file, line, what);
    if (fmt && *fmt == ' ') /* CHECK() puts a space in front of its format */
        fmt++;
    if (fmt && *fmt) {
        printf(": ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
}

void test_finish(void)
{
    if (test_status == TEST_RUNNING) {
        if (test_checks_passed)
            test_status = TEST_SUCCESS;
        else {
            printf("Error: the test reported no status and passed no check\n");
            test_status = TEST_ERROR;
        }
    }
    printf("Checks passed: %lu\n", test_checks_passed);
    printf("Test result: %s\n", status_names[test_status]);
    hypercall_shutdown(test_shutdown_reason);
    panic("SCHEDOP_shutdown(%u) returned", test_shutdown_reason);
}

__weak void test_early(void)
{
}
