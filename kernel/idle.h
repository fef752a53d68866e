/* idle.h — the scheduler's wait for an interrupt (idle.S). */
#ifndef BOUNCE_IDLE_H
#define BOUNCE_IDLE_H

void idle_wait(void);          /* sti; hlt; cli: returns after one interrupt */
extern const char idle_resume[]; /* where an interrupt finds the kernel idle */

#endif
