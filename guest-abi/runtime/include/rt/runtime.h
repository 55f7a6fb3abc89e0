/* SPDX-License-Identifier: MIT */
/* The guest runtime: everything a test guest needs, in one include. */
#ifndef RT_RUNTIME_H
#define RT_RUNTIME_H

#include "lib.h"
#include "x86.h"
#include "hypercall.h"
#include "missing.h"
#include "mm.h"
#include "traps.h"
#include "events.h"
#include "test.h"

/* Set when start_info->flags has SIF_INITDOMAIN. */
static inline int is_initdomain(void)
{
    return (start_info->flags & SIF_INITDOMAIN) != 0;
}

#endif /* RT_RUNTIME_H */
