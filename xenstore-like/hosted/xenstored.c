/*
 * xenstored: the xenstore core served over Unix sockets on a Linux host.
 *
 * Clients of the main socket act as dom0 (privileged), as with Xen's daemon,
 * so Xen's libxenstore and the xenstore-* tools work against it unchanged
 * (point them at the socket with XENSTORED_PATH). Extra --domain-socket
 * sockets serve clients as an unprivileged guest, to test what guests see.
 *
 * One thread, one poll() loop; the daemon stays in the foreground until it
 * gets SIGINT or SIGTERM, then removes its sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <xenstore/xs_errno.h>
#include <xenstore/xs_store.h>

/* The core's error numbers are Xen's; on Linux they must equal errno.h's. */
_Static_assert(XS_ENOENT == ENOENT && XS_EAGAIN == EAGAIN && XS_EACCES == EACCES &&
                   XS_EDQUOT == EDQUOT && XS_EISCONN == EISCONN && XS_ENOTEMPTY == ENOTEMPTY,
               "Xen errno values match Linux");

#define MAX_LISTEN  8
#define MAX_CLIENTS 1024
#define IN_BUF      16384

struct listener {
    int fd;
    const char *path;
    unsigned int domid;
    bool privileged;
};

struct client {
    int fd;
    struct xs_conn *conn;
    char in[IN_BUF];
    size_t in_start, in_end; /* bytes read but not yet taken by the core */
};

static volatile sig_atomic_t stop_requested;
static struct listener listeners[MAX_LISTEN];
static int nlisteners;
static struct client *clients[MAX_CLIENTS];
static int nclients;
static int verbose;

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [options]\n"
            "Run a xenstore daemon on a Unix socket, in the foreground until killed.\n"
            "\n"
            "  -s, --socket PATH          listen on PATH (clients act as dom0); default\n"
            "                             $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket,\n"
            "                             else /var/run/xenstored/socket\n"
            "  -d, --domain-socket ID:PATH  also listen on PATH; clients there act as the\n"
            "                             unprivileged domain ID (for testing guests' view)\n"
            "  -q, --quota NAME=VALUE     set a quota (nodes, node-size, perms, watches,\n"
            "                             transactions, outstanding, events, memory)\n"
            "  -v, --verbose              log every request to stderr\n"
            "  -h, --help                 show this help\n",
            prog);
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void log_line(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "xenstored: %s\n", line);
}

static int open_listener(struct listener *l)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;
    char dir[sizeof(addr.sun_path)];
    char *slash;

    if (strlen(l->path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "xenstored: socket path too long: %s\n", l->path);
        return -1;
    }
    strcpy(addr.sun_path, l->path);
    /* Like Xen's daemon, create the run directory if it is missing. */
    strcpy(dir, l->path);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0755) && errno != EEXIST) {
            fprintf(stderr, "xenstored: mkdir %s: %s\n", dir, strerror(errno));
        }
    }
    if (lstat(l->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(l->path); /* left over from a daemon that did not exit cleanly */
    }
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&addr, sizeof(addr)) ||
        chmod(l->path, l->privileged ? 0600 : 0666) || listen(l->fd, 64)) {
        fprintf(stderr, "xenstored: %s: %s\n", l->path, strerror(errno));
        return -1;
    }
    return 0;
}

static const char *default_socket(void)
{
    static char buf[4096];
    const char *p = getenv("XENSTORED_PATH");

    if (p && *p) {
        return p;
    }
    p = getenv("XENSTORED_RUNDIR");
    if (!p || !*p) {
        p = "/var/run/xenstored";
    }
    snprintf(buf, sizeof(buf), "%s/socket", p);
    return buf;
}

static void drop_client(int i)
{
    struct client *cl = clients[i];

    xs_conn_free(cl->conn);
    close(cl->fd);
    free(cl);
    clients[i] = clients[--nclients];
}

static void accept_client(struct xs_store *s, const struct listener *l)
{
    int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct client *cl;

    if (fd < 0) {
        return;
    }
    cl = calloc(1, sizeof(*cl));
    if (nclients == MAX_CLIENTS || !cl ||
        !(cl->conn = xs_conn_new(s, l->domid, l->privileged, NULL))) {
        free(cl);
        close(fd);
        return;
    }
    cl->fd = fd;
    clients[nclients++] = cl;
}

/* Hand buffered input to the core; false if the client broke the protocol. */
static bool feed(struct client *cl)
{
    long n = xs_conn_input(cl->conn, cl->in + cl->in_start, cl->in_end - cl->in_start);

    if (n < 0) {
        return false;
    }
    cl->in_start += (size_t)n;
    if (cl->in_start == cl->in_end) {
        cl->in_start = cl->in_end = 0;
    }
    return true;
}

/* Read what the client sent; false when it hung up or misbehaved. */
static bool client_read(struct client *cl)
{
    ssize_t n;

    if (cl->in_start) {
        memmove(cl->in, cl->in + cl->in_start, cl->in_end - cl->in_start);
        cl->in_end -= cl->in_start;
        cl->in_start = 0;
    }
    n = read(cl->fd, cl->in + cl->in_end, sizeof(cl->in) - cl->in_end);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        return false;
    }
    if (n > 0) {
        cl->in_end += (size_t)n;
    }
    return feed(cl);
}

/* Send queued output; false on a write error. */
static bool client_write(struct client *cl)
{
    const void *buf;
    size_t len;

    while (xs_conn_output(cl->conn, &buf, &len)) {
        ssize_t n = send(cl->fd, buf, len, MSG_NOSIGNAL);

        if (n < 0) {
            return errno == EAGAIN || errno == EINTR;
        }
        xs_conn_output_done(cl->conn, (size_t)n);
    }
    /* Draining replies may let the core take input it had to leave. */
    return cl->in_end == cl->in_start || !xs_conn_can_input(cl->conn) || feed(cl);
}

static void serve(struct xs_store *s)
{
    static struct pollfd pfd[MAX_LISTEN + MAX_CLIENTS];

    while (!stop_requested) {
        int n = 0, base;

        for (int i = 0; i < nlisteners; i++) {
            pfd[n++] = (struct pollfd){.fd = listeners[i].fd, .events = POLLIN};
        }
        base = n;
        for (int i = 0; i < nclients; i++) {
            const void *b;
            size_t l;
            short ev = 0;

            if (xs_conn_can_input(clients[i]->conn) && clients[i]->in_end < IN_BUF) {
                ev |= POLLIN;
            }
            if (xs_conn_output(clients[i]->conn, &b, &l)) {
                ev |= POLLOUT;
            }
            pfd[n++] = (struct pollfd){.fd = clients[i]->fd, .events = ev};
        }
        if (poll(pfd, (nfds_t)n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("xenstored: poll");
            return;
        }
        /* Walk clients backwards: drop_client() moves the last one into the hole. */
        for (int i = nclients - 1; i >= 0; i--) {
            short re = pfd[base + i].revents;
            bool ok = true;

            if (re & (POLLERR | POLLNVAL)) {
                ok = false;
            } else if (re & (POLLIN | POLLHUP)) {
                ok = client_read(clients[i]);
            }
            if (ok) {
                ok = client_write(clients[i]);
            }
            if (!ok) {
                if (verbose) {
                    fprintf(stderr, "xenstored: dropping connection (%s)\n",
                            xs_conn_broken(clients[i]->conn) ? "protocol error" : "closed");
                }
                drop_client(i);
            }
        }
        /* Watch events queued for other clients: send them now. */
        for (int i = nclients - 1; i >= 0; i--) {
            if (!client_write(clients[i])) {
                drop_client(i);
            }
        }
        for (int i = 0; i < nlisteners; i++) {
            if (pfd[i].revents & POLLIN) {
                accept_client(s, &listeners[i]);
            }
        }
    }
}

static int set_quota(struct xs_quota *q, const char *arg)
{
    static const struct {
        const char *name;
        size_t off;
    } names[] = {
        {"nodes", offsetof(struct xs_quota, nodes)},
        {"node-size", offsetof(struct xs_quota, node_size)},
        {"perms", offsetof(struct xs_quota, perms)},
        {"watches", offsetof(struct xs_quota, watches)},
        {"transactions", offsetof(struct xs_quota, transactions)},
        {"outstanding", offsetof(struct xs_quota, outstanding)},
        {"events", offsetof(struct xs_quota, events)},
        {"memory", offsetof(struct xs_quota, memory)},
    };
    const char *eq = strchr(arg, '=');
    char *end;
    unsigned long v;

    if (!eq) {
        return -1;
    }
    v = strtoul(eq + 1, &end, 10);
    if (*end || end == eq + 1 || v > UINT32_MAX) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == (size_t)(eq - arg) &&
            strncmp(names[i].name, arg, (size_t)(eq - arg)) == 0) {
            *(uint32_t *)((char *)q + names[i].off) = (uint32_t)v;
            return 0;
        }
    }
    return -1;
}

static int add_listener(const char *path, unsigned int domid, bool privileged)
{
    if (nlisteners == MAX_LISTEN) {
        return -1;
    }
    listeners[nlisteners++] = (struct listener){-1, path, domid, privileged};
    return 0;
}

static int parse_domain_socket(const char *arg)
{
    char *end;
    unsigned long domid = strtoul(arg, &end, 10);

    if (end == arg || *end != ':' || !end[1] || domid == 0 || domid > 0x7fef) {
        return -1;
    }
    return add_listener(end + 1, (unsigned int)domid, false);
}

static int parse_args(int argc, char **argv, struct xs_quota *q, const char **main_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout, argv[0]);
            exit(0);
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = 1;
        } else if ((!strcmp(a, "-s") || !strcmp(a, "--socket")) && val) {
            *main_path = val;
            i++;
        } else if ((!strcmp(a, "-d") || !strcmp(a, "--domain-socket")) && val) {
            if (parse_domain_socket(val)) {
                fprintf(stderr, "%s: bad --domain-socket '%s' (want DOMID:PATH, DOMID 1-32751)\n",
                        argv[0], val);
                return -1;
            }
            i++;
        } else if ((!strcmp(a, "-q") || !strcmp(a, "--quota")) && val) {
            if (set_quota(q, val)) {
                fprintf(stderr, "%s: bad --quota '%s' (want NAME=NUMBER)\n", argv[0], val);
                return -1;
            }
            i++;
        } else {
            fprintf(stderr, "%s: %s '%s'\n", argv[0],
                    a[0] == '-' && !val ? "missing value or unknown option" : "unknown option", a);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct xs_store_hooks hooks = {.log = log_line};
    struct sigaction sa = {.sa_handler = on_signal};
    const char *main_path = NULL;
    struct xs_quota q;
    struct xs_store *s;
    int rc = 1;

    xs_quota_defaults(&q);
    if (parse_args(argc, argv, &q, &main_path)) {
        usage(stderr, argv[0]);
        return 2;
    }
    if (add_listener(main_path ? main_path : default_socket(), 0, true)) {
        return 2;
    }
    /* The main socket goes first in the poll set; order is not otherwise significant. */
    struct listener main_l = listeners[nlisteners - 1];
    memmove(&listeners[1], &listeners[0], (size_t)(nlisteners - 1) * sizeof(listeners[0]));
    listeners[0] = main_l;

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    s = xs_store_new(&q, &hooks);
    if (!s) {
        fprintf(stderr, "xenstored: out of memory\n");
        return 1;
    }
    xs_store_set_logging(s, verbose);
    for (int i = 0; i < nlisteners; i++) {
        if (open_listener(&listeners[i])) {
            goto out;
        }
    }
    for (int i = 0; i < nlisteners; i++) {
        fprintf(stderr, "xenstored: listening on %s (%s)\n", listeners[i].path,
                listeners[i].privileged ? "dom0" : "unprivileged domain");
    }
    serve(s);
    rc = 0;
out:
    while (nclients) {
        drop_client(nclients - 1);
    }
    for (int i = 0; i < nlisteners; i++) {
        if (listeners[i].fd >= 0) {
            close(listeners[i].fd);
            unlink(listeners[i].path);
        }
    }
    xs_store_free(s);
    return rc;
}
