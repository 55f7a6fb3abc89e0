/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: shared request/response rings (Xen's io/ring.h layout).
 *
 * A ring lives in memory shared between a frontend (which issues requests)
 * and a backend (which answers them).  The shared area starts with a 64-byte
 * header, followed by a power-of-two number of slots; each slot holds either
 * a request or a response (a union of the two).
 *
 *   offset 0   req_prod    frontend: requests published so far
 *   offset 4   req_event   backend: "notify me when req_prod passes this"
 *   offset 8   rsp_prod    backend: responses published so far
 *   offset 12  rsp_event   frontend: "notify me when rsp_prod passes this"
 *   offset 16  4 private bytes, 44 bytes of padding
 *   offset 64  slots
 *
 * Indices are free-running 32-bit counters: they are never reduced modulo
 * the ring size, only masked when a slot is addressed, so they wrap at 2^32
 * and all arithmetic on them is unsigned 32-bit.
 *
 * Notification hold-off: a producer that publishes new entries notifies the
 * other end (an event channel send) only if the other end's *_event index
 * lies within the entries it just published; a consumer that runs out of
 * work sets its *_event to one past what it has consumed and then checks
 * again, so that nothing published in between is missed.
 *
 * XEN_RING_DEFINE(name, req_t, rsp_t) declares the shared layout
 * (struct name##_sring) and each end's private state (struct name##_front_ring,
 * struct name##_back_ring), and stamps out small static inline functions
 * that implement the protocol.  The rules they enforce, which every user of
 * a ring must also keep:
 *
 *  1. Only the frontend initialises the shared ring (name##_sring_init),
 *     before it grants the page; the backend attaches to it as it is.
 *  2. An end never uses an entry in place in shared memory: the backend
 *     copies each request into private memory (name##_back_take_request)
 *     and validates and uses only the copy; the frontend does the same with
 *     responses.  The other end may rewrite the slot at any time.
 *  3. Every response is written in full (name##_back_put_response copies a
 *     whole rsp_t), so no stale data of the backend's leaks through a slot.
 *  4. A producer index read from shared memory is checked for plausibility
 *     before use: the backend refuses a req_prod that claims more
 *     unconsumed requests than free slots, or that moved backwards; the
 *     frontend refuses a rsp_prod that claims more responses than requests
 *     outstanding.  Such a ring is broken (a hostile or buggy peer): the
 *     caller must stop using it (-1 from the *_unconsumed_* functions).
 *  5. Barriers: a producer fills its slots, issues a write barrier, then
 *     publishes the index; a consumer reads the index, issues a read barrier,
 *     then reads the slots; the hold-off check needs a full barrier between
 *     publishing an index and reading the other end's *_event.
 *
 * The private structures hold a native pointer: they are per-end state,
 * never shared.
 */
#ifndef XENOLITH_XEN_IO_RING_H
#define XENOLITH_XEN_IO_RING_H

#include "../types.h"

typedef uint32_t RING_IDX;

#define XEN_RING_HEADER_SIZE 64

/* Barriers (x86: the write and read barriers cost nothing but a compiler
 * barrier; the full barrier is an mfence).  An environment may override
 * them by defining all three before including this header. */
#ifndef xen_ring_mb
#define xen_ring_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_ring_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define xen_ring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif

/* Largest power of two <= x, for a 32-bit constant (0 for 0), usable in
 * constant expressions. */
#define XEN_RING__SMEAR1(x)  ((x) | ((x) >> 1))
#define XEN_RING__SMEAR2(x)  (XEN_RING__SMEAR1(x) | (XEN_RING__SMEAR1(x) >> 2))
#define XEN_RING__SMEAR4(x)  (XEN_RING__SMEAR2(x) | (XEN_RING__SMEAR2(x) >> 4))
#define XEN_RING__SMEAR8(x)  (XEN_RING__SMEAR4(x) | (XEN_RING__SMEAR4(x) >> 8))
#define XEN_RING__SMEAR16(x) (XEN_RING__SMEAR8(x) | (XEN_RING__SMEAR8(x) >> 16))
#define XEN_RING_POW2_FLOOR(x)                                                                     \
    ((uint32_t)(XEN_RING__SMEAR16((uint32_t)(x)) - (XEN_RING__SMEAR16((uint32_t)(x)) >> 1)))

/* Slots of entry_size bytes in a shared area of `bytes` bytes. */
#define XEN_RING_ENTRIES(bytes, entry_size)                                                        \
    XEN_RING_POW2_FLOOR(((bytes)-XEN_RING_HEADER_SIZE) / (entry_size))

static inline uint32_t xen_ring_pow2_floor(uint64_t x)
{
    uint32_t p = 1;

    if (x == 0) {
        return 0;
    }
    if (x > UINT32_MAX) {
        x = UINT32_MAX;
    }
    while ((uint64_t)p * 2 <= x) {
        p *= 2;
    }
    return p;
}

/* Entries that fit in `bytes` bytes of shared memory (0 if too small). */
static inline uint32_t xen_ring_entries(uint64_t bytes, uint64_t entry_size)
{
    if (bytes < XEN_RING_HEADER_SIZE + entry_size || entry_size == 0) {
        return 0;
    }
    return xen_ring_pow2_floor((bytes - XEN_RING_HEADER_SIZE) / entry_size);
}

/* Read an index the other end writes: exactly once. */
static inline RING_IDX xen_ring_read_idx(const RING_IDX *p)
{
    return *(const volatile RING_IDX *)p;
}

static inline void xen_ring_write_idx(RING_IDX *p, RING_IDX v)
{
    *(volatile RING_IDX *)p = v;
}

/* Copy an entry out of shared memory, reading every byte exactly once. */
static inline void xen_ring_copy_from_shared(void *dst, const void *src, size_t n)
{
    const volatile uint8_t *s = (const volatile uint8_t *)src;
    uint8_t *d = (uint8_t *)dst;
    size_t i;

    for (i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

static inline void xen_ring_copy_to_shared(void *dst, const void *src, size_t n)
{
    volatile uint8_t *d = (volatile uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    size_t i;

    for (i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* After publishing [old, new), must the other end be notified, given the
 * *_event index it asked for?  True if event lies in (old, new]. */
static inline int xen_ring_need_notify(RING_IDX old_idx, RING_IDX new_idx, RING_IDX event)
{
    return (RING_IDX)(new_idx - event) < (RING_IDX)(new_idx - old_idx);
}

#define XEN_RING_DEFINE(name, req_t, rsp_t)                                                        \
                                                                                                   \
    union name##_sring_entry {                                                                     \
        req_t req;                                                                                 \
        rsp_t rsp;                                                                                 \
    };                                                                                             \
                                                                                                   \
    /* The shared layout. */                                                                       \
    struct name##_sring {                                                                          \
        RING_IDX req_prod;                                                                         \
        RING_IDX req_event;                                                                        \
        RING_IDX rsp_prod;                                                                         \
        RING_IDX rsp_event;                                                                        \
        uint8_t pvt[4];                                                                            \
        uint8_t pad[44];                                                                           \
        union name##_sring_entry ring[];                                                           \
    };                                                                                             \
                                                                                                   \
    /* The frontend's private state. */                                                            \
    struct name##_front_ring {                                                                     \
        RING_IDX req_prod_pvt; /* requests written, published or not */                            \
        RING_IDX rsp_cons;     /* responses consumed */                                            \
        uint32_t nr_ents;                                                                          \
        struct name##_sring *sring;                                                                \
    };                                                                                             \
                                                                                                   \
    /* The backend's private state. */                                                             \
    struct name##_back_ring {                                                                      \
        RING_IDX rsp_prod_pvt; /* responses written, published or not */                           \
        RING_IDX req_cons;     /* requests consumed */                                             \
        uint32_t nr_ents;                                                                          \
        struct name##_sring *sring;                                                                \
    };                                                                                             \
                                                                                                   \
    /* Slots in a shared area of `bytes` bytes. */                                                 \
    static inline uint32_t name##_ring_entries(uint64_t bytes)                                     \
    {                                                                                              \
        return xen_ring_entries(bytes, sizeof(union name##_sring_entry));                          \
    }                                                                                              \
                                                                                                   \
    /* Frontend, before granting the area: reset the shared header. */                             \
    static inline void name##_sring_init(struct name##_sring *s)                                   \
    {                                                                                              \
        uint32_t i;                                                                                \
        s->req_prod = 0;                                                                           \
        s->rsp_prod = 0;                                                                           \
        s->req_event = 1;                                                                          \
        s->rsp_event = 1;                                                                          \
        for (i = 0; i < sizeof(s->pvt); i++) {                                                     \
            s->pvt[i] = 0;                                                                         \
        }                                                                                          \
        for (i = 0; i < sizeof(s->pad); i++) {                                                     \
            s->pad[i] = 0;                                                                         \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    /* Frontend: attach to an initialised ring whose indices both stand at idx. */                 \
    static inline void name##_front_attach(struct name##_front_ring *f, struct name##_sring *s,    \
                                           uint64_t bytes, RING_IDX idx)                           \
    {                                                                                              \
        f->req_prod_pvt = idx;                                                                     \
        f->rsp_cons = idx;                                                                         \
        f->nr_ents = name##_ring_entries(bytes);                                                   \
        f->sring = s;                                                                              \
    }                                                                                              \
                                                                                                   \
    static inline void name##_front_init(struct name##_front_ring *f, struct name##_sring *s,      \
                                         uint64_t bytes)                                           \
    {                                                                                              \
        name##_front_attach(f, s, bytes, 0);                                                       \
    }                                                                                              \
                                                                                                   \
    /* Backend: attach to a ring the frontend initialised, indices at idx. */                      \
    static inline void name##_back_attach(struct name##_back_ring *b, struct name##_sring *s,      \
                                          uint64_t bytes, RING_IDX idx)                            \
    {                                                                                              \
        b->rsp_prod_pvt = idx;                                                                     \
        b->req_cons = idx;                                                                         \
        b->nr_ents = name##_ring_entries(bytes);                                                   \
        b->sring = s;                                                                              \
    }                                                                                              \
                                                                                                   \
    static inline void name##_back_init(struct name##_back_ring *b, struct name##_sring *s,        \
                                        uint64_t bytes)                                            \
    {                                                                                              \
        name##_back_attach(b, s, bytes, 0);                                                        \
    }                                                                                              \
                                                                                                   \
    /* ---- frontend ---- */                                                                       \
                                                                                                   \
    /* Slots free for new requests. */                                                             \
    static inline uint32_t name##_front_free_requests(const struct name##_front_ring *f)           \
    {                                                                                              \
        return f->nr_ents - (RING_IDX)(f->req_prod_pvt - f->rsp_cons);                             \
    }                                                                                              \
                                                                                                   \
    static inline int name##_front_full(const struct name##_front_ring *f)                         \
    {                                                                                              \
        return name##_front_free_requests(f) == 0;                                                 \
    }                                                                                              \
                                                                                                   \
    /* The next request slot, claimed (NULL if the ring is full).  Fill all of                     \
     * it, then publish with name##_front_push_requests. */                                        \
    static inline req_t *name##_front_next_request(struct name##_front_ring *f)                    \
    {                                                                                              \
        req_t *r;                                                                                  \
        if (name##_front_full(f)) {                                                                \
            return NULL;                                                                           \
        }                                                                                          \
        r = &f->sring->ring[f->req_prod_pvt & (f->nr_ents - 1)].req;                               \
        f->req_prod_pvt++;                                                                         \
        return r;                                                                                  \
    }                                                                                              \
                                                                                                   \
    /* Publish the claimed requests; nonzero if the backend must be notified. */                   \
    static inline int name##_front_push_requests(struct name##_front_ring *f)                      \
    {                                                                                              \
        RING_IDX old_idx = xen_ring_read_idx(&f->sring->req_prod);                                 \
        RING_IDX new_idx = f->req_prod_pvt;                                                        \
        xen_ring_wmb(); /* slots before the index */                                               \
        xen_ring_write_idx(&f->sring->req_prod, new_idx);                                          \
        xen_ring_mb(); /* index before reading req_event */                                        \
        return xen_ring_need_notify(old_idx, new_idx, xen_ring_read_idx(&f->sring->req_event));    \
    }                                                                                              \
                                                                                                   \
    /* Responses ready to consume, into *n.  Returns 0, or -1 if the backend's                     \
     * rsp_prod is implausible (more responses than requests outstanding). */                      \
    static inline int name##_front_unconsumed_responses(const struct name##_front_ring *f,         \
                                                        uint32_t *n)                               \
    {                                                                                              \
        RING_IDX prod = xen_ring_read_idx(&f->sring->rsp_prod);                                    \
        RING_IDX ready = prod - f->rsp_cons;                                                       \
        RING_IDX outstanding = f->req_prod_pvt - f->rsp_cons;                                      \
        *n = 0;                                                                                    \
        if (ready > outstanding) {                                                                 \
            return -1;                                                                             \
        }                                                                                          \
        xen_ring_rmb(); /* index before slots */                                                   \
        *n = ready;                                                                                \
        return 0;                                                                                  \
    }                                                                                              \
                                                                                                   \
    /* Copy out the next response (call only when one is ready). */                                \
    static inline void name##_front_take_response(struct name##_front_ring *f, rsp_t *out)         \
    {                                                                                              \
        xen_ring_copy_from_shared(out, &f->sring->ring[f->rsp_cons & (f->nr_ents - 1)].rsp,        \
                                  sizeof(*out));                                                   \
        f->rsp_cons++;                                                                             \
    }                                                                                              \
                                                                                                   \
    /* Out of responses: ask to be notified of the next one, then look again.                      \
     * Returns as name##_front_unconsumed_responses. */                                            \
    static inline int name##_front_final_check_for_responses(struct name##_front_ring *f,          \
                                                             uint32_t *n)                          \
    {                                                                                              \
        int rc = name##_front_unconsumed_responses(f, n);                                          \
        if (rc != 0 || *n != 0) {                                                                  \
            return rc;                                                                             \
        }                                                                                          \
        xen_ring_write_idx(&f->sring->rsp_event, f->rsp_cons + 1);                                 \
        xen_ring_mb(); /* rsp_event before re-reading rsp_prod */                                  \
        return name##_front_unconsumed_responses(f, n);                                            \
    }                                                                                              \
                                                                                                   \
    /* ---- backend ---- */                                                                        \
                                                                                                   \
    /* Requests ready to consume, into *n.  Returns 0, or -1 if the frontend's                     \
     * req_prod is implausible (behind what was consumed, or claiming more                         \
     * requests than there are slots not awaiting a response). */                                  \
    static inline int name##_back_unconsumed_requests(const struct name##_back_ring *b,            \
                                                      uint32_t *n)                                 \
    {                                                                                              \
        RING_IDX prod = xen_ring_read_idx(&b->sring->req_prod);                                    \
        RING_IDX seen = prod - b->rsp_prod_pvt;                                                    \
        RING_IDX consumed = b->req_cons - b->rsp_prod_pvt;                                         \
        *n = 0;                                                                                    \
        if (seen > b->nr_ents || seen < consumed) {                                                \
            return -1;                                                                             \
        }                                                                                          \
        xen_ring_rmb(); /* index before slots */                                                   \
        *n = seen - consumed;                                                                      \
        return 0;                                                                                  \
    }                                                                                              \
                                                                                                   \
    /* Copy out the next request (call only when one is ready); use only the copy. */              \
    static inline void name##_back_take_request(struct name##_back_ring *b, req_t *out)            \
    {                                                                                              \
        xen_ring_copy_from_shared(out, &b->sring->ring[b->req_cons & (b->nr_ents - 1)].req,        \
                                  sizeof(*out));                                                   \
        b->req_cons++;                                                                             \
    }                                                                                              \
                                                                                                   \
    /* Write a complete response into the next slot (unpublished). */                              \
    static inline void name##_back_put_response(struct name##_back_ring *b, const rsp_t *rsp)      \
    {                                                                                              \
        xen_ring_copy_to_shared(&b->sring->ring[b->rsp_prod_pvt & (b->nr_ents - 1)].rsp, rsp,      \
                                sizeof(*rsp));                                                     \
        b->rsp_prod_pvt++;                                                                         \
    }                                                                                              \
                                                                                                   \
    /* Publish the written responses; nonzero if the frontend must be notified. */                 \
    static inline int name##_back_push_responses(struct name##_back_ring *b)                       \
    {                                                                                              \
        RING_IDX old_idx = xen_ring_read_idx(&b->sring->rsp_prod);                                 \
        RING_IDX new_idx = b->rsp_prod_pvt;                                                        \
        xen_ring_wmb();                                                                            \
        xen_ring_write_idx(&b->sring->rsp_prod, new_idx);                                          \
        xen_ring_mb();                                                                             \
        return xen_ring_need_notify(old_idx, new_idx, xen_ring_read_idx(&b->sring->rsp_event));    \
    }                                                                                              \
                                                                                                   \
    /* Out of requests: ask to be notified of the next one, then look again.                       \
     * Returns as name##_back_unconsumed_requests. */                                              \
    static inline int name##_back_final_check_for_requests(struct name##_back_ring *b,             \
                                                           uint32_t *n)                            \
    {                                                                                              \
        int rc = name##_back_unconsumed_requests(b, n);                                            \
        if (rc != 0 || *n != 0) {                                                                  \
            return rc;                                                                             \
        }                                                                                          \
        xen_ring_write_idx(&b->sring->req_event, b->req_cons + 1);                                 \
        xen_ring_mb();                                                                             \
        return name##_back_unconsumed_requests(b, n);                                              \
    }                                                                                              \
    struct name##_ring_define_end_ /* swallow the caller's semicolon */

/* The shared header's layout, checked once on a sample ring. */
struct xen_ring_sample_req {
    uint64_t v;
};
XEN_RING_DEFINE(xen_ring_sample, struct xen_ring_sample_req, struct xen_ring_sample_req);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, req_prod, 0);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, req_event, 4);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, rsp_prod, 8);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, rsp_event, 12);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, pvt, 16);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, pad, 20);
XEN_ABI_OFFSET(struct xen_ring_sample_sring, ring, XEN_RING_HEADER_SIZE);
XEN_ABI_SIZE(struct xen_ring_sample_sring, XEN_RING_HEADER_SIZE);
XEN_ABI_ASSERT(XEN_RING_ENTRIES(4096, 8) == 256 && XEN_RING_ENTRIES(4096, 112) == 32 &&
                   XEN_RING_ENTRIES(4096, 12) == 256 && XEN_RING_ENTRIES(64 + 1, 1) == 1,
               "power-of-two slot counts");

#endif /* XENOLITH_XEN_IO_RING_H */
