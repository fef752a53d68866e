/* segdump.h — exception reports spell out the selectors they involve. */
#ifndef BOUNCE_SEGDUMP_H
#define BOUNCE_SEGDUMP_H

struct as;
struct trapframe;

/* One line each for the frame's CS and SS and, for #TS #NP #SS #GP, the
 * selector in the error code: index, table, RPL and the descriptor it
 * names in the tables the CPU was using (as's window, or the kernel's). */
void seg_report(const struct trapframe *tf, const struct as *as);

#endif
