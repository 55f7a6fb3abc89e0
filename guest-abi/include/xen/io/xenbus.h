/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: device states a frontend and a backend publish in
 * their xenstore "state" keys, as decimal strings.
 *
 *   frontend                    backend
 *   Initialising                Initialising
 *                               InitWait      (backend ready for the frontend's keys)
 *   Initialised / Connected     (frontend wrote ring-ref, event-channel, ...)
 *                               Connected     (backend mapped the ring)
 *   Closing -> Closed           Closing -> Closed
 */
#ifndef XENOLITH_XEN_IO_XENBUS_H
#define XENOLITH_XEN_IO_XENBUS_H

#include "../types.h"

#define XenbusStateUnknown       0
#define XenbusStateInitialising  1
#define XenbusStateInitWait      2 /* backend: waiting for the frontend */
#define XenbusStateInitialised   3 /* frontend: keys written, waiting for the backend */
#define XenbusStateConnected     4
#define XenbusStateClosing       5
#define XenbusStateClosed        6
#define XenbusStateReconfiguring 7
#define XenbusStateReconfigured  8

/* The state as stored in C (the xenstore value is its decimal string). */
typedef uint32_t xenbus_state_t;

XEN_ABI_ASSERT(XenbusStateReconfigured == 8, "xenbus states");

#endif /* XENOLITH_XEN_IO_XENBUS_H */
