/*
 * libFuzzer target: arbitrary bytes from three clients (dom0 and two guests)
 * into one store, through the same entry point every transport uses.
 *
 * Input: a sequence of chunks, each "<ctl> <len lo> <len hi> <len bytes>".
 * ctl bits 0-1 pick the client, bit 2 drains every client's output after the
 * chunk (otherwise output piles up and exercises the outstanding-request
 * limits), bit 3 resets a broken client (a ring reconnection).
 * After the run the tree must still be consistent, and nothing may leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include <xenstore/xs_store.h>

#define NCONN 3

static int fake_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t port)
{
    (void)opaque;
    (void)domid;
    (void)port;
    return mfn == 13 ? -12 : 0;
}

static void drain(struct xs_conn *c)
{
    const void *buf;
    size_t len;

    while (xs_conn_output(c, &buf, &len)) {
        xs_conn_output_done(c, len > 7 ? len - 7 : len); /* odd-sized sends */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_store_hooks hooks = {.introduce = fake_introduce};
    struct xs_quota q;
    struct xs_store *s;
    struct xs_conn *c[NCONN];
    size_t pos = 0;

    xs_quota_defaults(&q);
    q.nodes = 50; /* reachable within one input */
    q.watches = 8;
    q.transactions = 3;
    s = xs_store_new(&q, &hooks);
    if (!s) {
        return 0;
    }
    c[0] = xs_conn_new(s, 0, true, NULL);
    c[1] = xs_conn_new(s, 1, false, NULL);
    c[2] = xs_conn_new(s, 2, false, NULL);
    while (pos + 3 <= size) {
        uint8_t ctl = data[pos];
        size_t len = (size_t)data[pos + 1] | ((size_t)data[pos + 2] << 8);
        struct xs_conn *conn = c[(ctl & 3) % NCONN];

        pos += 3;
        if (len > size - pos) {
            len = size - pos;
        }
        if (xs_conn_input(conn, data + pos, len) < 0 && (ctl & 8)) {
            xs_conn_reset(conn);
        }
        pos += len;
        if (ctl & 4) {
            for (int i = 0; i < NCONN; i++) {
                drain(c[i]);
            }
        }
    }
    if (xs_store_check(s) != 0) {
        abort();
    }
    xs_store_free(s);
    return 0;
}
