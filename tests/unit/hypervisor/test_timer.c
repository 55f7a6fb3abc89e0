/*
 * Timer queues (common/timer.c): expiry order, ties in set order, stopping
 * and re-arming, callbacks that change the queue, the program() callback,
 * and a full queue.
 */
#include "hv_test.h"

#include <hv/errno.h>
#include <hv/timer.h>

static struct timer_queue q;

/* What program() was told. */
static unsigned int prog_calls;
static s_time_t prog_last;

static void program(s_time_t deadline)
{
    prog_calls++;
    prog_last = deadline;
}

/* The order timers fired in, as indices into `timers`. */
#define NT 300
static struct timer timers[NT];
static int fired[4 * NT];
static unsigned int nfired;
static s_time_t fired_at[4 * NT];

static void record(struct timer *t, void *data)
{
    assert_true(nfired < ARRAY_SIZE(fired));
    assert_false(timer_active(t)); /* off the queue while its callback runs */
    fired[nfired] = (int)(intptr_t)data;
    fired_at[nfired] = t->expires;
    nfired++;
}

static int setup(void **state)
{
    (void)state;
    timer_queue_init(&q, program);
    for (int i = 0; i < NT; i++) {
        timer_init(&timers[i], record, (void *)(intptr_t)i);
    }
    prog_calls = 0;
    prog_last = -1;
    nfired = 0;
    return 0;
}

static void test_init_and_empty_queue(void **state)
{
    struct timer t;

    (void)state;
    timer_init(&t, record, NULL);
    assert_false(timer_active(&t));
    assert_int_equal(t.heap_index, TIMER_INACTIVE);
    assert_int_equal(timer_next_deadline(&q), 0);
    assert_int_equal(timer_run(&q, 1000000), 0);
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 0);
    /* Stopping an inactive timer is harmless and does not reprogram. */
    timer_stop(&q, &t);
    assert_int_equal(prog_calls, 1);
    assert_int_equal(q.nr, 0);
}

static void test_random_expiries_fire_in_order(void **state)
{
    uint64_t seed = 0xfeedface;
    s_time_t exp[200], min = INT64_MAX;

    (void)state;
    for (int i = 0; i < 200; i++) {
        exp[i] = (s_time_t)t_rand_below(&seed, 5000) + 1; /* many ties */
        assert_int_equal(timer_set(&q, &timers[i], exp[i]), 0);
        assert_true(timer_active(&timers[i]));
        min = MIN(min, exp[i]);
        assert_int_equal(timer_next_deadline(&q), min);
        assert_int_equal(prog_last, min);
    }
    assert_int_equal(q.nr, 200);
    /* Run in steps: each run fires exactly the due ones. */
    for (s_time_t now = 0; now <= 5000; now += 250) {
        unsigned int before = nfired, due = 0;

        for (int i = 0; i < 200; i++) {
            due += exp[i] <= now && exp[i] > now - 250;
        }
        assert_int_equal(timer_run(&q, now), due);
        assert_int_equal(nfired - before, due);
        for (unsigned int k = before; k < nfired; k++) {
            assert_true(fired_at[k] <= now);
        }
        if (q.nr) {
            assert_true(timer_next_deadline(&q) > now);
            assert_int_equal(prog_last, timer_next_deadline(&q));
        }
    }
    assert_int_equal(nfired, 200);
    assert_int_equal(prog_last, 0);
    for (unsigned int k = 1; k < nfired; k++) {
        int a = fired[k - 1], b = fired[k];
        /* Non-decreasing expiry; among equals, set order (lower index first). */
        assert_true(exp[a] < exp[b] || (exp[a] == exp[b] && a < b));
    }
    for (int i = 0; i < 200; i++) {
        assert_false(timer_active(&timers[i]));
    }
}

static void test_equal_expiries_fire_in_set_order(void **state)
{
    static const int order[] = {5, 2, 9, 0, 7, 1, 8, 3, 6, 4};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        assert_int_equal(timer_set(&q, &timers[order[i]], 100), 0);
    }
    /* Re-arming moves a timer to the back of its equals. */
    assert_int_equal(timer_set(&q, &timers[2], 100), 0);
    assert_int_equal(timer_run(&q, 100), 10);
    static const int want[] = {5, 9, 0, 7, 1, 8, 3, 6, 4, 2};
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        assert_int_equal(fired[i], want[i]);
    }
}

static void test_stop_first_middle_last(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(timer_set(&q, &timers[i], (i + 1) * 10), 0);
    }
    assert_int_equal(prog_last, 10);
    /* Stopping the first reprograms for the next one. */
    prog_calls = 0;
    timer_stop(&q, &timers[0]);
    assert_false(timer_active(&timers[0]));
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 20);
    /* Stopping one in the middle or at the end does not change the deadline. */
    timer_stop(&q, &timers[2]);
    timer_stop(&q, &timers[4]);
    assert_int_equal(prog_calls, 1);
    assert_int_equal(q.nr, 2);
    assert_int_equal(timer_next_deadline(&q), 20);
    /* Stopping twice is harmless. */
    timer_stop(&q, &timers[2]);
    assert_int_equal(q.nr, 2);
    assert_int_equal(timer_run(&q, 1000), 2);
    assert_int_equal(nfired, 2);
    assert_int_equal(fired[0], 1);
    assert_int_equal(fired[1], 3);
    /* Stopping the only timer leaves an empty queue: program(0). */
    assert_int_equal(timer_set(&q, &timers[7], 70), 0);
    assert_int_equal(prog_last, 70);
    timer_stop(&q, &timers[7]);
    assert_int_equal(prog_last, 0);
    assert_int_equal(timer_next_deadline(&q), 0);
}

static void test_rearm_moves_timer(void **state)
{
    (void)state;
    assert_int_equal(timer_set(&q, &timers[0], 10), 0);
    assert_int_equal(timer_set(&q, &timers[1], 20), 0);
    assert_int_equal(prog_last, 10);
    /* Later: the other timer becomes first. */
    assert_int_equal(timer_set(&q, &timers[0], 30), 0);
    assert_int_equal(q.nr, 2);
    assert_int_equal(timer_next_deadline(&q), 20);
    assert_int_equal(prog_last, 20);
    /* Earlier again. */
    assert_int_equal(timer_set(&q, &timers[0], 5), 0);
    assert_int_equal(q.nr, 2);
    assert_int_equal(prog_last, 5);
    /* Same deadline for the same first timer: no needless reprogramming. */
    prog_calls = 0;
    assert_int_equal(timer_set(&q, &timers[0], 5), 0);
    assert_int_equal(prog_calls, 0);
    /* Changing a timer that is not first, nor becomes first: no reprogramming. */
    assert_int_equal(timer_set(&q, &timers[1], 50), 0);
    assert_int_equal(prog_calls, 0);
    assert_int_equal(timer_run(&q, 25), 1);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired_at[0], 5);
    assert_int_equal(timer_run(&q, 50), 1);
    assert_int_equal(fired[1], 1);
    assert_int_equal(fired_at[1], 50);
    assert_int_equal(q.nr, 0);
}

static void test_past_and_negative_expiries(void **state)
{
    (void)state;
    assert_int_equal(timer_set(&q, &timers[0], -100), 0);
    assert_int_equal(timer_set(&q, &timers[1], INT64_MAX), 0);
    assert_int_equal(timer_set(&q, &timers[2], 0), 0);
    assert_int_equal(timer_run(&q, -1), 1);
    assert_int_equal(fired[0], 0);
    assert_int_equal(timer_run(&q, 0), 1);
    assert_int_equal(fired[1], 2);
    assert_int_equal(prog_last, INT64_MAX);
    assert_int_equal(timer_run(&q, INT64_MAX - 1), 0);
    assert_int_equal(timer_run(&q, INT64_MAX), 1);
}

/* A periodic timer: re-arms itself 10 ns later until it has run 5 times. */
static unsigned int periodic_runs;
static void periodic(struct timer *t, void *data)
{
    periodic_runs++;
    if (periodic_runs < 5) {
        assert_int_equal(timer_set(data, t, t->expires + 10), 0);
    }
}

static void test_callback_rearms_itself(void **state)
{
    struct timer p;

    (void)state;
    periodic_runs = 0;
    timer_init(&p, periodic, &q);
    assert_int_equal(timer_set(&q, &p, 10), 0);
    assert_int_equal(timer_set(&q, &timers[0], 1000), 0);
    /* Due at 10, 20, 30: three runs now, re-armed for 40. */
    prog_calls = 0;
    assert_int_equal(timer_run(&q, 35), 3);
    assert_int_equal(periodic_runs, 3);
    assert_true(timer_active(&p));
    assert_int_equal(p.expires, 40);
    /* program() once per timer_run, with the final earliest deadline. */
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 40);
    prog_calls = 0;
    assert_int_equal(timer_run(&q, 100), 2);
    assert_int_equal(periodic_runs, 5);
    assert_false(timer_active(&p));
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 1000);
}

/* Timer 0's callback stops timer 1 and arms timer 2. */
static void meddle(struct timer *t, void *data)
{
    (void)t;
    (void)data;
    timer_stop(&q, &timers[1]);
    assert_int_equal(timer_set(&q, &timers[2], 500), 0);
    assert_int_equal(timer_set(&q, &timers[3], 15), 0); /* already due: runs in this pass */
}

static void test_callback_stops_and_arms_others(void **state)
{
    (void)state;
    timer_init(&timers[0], meddle, NULL);
    assert_int_equal(timer_set(&q, &timers[0], 10), 0);
    assert_int_equal(timer_set(&q, &timers[1], 10), 0); /* due in the same run */
    assert_int_equal(timer_set(&q, &timers[4], 20), 0);
    prog_calls = 0;
    assert_int_equal(timer_run(&q, 20), 3); /* 0, 3, 4; 1 was stopped */
    assert_int_equal(nfired, 2);
    assert_int_equal(fired[0], 3);
    assert_int_equal(fired[1], 4);
    assert_false(timer_active(&timers[1]));
    assert_true(timer_active(&timers[2]));
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 500);
    assert_int_equal(q.nr, 1);
}

static void test_program_called_once_per_run(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(timer_set(&q, &timers[i], 100 + i), 0);
    }
    prog_calls = 0;
    assert_int_equal(timer_run(&q, 139), 40);
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 140);
    prog_calls = 0;
    assert_int_equal(timer_run(&q, 139), 0);
    assert_int_equal(prog_calls, 1);
    assert_int_equal(prog_last, 140);
    assert_int_equal(timer_run(&q, 1000), 10);
    assert_int_equal(prog_last, 0);
    /* No program callback at all is allowed. */
    timer_queue_init(&q, NULL);
    assert_int_equal(timer_set(&q, &timers[0], 5), 0);
    assert_int_equal(timer_run(&q, 5), 1);
}

static void test_queue_full(void **state)
{
    struct timer extra;

    (void)state;
    timer_init(&extra, record, (void *)(intptr_t)-1);
    for (int i = 0; i < TIMER_QUEUE_MAX; i++) {
        assert_int_equal(timer_set(&q, &timers[i], 1000 - i), 0);
    }
    assert_int_equal(q.nr, TIMER_QUEUE_MAX);
    prog_calls = 0;
    /* Even one that would be first is refused, and nothing changes. */
    assert_int_equal(timer_set(&q, &extra, 1), -ENOSPC);
    assert_false(timer_active(&extra));
    assert_int_equal(q.nr, TIMER_QUEUE_MAX);
    assert_int_equal(prog_calls, 0);
    assert_int_equal(timer_next_deadline(&q), 1000 - (TIMER_QUEUE_MAX - 1));
    /* Re-arming a queued timer still works when full. */
    assert_int_equal(timer_set(&q, &timers[0], 1), 0);
    assert_int_equal(timer_next_deadline(&q), 1);
    /* After one fires there is room again. */
    assert_int_equal(timer_run(&q, 1), 1);
    assert_int_equal(fired[0], 0);
    assert_int_equal(timer_set(&q, &extra, 2), 0);
    assert_int_equal(timer_run(&q, 10000), TIMER_QUEUE_MAX);
    assert_int_equal(fired[1], -1);
    for (unsigned int k = 2; k < nfired; k++) {
        assert_true(fired_at[k - 1] <= fired_at[k]);
    }
}

/*
 * Random set/stop/re-arm against a shadow model (fixed seed): the queue's
 * deadline always matches the model's, and everything fires in order.
 */
static void test_random_ops_against_model(void **state)
{
    enum { N = 64 };
    s_time_t model[N]; /* expiry, or -1 when inactive */
    uint64_t seq[N] = {0}, next_seq = 0;
    uint64_t seed = 7;

    (void)state;
    for (int i = 0; i < N; i++) {
        model[i] = -1;
    }
    for (int step = 0; step < 20000; step++) {
        int i = (int)t_rand_below(&seed, N);
        s_time_t best = -1;
        int first = -1;

        if (t_rand_below(&seed, 3) == 0) {
            timer_stop(&q, &timers[i]);
            model[i] = -1;
        } else {
            s_time_t e = (s_time_t)t_rand_below(&seed, 1000);
            assert_int_equal(timer_set(&q, &timers[i], e), 0);
            model[i] = e;
            seq[i] = next_seq++;
        }
        for (int j = 0; j < N; j++) {
            assert_int_equal(timer_active(&timers[j]), model[j] >= 0);
            if (model[j] >= 0 &&
                (first < 0 || model[j] < best || (model[j] == best && seq[j] < seq[first]))) {
                best = model[j];
                first = j;
            }
        }
        assert_int_equal(timer_next_deadline(&q), first < 0 ? 0 : best);
        if (first >= 0) {
            assert_ptr_equal(q.heap[0], &timers[first]);
        }
        for (unsigned int k = 0; k < q.nr; k++) {
            assert_int_equal(q.heap[k]->heap_index, k);
            if (k) {
                const struct timer *a = q.heap[(k - 1) / 2], *b = q.heap[k];
                assert_true(a->expires < b->expires ||
                            (a->expires == b->expires && a->seq < b->seq));
            }
        }
    }
    nfired = 0;
    timer_run(&q, 1000);
    for (unsigned int k = 1; k < nfired; k++) {
        int a = fired[k - 1], b = fired[k];
        assert_true(model[a] < model[b] || (model[a] == model[b] && seq[a] < seq[b]));
    }
    assert_int_equal(q.nr, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_and_empty_queue, setup),
        cmocka_unit_test_setup(test_random_expiries_fire_in_order, setup),
        cmocka_unit_test_setup(test_equal_expiries_fire_in_set_order, setup),
        cmocka_unit_test_setup(test_stop_first_middle_last, setup),
        cmocka_unit_test_setup(test_rearm_moves_timer, setup),
        cmocka_unit_test_setup(test_past_and_negative_expiries, setup),
        cmocka_unit_test_setup(test_callback_rearms_itself, setup),
        cmocka_unit_test_setup(test_callback_stops_and_arms_others, setup),
        cmocka_unit_test_setup(test_program_called_once_per_run, setup),
        cmocka_unit_test_setup(test_queue_full, setup),
        cmocka_unit_test_setup(test_random_ops_against_model, setup),
    };

    return cmocka_run_group_tests_name("hypervisor_timer", tests, NULL, NULL);
}
