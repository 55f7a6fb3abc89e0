/*
 * Reading a test fixture: a file the build put beside the test binary
 * (real-toolchain ELF images, cpio archives), found from /proc/self/exe so
 * a test runs from any working directory.
 */
#ifndef TESTS_UNIT_TEST_FIXTURE_H
#define TESTS_UNIT_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* The whole of <binary's directory>/rel, malloc'd; fails the test if absent. */
static inline uint8_t *test_fixture_read(const char *rel, const char *made_by, size_t *size)
{
    char exe[4096], path[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;
    FILE *f;
    uint8_t *buf;
    long len;

    assert_true(n > 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    assert_non_null(slash);
    *slash = '\0';
    snprintf(path, sizeof(path), "%s/%s", exe, rel);
    f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("fixture %s missing (made by %s)", path, made_by);
    }
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *size = (size_t)len;
    return buf;
}

#endif /* TESTS_UNIT_TEST_FIXTURE_H */
