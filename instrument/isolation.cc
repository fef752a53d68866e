// Isolation checks: what the kernel announced, and a look at every
// instruction once it has announced its own CR3.
//
// A "transit" is a run of consecutive instructions at CPL 0 with paging on
// and a CR3 other than the kernel's: the trampoline on its way in or out.
// Every instruction of a transit must lie in the window that address space
// announced; a transit longer than BOUNCE_TRANSIT_MAX is flagged when it
// ends. The "shared" layout maps the kernel everywhere, so it is not checked.

#include <stdlib.h>
#include <string.h>

#include <unordered_map>

#include "bounce.h"

#define PAGE_SIZE  4096u
#define CR3_FRAME  0xfffff000u   // ignore the PWT/PCD bits of CR3

struct window {
	Bit32u va;
	Bit32u pages;
};

bool isolation_checking;

static bool kernel_known, shared_mode;
static Bit32u kernel_cr3;
static std::unordered_map<Bit32u, window> windows;

// The window of the CR3 now loaded, looked up again when CR3 changes.
static Bit32u cached_cr3 = 1;   // never a frame address: forces a look-up
static const window *cached;

// The transit under way.
static Bit64u transit_len;
static Bit16u transit_cs;
static Bit32u transit_eip, transit_cr3;
static bool outside_reported;

static Bit64u transit_max(void)
{
	const char *s = getenv("BOUNCE_TRANSIT_MAX");
	return s ? strtoull(s, NULL, 0) : 64;
}

static void update_checking(void)
{
	isolation_checking = kernel_known && !shared_mode;
}

void isolation_kernel(Bit32u cr3)
{
	kernel_cr3 = cr3 & CR3_FRAME;
	kernel_known = true;
	update_checking();
}

void isolation_window(Bit32u cr3, Bit32u va, Bit32u pages)
{
	window w = { va, pages };
	windows[cr3 & CR3_FRAME] = w;
	cached_cr3 = 1;
}

void isolation_mode(const char *name)
{
	shared_mode = strcmp(name, "shared") == 0;
	update_checking();
}

static bool in_window(Bit32u cr3, Bit32u laddr)
{
	if (cr3 != cached_cr3) {
		auto it = windows.find(cr3);
		cached = (it == windows.end()) ? NULL : &it->second;
		cached_cr3 = cr3;
	}
	return cached != NULL && laddr - cached->va < cached->pages * PAGE_SIZE;
}

static void end_transit(void)
{
	static const Bit64u max = transit_max();
	if (transit_len > max)
		trace_event("FLAG", "kind=long-transit cpl=0 cs=0x%x eip=0x%x cr3=0x%x n=" FMT_LL "u",
			transit_cs, transit_eip, transit_cr3, transit_len);
	transit_len = 0;
	outside_reported = false;
}

// Called before every instruction while isolation_checking.
void isolation_step(BX_CPU_C *c)
{
	Bit32u cr3 = (Bit32u) c->cr3 & CR3_FRAME;
	unsigned cpl = c->sregs[BX_SEG_REG_CS].selector.rpl;
	bool paging = c->cr0.get_PG();
	if (cpl != 0 || cr3 == kernel_cr3 || !paging) {
		if (transit_len > 0)
			end_transit();
		return;
	}
	Bit16u cs = c->sregs[BX_SEG_REG_CS].selector.value;
	Bit32u eip = (Bit32u) c->prev_rip;
	if (transit_len++ == 0) {
		transit_cs = cs;
		transit_eip = eip;
		transit_cr3 = cr3;
	}
	Bit32u laddr = (Bit32u) c->sregs[BX_SEG_REG_CS].cache.u.segment.base + eip;
	if (in_window(cr3, laddr)) {
		outside_reported = false;
	} else if (!outside_reported) {
		// once per stretch of consecutive offending instructions
		trace_event("FLAG", "kind=cpl0-outside-window cpl=0 cs=0x%x eip=0x%x cr3=0x%x",
			cs, eip, cr3);
		outside_reported = true;
	}
}

void isolation_finish(void)
{
	if (transit_len > 0)
		end_transit();
}
