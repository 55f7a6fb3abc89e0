/*
 * Timer queues: a binary min-heap of timers per CPU, keyed by expiry in
 * system time (ns). The earliest deadline is programmed into the hardware
 * through a callback, so the queue logic is independent of the timer device.
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <hv/types.h>

#define TIMER_QUEUE_MAX 256
#define TIMER_INACTIVE (~0u)

struct timer {
    s_time_t expires;
    uint64_t seq;             /* tie-break: equal expiries fire in set order */
    unsigned int heap_index;  /* TIMER_INACTIVE when not queued */
    void (*fn)(struct timer *t, void *data);
    void *data;
};

struct timer_queue {
    unsigned int nr;
    uint64_t next_seq;
    struct timer *heap[TIMER_QUEUE_MAX];
    /* Program the device for the earliest deadline; 0 = nothing queued. */
    void (*program)(s_time_t deadline);
};

void timer_queue_init(struct timer_queue *q, void (*program)(s_time_t));
void timer_init(struct timer *t, void (*fn)(struct timer *, void *), void *data);
/* (Re)arm t to fire at `expires`. Returns 0 or -ENOSPC when the queue is full. */
int timer_set(struct timer_queue *q, struct timer *t, s_time_t expires);
void timer_stop(struct timer_queue *q, struct timer *t);
static inline bool timer_active(const struct timer *t)
{
    return t->heap_index != TIMER_INACTIVE;
}
/* Run every timer due at `now`; callbacks may re-arm or stop timers. Returns count run. */
unsigned int timer_run(struct timer_queue *q, s_time_t now);
s_time_t timer_next_deadline(const struct timer_queue *q);

#endif /* HV_TIMER_H */
