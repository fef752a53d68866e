// Bochs's hooks: CR3 loads, descriptor-table loads, interrupts, ports and
// linear memory accesses.
//
// Every hook but the port hook returns at its first test when logging is
// off. Bochs runs one CPU here (no SMP), so per-CPU state is plain globals.

#include "bounce.h"

// CR3 as last logged: Bochs calls the CR3 hook after CR3 is set.
static Bit32u last_cr3;

// An LIDT/LGDT/LLDT/LTR seen before execution, logged after it. Bochs
// skips the after-execution hook for an instruction that faults, so a
// faulting load logs nothing.
static struct {
	unsigned opcode;        // 0: none pending
	Bit32u old_base, old_limit, eip;
	unsigned cpl;
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
}

void bx_instr_tlb_cntrl(unsigned cpu, unsigned what, bx_phy_address new_cr3)
{
	if (!trace_on)
		return;
	BX_CPU_C *c = BX_CPU(cpu);
	if (what == BX_INSTR_CONTEXT_SWITCH) {
		last_cr3 = (Bit32u) c->cr3;
		return;
	}
	if (what != BX_INSTR_MOV_CR3 && what != BX_INSTR_TASK_SWITCH)
		return;
	// On a task switch Bochs has already loaded the new task's CS:EIP.
	trace_event("CR3", "old=0x%x new=0x%x cpl=%u cs=0x%x eip=0x%x src=%s",
		last_cr3, (Bit32u) new_cr3, cpl_of(c),
		c->sregs[BX_SEG_REG_CS].selector.value, (Bit32u) c->prev_rip,
		what == BX_INSTR_MOV_CR3 ? "mov" : "task");
	last_cr3 = (Bit32u) new_cr3;
	isolation_tables(c, (Bit32u) c->prev_rip);
}

static bool is_table_load(unsigned op)
{
	return op == BX_IA_LIDT_Ms || op == BX_IA_LGDT_Ms ||
	       op == BX_IA_LLDT_Ew || op == BX_IA_LTR_Ew;
}

void bx_instr_before_execution(unsigned cpu, bxInstruction_c *i)
{
	if (!trace_on)
		return;
	BX_CPU_C *c = BX_CPU(cpu);
	unsigned op = i->getIaOpcode();
	if (is_table_load(op)) {
		dt.opcode = op;
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
	} else {
		dt.opcode = 0;
	}
	if (isolation_checking)
		isolation_step(c);
}

void bx_instr_after_execution(unsigned cpu, bxInstruction_c *i)
{
	if (dt.opcode == 0 || !trace_on)
		return;
	BX_CPU_C *c = BX_CPU(cpu);
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
	dt.opcode = 0;
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
	bool linked = pending_int.valid && pending_int.vector == vector;
	int_kind kind = linked ? pending_int.kind : SOFT;
	char err[24] = "";
	if (linked && pending_int.has_err)
		snprintf(err, sizeof err, " err=0x%x", pending_int.err);
	trace_event("INT", "vec=%u kind=%s cpl=%u cs=0x%x eip=0x%x cr3=0x%x%s",
		vector, kinds[kind], cpl_of(c), c->sregs[BX_SEG_REG_CS].selector.value,
		(Bit32u) c->get_instruction_pointer(), (Bit32u) c->cr3, err);
	pending_int.valid = false;
	isolation_delivery(c, vector);
}

void bx_instr_outp(Bit16u addr, unsigned len, unsigned val)
{
	guest_outp(addr, val);
}

// Every linear memory access: the hottest hook, so it only filters here.
// Both filters are off unless isolation_checking (which implies trace_on).
void bx_instr_lin_access(unsigned cpu, bx_address lin, bx_address phy, unsigned len,
                         unsigned memtype, unsigned rw)
{
	if (isolation_watch || (Bit32u) lin < isolation_stack_lo)
		isolation_access(BX_CPU(cpu), (Bit32u) lin, len, rw);
}
