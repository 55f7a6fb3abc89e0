/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the basic types every other header builds on.
 *
 * Rules for every header under guest-abi/include/xen/:
 *   - fixed-width integer types only: no long, no enums as field types, no
 *     bitfields, no native pointers in shared structures;
 *   - a guest buffer is a 64-bit guest virtual address held in a typed
 *     handle (XEN_GUEST_HANDLE(name)), never a pointer;
 *   - explicit padding, and XEN_ABI_SIZE / XEN_ABI_OFFSET checks after every
 *     structure, pinning the layout Xen's x86-64 PV ABI defines;
 *   - every header compiles on its own, freestanding (C11, -pedantic) and as
 *     C++17 (make check-headers).
 *
 * The layouts are those of the Xen public interface (x86-64, PV); only the
 * 64-bit guest ABI is described.
 */
#ifndef XENOLITH_XEN_TYPES_H
#define XENOLITH_XEN_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* Compile-time layout checks, usable from both C11 and C++. */
#ifdef __cplusplus
#define XEN_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#define XEN_ABI_ALIGNOF(type)     alignof(type)
#else
#define XEN_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#define XEN_ABI_ALIGNOF(type)     _Alignof(type)
#endif

/* sizeof(type) must be exactly n bytes. */
#define XEN_ABI_SIZE(type, n) XEN_ABI_ASSERT(sizeof(type) == (n), "size of " #type " must be " #n)

/* offsetof(type, member) must be exactly off bytes. */
#define XEN_ABI_OFFSET(type, member, off)                                                          \
    XEN_ABI_ASSERT(offsetof(type, member) == (off), #type "." #member " at " #off)

/* alignof(type) must be exactly n bytes. */
#define XEN_ABI_ALIGN(type, n)                                                                     \
    XEN_ABI_ASSERT(XEN_ABI_ALIGNOF(type) == (n), "alignment of " #type " must be " #n)

/*
 * Guest handles.  A handle names a buffer in the calling guest's virtual
 * address space.  It is 8 bytes and 8-byte aligned, like Xen's
 * `struct { T *p; }` on x86-64.  Each element type gets its own handle type
 * so that handles of different element types cannot be mixed up silently.
 *
 *   XEN_DEFINE_GUEST_HANDLE(uint8);        defines xen_guest_handle_uint8_t
 *   XEN_GUEST_HANDLE(uint8) h;             declares one
 *   xen_set_guest_handle(h, buffer);       guest side: point it at a buffer
 */
#define XEN_GUEST_HANDLE(name) xen_guest_handle_##name##_t
#define XEN_DEFINE_GUEST_HANDLE(name)                                                              \
    typedef struct {                                                                               \
        uint64_t p;                                                                                \
    } XEN_GUEST_HANDLE(name)
#define xen_set_guest_handle(h, ptr) ((h).p = (uint64_t)(uintptr_t)(ptr))
#define xen_guest_handle_is_null(h)  ((h).p == 0)

XEN_DEFINE_GUEST_HANDLE(void);
XEN_DEFINE_GUEST_HANDLE(char);
XEN_DEFINE_GUEST_HANDLE(uint8);
XEN_DEFINE_GUEST_HANDLE(uint16);
XEN_DEFINE_GUEST_HANDLE(uint32);
XEN_DEFINE_GUEST_HANDLE(uint64);
XEN_DEFINE_GUEST_HANDLE(int32);
XEN_DEFINE_GUEST_HANDLE(xen_pfn);
XEN_DEFINE_GUEST_HANDLE(xen_ulong);
XEN_ABI_SIZE(XEN_GUEST_HANDLE(void), 8);
XEN_ABI_ALIGN(XEN_GUEST_HANDLE(void), 8);

/* A frame number (machine or pseudo-physical): `unsigned long` in Xen's headers. */
typedef uint64_t xen_pfn_t;
/* A register-sized unsigned value: `unsigned long` in Xen's headers. */
typedef uint64_t xen_ulong_t;
/* A domain identifier. */
typedef uint16_t domid_t;

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE  (UINT64_C(1) << XEN_PAGE_SHIFT)

#endif /* XENOLITH_XEN_TYPES_H */
