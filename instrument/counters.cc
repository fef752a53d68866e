// What the MMU did: page walks (TLB misses) and TLB flushes, counted
// always (logging on or off), and the kernel's query port that reads them.
//
// Bochs reports every page-table entry its MMU reads as a physical read
// (BX_INSTR_PHY_ACCESS); with 32-bit paging, paging on and no VMX nothing
// else comes through that hook as a read. A walk reads its page-directory entry first,
// in the directory CR3 names, so walks = PDE reads; a walk through a 4 KiB
// page then reads a PTE too. Bochs calls the TLB hook after it has flushed,
// so the number of entries a flush drops is not visible here.
//
// Port 0x504 (docs/instrumentation.md): the kernel writes the physical
// address of a 48-byte, 8-aligned buffer; the module fills it with the
// counters, stamped with a magic number the kernel cleared first. Elsewhere
// (QEMU, a Bochs without this module) nothing answers and the magic stays 0.

#include "bounce.h"
#include "memory/memory-bochs.h"

#define QUERY_MAGIC   0x554d4542u   // "BEMU", little-endian
#define QUERY_VERSION 1
#define PAGE_MASK     0xfffu

emu_counts counts;

void counters_tlb(unsigned what)
{
	if (what == BX_INSTR_MOV_CR3 || what == BX_INSTR_TASK_SWITCH) {
		counts.cr3_loads++;
		counts.flushes++;
	} else if (what == BX_INSTR_INVLPG) {
		counts.flushes++;
	}
}

void counters_phy_read(Bit32u phy)
{
	// Without paging there are no walks; what still comes here is the
	// BIOS's SMM state save and restore (SMM runs with paging off).
	if (!BX_CPU(0)->cr0.get_PG())
		return;
	counts.pt_reads++;
	if ((phy & ~PAGE_MASK) == ((Bit32u) BX_CPU(0)->cr3 & ~PAGE_MASK))
		counts.walks++;
}

// The record the kernel reads (kernel/emu.c has the same layout).
struct query_record {
	Bit32u magic, version;
	Bit64u instructions, cr3_loads, tlb_flushes, page_walks, pt_reads;
};

void counters_query(Bit32u paddr)
{
	// One page, aligned: a buffer that straddles pages (or points past
	// RAM) is the kernel's bug; answer nothing rather than write astray.
	if ((paddr & 7) != 0 || (paddr & PAGE_MASK) + sizeof(query_record) > PAGE_MASK + 1)
		return;
	query_record r = {
		QUERY_MAGIC, QUERY_VERSION, trace_icount(), counts.cr3_loads,
		counts.flushes, counts.walks, counts.pt_reads,
	};
	BX_MEM(0)->writePhysicalPage(BX_CPU(0), paddr, sizeof r, &r);
}

// The keys that end CR3 and INT events and the trailer: cumulative counts.
void counters_keys(char *out, size_t n)
{
	snprintf(out, n, " walks=" FMT_LL "u ptes=" FMT_LL "u flushes=" FMT_LL "u",
		counts.walks, counts.pt_reads, counts.flushes);
}
