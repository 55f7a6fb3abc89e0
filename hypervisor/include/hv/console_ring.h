/*
 * PV console rings the hypervisor itself serves: for domains started from
 * boot modules there may be no dom0 to run a console backend, so their
 * output is read here and printed with a "(dN) " prefix per line.
 */
#ifndef HV_CONSOLE_RING_H
#define HV_CONSOLE_RING_H

#include <hv/types.h>
#include <xen/event_channel.h>

struct domain;

/* Serve d's ring in frame ring_mfn; returns the port for start_info, or -errno. */
int console_ring_attach(struct domain *d, mfn_t ring_mfn, evtchn_port_t *port);
/* Print whatever is in d's ring now (also done on every notification). */
void console_ring_drain(struct domain *d);

#endif /* HV_CONSOLE_RING_H */
