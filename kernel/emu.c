/* emu.c — the counter query to the instrumented Bochs (see emu.h). */
#include "emu.h"
#include "klib.h"
#include "proc.h"
#include "x86.h"

#define EMU_MAGIC 0x554d4542u   /* "BEMU": the module answered */
#define EMU_VERSION 1

/* The module's record (instrument/counters.cc writes it). */
struct emu_record {
	uint32_t magic, version;
	struct emu_counters c;
};
_Static_assert(sizeof(struct emu_record) == 48, "instrument/counters.cc query_record");

/* Static, not on the stack: kernel data is mapped 1:1, so its address is
 * the physical one the module writes to (kernel stacks are not). Aligned
 * so that it never straddles a page, which the module refuses. */
static struct emu_record record __attribute__((aligned(64)));

int emu_counters(struct emu_counters *c)
{
	uint32_t f = irq_save();    /* one query at a time on the one record */
	record.magic = 0;
	outl(EMU_QUERY_PORT, (uint32_t)(uintptr_t)&record);
	int ok = record.magic == EMU_MAGIC && record.version == EMU_VERSION;
	if (ok)
		*c = record.c;
	irq_restore(f);
	return ok ? 0 : -1;
}
