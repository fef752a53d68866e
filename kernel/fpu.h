/* fpu.h — the x87 FPU: on for everyone, its state saved per thread.
 * Lua computes with doubles in the kernel; user programs may too. */
#ifndef BOUNCE_FPU_H
#define BOUNCE_FPU_H

#include <stdint.h>

void fpu_init(void);                   /* CR0: MP and NE on, EM and TS off; FNINIT */
void fpu_init_state(uint8_t buf[108]); /* a freshly initialised FPU image */
void fpu_save(uint8_t buf[108]);       /* FNSAVE (leaves the FPU reinitialised) */
void fpu_restore(const uint8_t buf[108]);

#endif
