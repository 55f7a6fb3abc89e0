/*
 * Symbol lookup. The table is generated from the linked image by
 * scripts/gensyms.py and linked in by a second link; text addresses are the
 * same in both links because the table is placed after all code.
 */
#include <hv/symbols.h>

extern const uint64_t symbols_addrs[];
extern const uint32_t symbols_offsets[];
extern const char symbols_names[];
extern const uint32_t symbols_count;

const char *symbols_lookup(vaddr_t addr, uint64_t *offset)
{
    uint32_t lo = 0, hi = symbols_count;

    if (hi == 0 || addr < symbols_addrs[0]) {
        return NULL;
    }
    /* Last symbol at or below addr. */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (symbols_addrs[mid] <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    /* The final entry is the end of text: nothing lies beyond it. */
    if (lo == symbols_count - 1) {
        return NULL;
    }
    *offset = addr - symbols_addrs[lo];
    return &symbols_names[symbols_offsets[lo]];
}
