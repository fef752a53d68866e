/* ldt_gate — tries to reach CPL 0 through a call gate in an LDT of its own.
 *
 * It maps page 0, writes a 32-bit call gate (DPL 3, to the kernel's code
 * selector, at its own code) into the first eight bytes and calls through
 * selector 0x7 (LDT entry 0, RPL 3).  The kernel keeps LDTR null
 * (docs/window.md), so the far call must fault and the kernel kill the
 * process (#GP, vec 13) before the gate's target runs.  Should the call
 * come back, the program says so and exits 1.
 */
#include "user.h"

#define SEL_KCODE 0x08
#define GATE_CALL32_DPL3 0xEC00 /* present, DPL 3, 32-bit call gate */

volatile uint32_t ran_at_cpl0;
static volatile uint32_t ldt_va; /* 0: page 0, out of the compiler's sight */

/* The gate's target: what user code would run at CPL 0 through it. */
void gate_target(void);
__asm__(".text\n"
	".globl gate_target\n"
	"gate_target:\n"
	"	movl $1, ran_at_cpl0\n"
	"	lret\n");

int main(void)
{
	volatile uint32_t *ldt = (volatile uint32_t *)ldt_va;
	uint32_t target = (uint32_t)gate_target;

	if (map(ldt_va, 1, MAP_WRITE) < 0) {
		printf("ldt_gate: cannot map page 0\n");
		return 2;
	}
	ldt[0] = (target & 0xFFFF) | (SEL_KCODE << 16);
	ldt[1] = (target & 0xFFFF0000) | GATE_CALL32_DPL3;
	printf("ldt_gate: lcall $0x7 through a call gate at page 0\n");
	__asm__ volatile("lcall $0x7, $0" : : : "memory");
	printf("ldt_gate: the call gate returned, ran_at_cpl0=%u\n", ran_at_cpl0);
	return 1;
}
