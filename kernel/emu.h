/* emu.h — asking the instrumented Bochs for its counters.
 *
 * The kernel writes the physical address of a record to port 0x504; our
 * Bochs module fills it in during that OUT (docs/instrumentation.md). Any
 * other machine leaves it alone, which is how the kernel tells them apart.
 */
#ifndef BOUNCE_EMU_H
#define BOUNCE_EMU_H

#include <stdint.h>

#define EMU_QUERY_PORT 0x504

struct emu_counters {
	uint64_t instructions;  /* retired so far */
	uint64_t cr3_loads;     /* MOV CR3 and task switches */
	uint64_t tlb_flushes;   /* CR3 loads and INVLPGs */
	uint64_t page_walks;    /* TLB misses: page-directory entries read */
	uint64_t pt_reads;      /* page-table entries read by walks (PDEs and PTEs) */
};

/* Fill *c; 0 if the emulator answered, -1 if nothing did. */
int emu_counters(struct emu_counters *c);

#endif
