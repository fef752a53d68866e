// Internal interfaces of Bounce's Bochs instrumentation module.
// See docs/instrumentation.md for the event log these pieces write.

#ifndef BOUNCE_INSTRUMENT_H
#define BOUNCE_INSTRUMENT_H

#include "bochs.h"
#include "cpu/cpu.h"
#include "cpu/decoder/ia_opcodes.h"

// trace.cc: the event log.
extern bool trace_on;                   // BOUNCE_TRACE named a file
void trace_open(void);                  // from BOUNCE_TRACE, header line
void trace_event(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void trace_text(const char *s);         // raw text (already formatted)
void trace_finish(void);                // trailer, flush, close; idempotent
Bit64u trace_icount(void);
void trace_pin_icount(Bit64u icount);   // events carry this icount; 0: the CPU's

// instrument.cc: the hooks' own state.
void events_finish(void);               // log a retired table load still pending

// guest.cc: the guest's ports.
void guest_outp(Bit16u port, unsigned val);

// counters.cc: page walks, TLB flushes and the kernel's query port.
struct emu_counts {
	Bit64u cr3_loads;       // MOV CR3 and task switches
	Bit64u flushes;         // those and INVLPG
	Bit64u walks;           // page walks: page-directory entry reads
	Bit64u pt_reads;        // page-table entries read (PDEs and PTEs)
};
extern emu_counts counts;
void counters_tlb(unsigned what);
void counters_phy_read(Bit32u phy);
void counters_query(Bit32u paddr);
void counters_keys(char *out, size_t n);   // " walks=.. ptes=.. flushes=.."

// isolation.cc: what the kernel announced, and the checks.
extern bool isolation_checking;         // kernel announced, not shared mode, checks on
// instrument.h's inline filters (declared there): bounce_lin_limit (the
// linear accesses the checks want to see) and bounce_step (isolation_event).
void isolation_kernel(Bit32u cr3);
void isolation_window(Bit32u cr3, Bit32u va, Bit32u pages);
void isolation_mode(const char *name);
void isolation_stack(Bit32u lo, Bit32u hi);
void isolation_event(void);             // CPL, CR3, paging or LDTR may change
void isolation_step(BX_CPU_C *c);       // before an instruction, while bounce_step
void isolation_delivery(BX_CPU_C *c, unsigned vector);
void isolation_tables(BX_CPU_C *c, Bit32u eip);  // CR3, IDTR, GDTR or TR changed
void isolation_lldt(BX_CPU_C *c, Bit32u eip);
void isolation_access(BX_CPU_C *c, Bit32u lin, unsigned len, unsigned rw);
void isolation_finish(void);            // close an open run before the trailer

#endif
