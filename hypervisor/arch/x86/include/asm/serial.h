#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <hv/types.h>

void serial_init(void);
void serial_write(const char *s, size_t len);

#endif /* ASM_SERIAL_H */
