/* Console input for the initial domain (common/console_io.c). */
#ifndef HV_CONSOLE_IO_H
#define HV_CONSOLE_IO_H

/* Start polling the console for input (the initial domain reads it). */
void console_input_start(void);
/* Move waiting input into the ring now; the number of bytes taken. */
unsigned int console_input_poll(void);

#endif /* HV_CONSOLE_IO_H */
