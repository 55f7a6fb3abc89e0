/* Basic types for hypervisor code, freestanding or host (unit tests). */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* machine (physical) address */
typedef uint64_t vaddr_t;   /* hypervisor virtual address */
typedef uint64_t mfn_t;     /* machine frame number */
typedef int64_t s_time_t;   /* system time in ns since boot */
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define INVALID_MFN (~(mfn_t)0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(a) __attribute__((aligned(a)))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define __unused __attribute__((unused))
#define __section(s) __attribute__((section(s)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* HV_TYPES_H */
