/* SPDX-License-Identifier: MIT */
/* Freestanding C library pieces: strings, memory, printf, console. */
#ifndef RT_LIB_H
#define RT_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define __noreturn     __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(n)   __attribute__((aligned(n)))
#define __weak         __attribute__((weak))
#define __used         __attribute__((used))

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Console output: HYPERVISOR_console_io(CONSOLEIO_write).  printf formats
 * into a bounded buffer (512 bytes) and writes it in one hypercall. */
void console_write(const char *s, size_t len);
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);

/* Print "PANIC: ..." framed by asterisks and shut down with SHUTDOWN_crash. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#endif /* RT_LIB_H */
