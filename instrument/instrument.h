// Bounce's instrumentation interface to Bochs 3.0.
//
// Bochs includes this header (from cpu/cpu.h) in place of
// instrument/stubs/instrument.h and calls the BX_INSTR_* macros from its
// CPU loop and devices. Only the hooks Bounce uses are functions; every
// other macro expands to nothing, so unused hooks cost nothing.
//
// The hooks Bochs runs for every instruction and every memory access test
// a flag inline and call the module only when it has something to do
// (docs/instrumentation.md, "What the hooks cost"): most instructions cost
// a load and a test, not a call.
//
// Bochs's generated dependency lists name the stubs' header, not this one:
// mk/bochs.mk rebuilds every Bochs object when this file changes.

#if BX_INSTRUMENTATION

class bxInstruction_c;

// The inline filters' state, owned by instrument.cc and isolation.cc.
extern bool bounce_step;                // the next instruction needs a look
extern Bit64u bounce_lin_limit;         // linear accesses below it are checked

void bx_instr_init_env(void);
void bx_instr_exit_env(void);
void bx_instr_reset(unsigned cpu, unsigned type);

void bx_instr_interrupt(unsigned cpu, unsigned vector);
void bx_instr_exception(unsigned cpu, unsigned vector, unsigned error_code);
void bx_instr_hwinterrupt(unsigned cpu, unsigned vector, Bit16u cs, bx_address eip);

void bx_instr_tlb_cntrl(unsigned cpu, unsigned what, bx_phy_address new_cr3);
void bx_instr_far_branch(unsigned cpu);

void bx_instr_opcode(bxInstruction_c *i);
void bx_instr_before_execution(unsigned cpu, bxInstruction_c *i);

void bx_instr_outp(Bit16u addr, unsigned len, unsigned val);

void bx_instr_lin_access(unsigned cpu, bx_address lin, bx_address phy, unsigned len,
                         unsigned memtype, unsigned rw);
void bx_instr_phy_access(unsigned cpu, bx_address phy, unsigned len,
                         unsigned memtype, unsigned rw);

#define BX_INSTR_INIT_ENV()                 bx_instr_init_env()
#define BX_INSTR_EXIT_ENV()                 bx_instr_exit_env()
#define BX_INSTR_INITIALIZE(cpu_id)
#define BX_INSTR_EXIT(cpu_id)
#define BX_INSTR_RESET(cpu_id, type)        bx_instr_reset(cpu_id, type)
#define BX_INSTR_HLT(cpu_id)
#define BX_INSTR_MWAIT(cpu_id, addr, len, flags)

#define BX_INSTR_DEBUG_PROMPT()
#define BX_INSTR_DEBUG_CMD(cmd)

#define BX_INSTR_CNEAR_BRANCH_TAKEN(cpu_id, branch_eip, new_eip)
#define BX_INSTR_CNEAR_BRANCH_NOT_TAKEN(cpu_id, branch_eip)
#define BX_INSTR_UCNEAR_BRANCH(cpu_id, what, branch_eip, new_eip)
#define BX_INSTR_FAR_BRANCH(cpu_id, what, prev_cs, prev_eip, new_cs, new_eip) \
                bx_instr_far_branch(cpu_id)

#define BX_INSTR_OPCODE(cpu_id, i, opcode, len, is32, is64) bx_instr_opcode(i)

#define BX_INSTR_EXCEPTION(cpu_id, vector, error_code) \
                bx_instr_exception(cpu_id, vector, error_code)
#define BX_INSTR_INTERRUPT(cpu_id, vector)  bx_instr_interrupt(cpu_id, vector)
#define BX_INSTR_HWINTERRUPT(cpu_id, vector, cs, eip) \
                bx_instr_hwinterrupt(cpu_id, vector, cs, eip)

#define BX_INSTR_CLFLUSH(cpu_id, laddr, paddr)
#define BX_INSTR_CACHE_CNTRL(cpu_id, what)
#define BX_INSTR_TLB_CNTRL(cpu_id, what, new_cr3) \
                bx_instr_tlb_cntrl(cpu_id, what, new_cr3)
#define BX_INSTR_PREFETCH_HINT(cpu_id, what, seg, offset)

#define BX_INSTR_BEFORE_EXECUTION(cpu_id, i) do {                          \
                if (bounce_step)                                          \
                        bx_instr_before_execution(cpu_id, i);             \
        } while (0)
#define BX_INSTR_AFTER_EXECUTION(cpu_id, i)
#define BX_INSTR_REPEAT_ITERATION(cpu_id, i)

#define BX_INSTR_LIN_ACCESS(cpu_id, lin, phy, len, memtype, rw) do {      \
                if ((Bit64u) (Bit32u) (lin) < bounce_lin_limit)           \
                        bx_instr_lin_access(cpu_id, lin, phy, len, memtype, rw); \
        } while (0)
#define BX_INSTR_PHY_ACCESS(cpu_id, phy, len, memtype, rw) \
                bx_instr_phy_access(cpu_id, phy, len, memtype, rw)

#define BX_INSTR_INP(addr, len)
#define BX_INSTR_INP2(addr, len, val)
#define BX_INSTR_OUTP(addr, len, val)       bx_instr_outp(addr, len, val)

#define BX_INSTR_WRMSR(cpu_id, addr, value)
#define BX_INSTR_VMEXIT(cpu_id, reason, qualification)

#endif
