/* fpu.c — x87 state: one 108-byte FNSAVE image per thread, switched with
 * the thread (proc.c).  Interrupt handlers never use the FPU. */
#include "fpu.h"
#include "x86.h"

static uint8_t clean_state[108] __attribute__((aligned(16)));

void fpu_init(void)
{
	lcr0((rcr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	__asm__ volatile("fninit");
	fpu_save(clean_state);
}

void fpu_init_state(uint8_t buf[108])
{
	for (int i = 0; i < 108; i++)
		buf[i] = clean_state[i];
}

void fpu_save(uint8_t buf[108])
{
	__asm__ volatile("fnsave %0" : "=m"(*(uint8_t(*)[108])buf));
}

void fpu_restore(const uint8_t buf[108])
{
	__asm__ volatile("frstor %0" : : "m"(*(const uint8_t(*)[108])buf));
}
