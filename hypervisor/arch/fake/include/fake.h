/*
 * The fake architecture for host unit tests: machine memory is a malloc'ed
 * array of frames, time is a variable, the console is a buffer, and a panic
 * jumps back into the test instead of ending the process.
 */
#ifndef FAKE_H
#define FAKE_H

#include <setjmp.h>
#include <hv/types.h>

/* Provide nr frames of fake machine memory (frees any previous one). */
void fake_mem_init(mfn_t nr);
void fake_mem_free(void);

extern s_time_t fake_now;
/* The TLB flush clock (hv/arch.h): one CPU, and the flushes it was asked for. */
extern uint32_t fake_tlb_clock;
extern unsigned int fake_tlb_flushes;
extern char fake_console[8192];
/* Console input arch_console_getc() hands out, from _pos up to _len. */
extern char fake_console_input[256];
extern size_t fake_console_input_len, fake_console_input_pos;
extern size_t fake_console_len;
void fake_console_clear(void);

/*
 * Guest memory for host tests: guest virtual addresses are host pointers.
 * Accesses that touch [fake_fault_start, fake_fault_end) fail with -EFAULT,
 * as a guest page that is not mapped would.
 */
extern uintptr_t fake_fault_start, fake_fault_end;

/* machine_shutdown() records its reason here and jumps like a panic. */
extern int fake_shutdown_reason;

/* Set by a test around code that should panic; the panic longjmps here. */
extern jmp_buf *fake_panic_jmp;
extern char fake_panic_msg[256];

#endif /* FAKE_H */
