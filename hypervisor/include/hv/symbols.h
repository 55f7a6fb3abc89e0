/* Symbol lookup for backtraces, from a table generated at link time. */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <hv/types.h>

/* Name of the function containing addr, and the offset into it; NULL if unknown. */
const char *symbols_lookup(vaddr_t addr, uint64_t *offset);

#endif /* HV_SYMBOLS_H */
