/* SPDX-License-Identifier: MIT */
/*
 * xenstore inside dom0: xenstore-like's core on the ring transport. dom0
 * talks to it through a connection of its own (privileged); each domain dom0
 * creates is introduced with its ring page and event channel, gets its
 * /local/domain/<id> nodes, and is released (nodes, watches, connection)
 * when it goes.
 */
#ifndef DOM0_XS_H
#define DOM0_XS_H

#include <stddef.h>
#include <dom0/domains.h>

int dxs_init(void);
/* Introduce r's domain: its ring and port, /local/domain/<id>/..., and
 * @introduceDomain. Sets r->introduced. 0 or -errno. */
int dxs_introduce(struct dom_rec *r);
/* Forget r's domain: its connection and nodes, and @releaseDomain. */
void dxs_release(struct dom_rec *r);

/* dom0's own requests (the CLI's xenstore-* verbs). Results go to t. */
int dxs_ls(struct term *t, const char *path);
int dxs_read(struct term *t, const char *path);
int dxs_write(struct term *t, const char *path, const char *value);
int dxs_rm(struct term *t, const char *path);

#endif /* DOM0_XS_H */
