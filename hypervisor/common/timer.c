/*
 * Timer queue: a binary min-heap ordered by (expires, seq). Each timer knows
 * its heap slot, so stopping or re-arming one is O(log n).
 */
#include <hv/errno.h>
#include <hv/timer.h>

static bool earlier(const struct timer *a, const struct timer *b)
{
    return a->expires < b->expires || (a->expires == b->expires && a->seq < b->seq);
}

static void place(struct timer_queue *q, unsigned int i, struct timer *t)
{
    q->heap[i] = t;
    t->heap_index = i;
}

static void sift_up(struct timer_queue *q, unsigned int i)
{
    struct timer *t = q->heap[i];

    while (i > 0) {
        unsigned int parent = (i - 1) / 2;
        if (!earlier(t, q->heap[parent])) {
            break;
        }
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, t);
}

static void sift_down(struct timer_queue *q, unsigned int i)
{
    struct timer *t = q->heap[i];

    for (;;) {
        unsigned int c = 2 * i + 1;
        if (c >= q->nr) {
            break;
        }
        if (c + 1 < q->nr && earlier(q->heap[c + 1], q->heap[c])) {
            c++;
        }
        if (!earlier(q->heap[c], t)) {
            break;
        }
        place(q, i, q->heap[c]);
        i = c;
    }
    place(q, i, t);
}

static void remove_at(struct timer_queue *q, unsigned int i)
{
    struct timer *gone = q->heap[i];

    q->nr--;
    if (i != q->nr) {
        struct timer *moved = q->heap[q->nr];

        place(q, i, moved);
        sift_down(q, i);
        sift_up(q, moved->heap_index);
    }
    gone->heap_index = TIMER_INACTIVE;
}

static void reprogram(struct timer_queue *q)
{
    if (q->program) {
        q->program(q->nr ? q->heap[0]->expires : 0);
    }
}

void timer_queue_init(struct timer_queue *q, void (*program)(s_time_t))
{
    q->nr = 0;
    q->next_seq = 0;
    q->program = program;
}

void timer_init(struct timer *t, void (*fn)(struct timer *, void *), void *data)
{
    t->expires = 0;
    t->seq = 0;
    t->heap_index = TIMER_INACTIVE;
    t->fn = fn;
    t->data = data;
}

int timer_set(struct timer_queue *q, struct timer *t, s_time_t expires)
{
    struct timer *old_first = q->nr ? q->heap[0] : NULL;
    s_time_t old_deadline = old_first ? old_first->expires : 0;

    if (timer_active(t)) {
        remove_at(q, t->heap_index);
    } else if (q->nr == TIMER_QUEUE_MAX) {
        return -ENOSPC;
    }
    t->expires = expires;
    t->seq = q->next_seq++;
    place(q, q->nr++, t);
    sift_up(q, t->heap_index);
    if (q->heap[0] != old_first || q->heap[0]->expires != old_deadline) {
        reprogram(q);
    }
    return 0;
}

void timer_stop(struct timer_queue *q, struct timer *t)
{
    bool was_first;

    if (!timer_active(t)) {
        return;
    }
    was_first = t->heap_index == 0;
    remove_at(q, t->heap_index);
    if (was_first) {
        reprogram(q);
    }
}

unsigned int timer_run(struct timer_queue *q, s_time_t now)
{
    unsigned int ran = 0;
    void (*program)(s_time_t) = q->program;

    /* Hold off reprogramming while callbacks re-arm; do it once at the end. */
    q->program = NULL;
    while (q->nr && q->heap[0]->expires <= now) {
        struct timer *t = q->heap[0];
        remove_at(q, 0);
        t->fn(t, t->data);
        ran++;
    }
    q->program = program;
    reprogram(q);
    return ran;
}

s_time_t timer_next_deadline(const struct timer_queue *q)
{
    return q->nr ? q->heap[0]->expires : 0;
}
