// Bochs's hooks: CR3 loads, descriptor-table loads, interrupts, ports,
// linear memory accesses and the MMU's page-table reads.
//
// Every hook but the port hook returns at its first test when logging is
// off. Bochs runs one CPU here (no SMP), so per-CPU state is plain globals.
//
// The per-instruction hooks are filtered inline (instrument.h): the
// before-execution hook is called only while bounce_step asks for it
// (isolation.cc: after an event that can change CPL, CR3 or paging, and
// through a transit; here: after a table load). A descriptor-table load is
// caught when Bochs decodes it: its handler is wrapped (bx_instr_opcode), so
// no other instruction pays for it. There is no after-execution hook: a
// table load is logged from the next hook that runs once it has retired (the
// next instruction's, or a delivery's), stamped with its own icount.

#include "bounce.h"

// CR3 as last logged: Bochs calls the CR3 hook after CR3 is set.
static Bit32u last_cr3;

// An LIDT/LGDT/LLDT/LTR seen before execution, logged once it has retired
// (icount has passed its own). One that faults never retires: the
// exception finds icount unchanged and drops it, so it logs nothing.
static struct {
	unsigned opcode;        // 0: none pending
	Bit32u old_base, old_limit, eip;
	unsigned cpl;
	Bit64u icount;          // the instruction's own
} dt;

// Bochs reports an exception or hardware interrupt first, then calls the
// common interrupt hook for every delivery; the pending kind links them.
enum int_kind { SOFT, EXC, HW };
static struct {
	bool valid;
	unsigned vector, err;
	int_kind kind;
	bool has_err;
} pending_int;

#if !BX_USE_CPU_SMF
#error "the table-load wrapper needs Bochs's static handlers (one CPU)"
#endif

bool bounce_step;

static unsigned cpl_of(BX_CPU_C *c)
{
	return c->sregs[BX_SEG_REG_CS].selector.rpl;
}

void bx_instr_init_env(void)
{
	trace_open();
}

void bx_instr_exit_env(void)
{
	trace_finish();
}

void bx_instr_reset(unsigned cpu, unsigned type)
{
	last_cr3 = (Bit32u) BX_CPU(cpu)->cr3;
	dt.opcode = 0;
	pending_int.valid = false;
	isolation_event();
}

// A far CALL, JMP, RET or IRET, SYSENTER and the like: CPL may change.
void bx_instr_far_branch(unsigned cpu)
{
	isolation_event();
}

void bx_instr_tlb_cntrl(unsigned cpu, unsigned what, bx_phy_address new_cr3)
{
	counters_tlb(what);
	if (!trace_on)
		return;
	isolation_event();      // CR0, CR3, CR4, a task switch, SMM
	BX_CPU_C *c = BX_CPU(cpu);
	if (what == BX_INSTR_CONTEXT_SWITCH) {
		last_cr3 = (Bit32u) c->cr3;
		return;
	}
	if (what != BX_INSTR_MOV_CR3 && what != BX_INSTR_TASK_SWITCH)
		return;
	// On a task switch Bochs has already loaded the new task's CS:EIP.
	char mmu[96];
	counters_keys(mmu, sizeof mmu);
	trace_event("CR3", "old=0x%x new=0x%x cpl=%u cs=0x%x eip=0x%x src=%s%s",
		last_cr3, (Bit32u) new_cr3, cpl_of(c),
		c->sregs[BX_SEG_REG_CS].selector.value, (Bit32u) c->prev_rip,
		what == BX_INSTR_MOV_CR3 ? "mov" : "task", mmu);
	last_cr3 = (Bit32u) new_cr3;
	isolation_tables(c, (Bit32u) c->prev_rip);
}

// The table load seen last, if it has retired: its event and checks,
// stamped with its own icount.
static void settle_table_load(BX_CPU_C *c)
{
	if (dt.opcode == 0 || trace_icount() == dt.icount)
		return;
	trace_pin_icount(dt.icount);
	switch (dt.opcode) {
	case BX_IA_LIDT_Ms:
	case BX_IA_LGDT_Ms: {
		bx_global_segment_reg_t *r = dt.opcode == BX_IA_LIDT_Ms ? &c->idtr : &c->gdtr;
		trace_event(dt.opcode == BX_IA_LIDT_Ms ? "LIDT" : "LGDT",
			"old_base=0x%x old_limit=0x%x new_base=0x%x new_limit=0x%x cpl=%u eip=0x%x",
			dt.old_base, dt.old_limit, (Bit32u) r->base, (unsigned) r->limit,
			dt.cpl, dt.eip);
		isolation_tables(c, dt.eip);
		break;
	}
	case BX_IA_LLDT_Ew:
		trace_event("LLDT", "old=0x%x new=0x%x cpl=%u eip=0x%x",
			dt.old_base, c->ldtr.selector.value, dt.cpl, dt.eip);
		isolation_lldt(c, dt.eip);
		break;
	case BX_IA_LTR_Ew:
		trace_event("LTR", "old=0x%x new=0x%x base=0x%x cpl=%u eip=0x%x",
			dt.old_base, c->tr.selector.value,
			(Bit32u) c->tr.cache.u.segment.base, dt.cpl, dt.eip);
		isolation_tables(c, dt.eip);
		break;
	}
	trace_pin_icount(0);
	dt.opcode = 0;
}

// Before a table load, to remember the old value.
static void begin_table_load(BX_CPU_C *c, unsigned op)
{
	dt.opcode = op;
	dt.icount = trace_icount();
	dt.eip = (Bit32u) c->prev_rip;
	dt.cpl = cpl_of(c);
	if (op == BX_IA_LIDT_Ms) {
		dt.old_base = (Bit32u) c->idtr.base;
		dt.old_limit = c->idtr.limit;
	} else if (op == BX_IA_LGDT_Ms) {
		dt.old_base = (Bit32u) c->gdtr.base;
		dt.old_limit = c->gdtr.limit;
	} else if (op == BX_IA_LLDT_Ew) {
		dt.old_base = c->ldtr.selector.value;
	} else {
		dt.old_base = c->tr.selector.value;
	}
	bounce_step = true;     // the next instruction logs it
}

void events_finish(void)
{
	settle_table_load(BX_CPU(0));
}

// Bochs's own handlers of the table loads, by opcode and form (register
// or memory operand: LLDT and LTR have both, each its own handler), as its
// decoder assigns them (from its opcode table; BxError when invalid).
static BxExecutePtr_tR table_handler[BX_IA_LAST][2];

static bool is_table_load(unsigned op)
{
	return op == BX_IA_LIDT_Ms || op == BX_IA_LGDT_Ms ||
	       op == BX_IA_LLDT_Ew || op == BX_IA_LTR_Ew;
}

// Runs in place of a table load's handler: Bochs has run the before hook
// (if bounce_step) and advanced RIP; prev_rip is still the instruction's.
static void BX_CPP_AttrRegparmN(1) table_load(bxInstruction_c *i)
{
	unsigned op = i->getIaOpcode();
	begin_table_load(BX_CPU(0), op);
	BX_CPU_CALL_METHOD(table_handler[op][i->modC0()], (i));
}

// Bochs has decoded an instruction into its trace cache: wrap the table
// loads' handlers while logging (an invalid one, BxError, only faults).
void bx_instr_opcode(bxInstruction_c *i)
{
	unsigned op = i->getIaOpcode();
	if (!trace_on || !is_table_load(op) || i->execute1 == table_load ||
	    i->execute1 == &BX_CPU_C::BxError)
		return;
	table_handler[op][i->modC0()] = i->execute1;
	i->execute1 = table_load;
}

// Called while bounce_step.
void bx_instr_before_execution(unsigned cpu, bxInstruction_c *i)
{
	if (!trace_on)
		return;
	// With handlers chaining each trace ends in an inserted entry that
	// only returns to the CPU loop: not an instruction, never retired.
	if (i->getIaOpcode() == BX_INSERTED_OPCODE)
		return;
	BX_CPU_C *c = BX_CPU(cpu);
	settle_table_load(c);
	bounce_step = false;
	if (isolation_checking)
		isolation_step(c);      // sets bounce_step through a transit
}

// Exceptions that push an error code (in protected mode only).
static bool pushes_error(unsigned vector)
{
	switch (vector) {
	case 8: case 10: case 11: case 12: case 13: case 14: case 17: case 21:
		return true;
	}
	return false;
}

void bx_instr_exception(unsigned cpu, unsigned vector, unsigned error_code)
{
	if (!trace_on)
		return;
	// A table load that faults has not retired: forget it.
	settle_table_load(BX_CPU(cpu));
	dt.opcode = 0;
	pending_int.valid = true;
	pending_int.vector = vector;
	pending_int.kind = EXC;
	pending_int.err = error_code;
	pending_int.has_err = pushes_error(vector) && !BX_CPU(cpu)->real_mode();
}

void bx_instr_hwinterrupt(unsigned cpu, unsigned vector, Bit16u cs, bx_address eip)
{
	if (!trace_on)
		return;
	pending_int.valid = true;
	pending_int.vector = vector;
	pending_int.kind = HW;
	pending_int.has_err = false;
}

// Called for every delivery, before the CPU has switched to the handler:
// CS, EIP (the return address; the faulting instruction for a fault) and
// CR3 are still the interrupted context's.
void bx_instr_interrupt(unsigned cpu, unsigned vector)
{
	if (!trace_on)
		return;
	static const char *const kinds[] = { "soft", "exc", "hw" };
	BX_CPU_C *c = BX_CPU(cpu);
	settle_table_load(c);
	bool linked = pending_int.valid && pending_int.vector == vector;
	int_kind kind = linked ? pending_int.kind : SOFT;
	char err[24] = "";
	if (linked && pending_int.has_err)
		snprintf(err, sizeof err, " err=0x%x", pending_int.err);
	char mmu[96];
	counters_keys(mmu, sizeof mmu);
	trace_event("INT", "vec=%u kind=%s cpl=%u cs=0x%x eip=0x%x cr3=0x%x%s%s",
		vector, kinds[kind], cpl_of(c), c->sregs[BX_SEG_REG_CS].selector.value,
		(Bit32u) c->get_instruction_pointer(), (Bit32u) c->cr3, err, mmu);
	pending_int.valid = false;
	isolation_delivery(c, vector);
}

void bx_instr_outp(Bit16u addr, unsigned len, unsigned val)
{
	guest_outp(addr, val);
}

// A linear memory access that passed instrument.h's inline filter: both
// filters are off unless isolation_checking (which implies trace_on).
void bx_instr_lin_access(unsigned cpu, bx_address lin, bx_address phy, unsigned len,
                         unsigned memtype, unsigned rw)
{
	isolation_access(BX_CPU(cpu), (Bit32u) lin, len, rw);
}

// Every physical access the CPU itself makes: here, page-table reads of the
// MMU's walks (counters.cc), and the A/D bits it sets (writes, not counted).
void bx_instr_phy_access(unsigned cpu, bx_address phy, unsigned len,
                         unsigned memtype, unsigned rw)
{
	if (rw == BX_READ)
		counters_phy_read((Bit32u) phy);
}
