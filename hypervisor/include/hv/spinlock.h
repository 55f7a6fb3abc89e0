/*
 * Ticket spinlocks. Interrupts are disabled while a lock is held so a lock
 * taken from an interrupt handler cannot deadlock against its own CPU.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/arch.h>
#include <hv/types.h>

typedef struct {
    uint16_t next;
    uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = arch_irq_save();
    uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
        arch_cpu_relax();
    }
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
    arch_irq_restore(flags);
}

/* For the panic path: take the lock if it is free, never wait. */
static inline bool spin_trylock_irqsave(spinlock_t *l, unsigned long *flags)
{
    uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
    uint16_t expect = owner;

    *flags = arch_irq_save();
    if (__atomic_compare_exchange_n(&l->next, &expect, (uint16_t)(owner + 1), false,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        return true;
    }
    arch_irq_restore(*flags);
    return false;
}

#endif /* HV_SPINLOCK_H */
