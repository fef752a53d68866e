/* trap.c — what happens after an interrupt or exception has reached C.
 *
 * From user mode the frame arrived through the window (window.S,
 * trapentry.S: user_entry); from kernel mode through the kernel's own IDT.
 * Faults in user mode kill the process with a one-line report (a double
 * fault in a window too); faults in the kernel panic, except page faults
 * in the copy routines.
 */
#include "trap.h"
#include "abi.h"
#include "asm.h"
#include "copy.h"
#include "desc.h"
#include "kvm.h"
#include "log.h"
#include "pic.h"
#include "proc.h"
#include "segdump.h"
#include "serial.h"
#include "stats.h"
#include "syscall.h"
#include "vm.h"
#include "window.h"
#include "x86.h"

_Static_assert(sizeof(struct trapframe) == WIN_TF_SIZE, "the window builds a whole trap frame");


static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
	"device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

void trap_init_kernel_idt(void)
{
	for (int v = 0; v < 48; v++)
		gate_set(&kernel_idt[v], kernel_vectors[v], SEL_KCODE, GATE_INTR, 0);
	gate_set(&kernel_idt[T_DF], 0, SEL_DFTSS, GATE_TASK, 0);
}

/* In the shared layout the kernel's IDT serves user mode too, as in xv6:
 * the system call, int3 and into are open to CPL 3. */
void trap_init_shared(void)
{
	gate_set(&kernel_idt[SYSCALL_VECTOR], kernel_vectors[48], SEL_KCODE, GATE_INTR, 3);
	gate_set(&kernel_idt[3], kernel_vectors[3], SEL_KCODE, GATE_INTR, 3);
	gate_set(&kernel_idt[4], kernel_vectors[4], SEL_KCODE, GATE_INTR, 3);
}

void trap_dump(const struct trapframe *tf)
{
	kprintf("  trap %u (%s) err 0x%x eip 0x%08x cs 0x%x eflags 0x%08x\n", tf->trapno,
		tf->trapno < 32 && exc_names[tf->trapno] ? exc_names[tf->trapno] : "?", tf->err, tf->eip, tf->cs,
		tf->eflags);
	kprintf("  eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
	kprintf("  esi 0x%08x edi 0x%08x ebp 0x%08x cr2 0x%08x cr3 0x%08x\n", tf->esi, tf->edi, tf->ebp, rcr2(),
		rcr3());
	if (tf_from_user(tf))
		kprintf("  user esp 0x%08x ss 0x%x\n", tf->esp, tf->ss);
	seg_report(tf, curproc ? curproc->as : 0);
}

static void irq(struct trapframe *tf)
{
	int n = tf->trapno - T_IRQ0;
	if (n == IRQ_TIMER) {
		kstats.ticks++;
		pic_eoi(n);
		sched_tick();
		return;
	}
	if (n == IRQ_COM1)
		serial_intr();
	else if (pic_spurious(n))
		return;
	pic_eoi(n);
}

static void user_trap(struct trapframe *tf)
{
	kstats.entries++;
	if (kernel_layout == LAYOUT_BOUNCE)
		kstats.cr3_loads += 2;
	curproc->tf = tf;
	if (tf->trapno == SYSCALL_VECTOR) {
		kstats.syscalls++;
		syscall(tf);
	} else if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + 16) {
		irq(tf);
	} else if (tf->trapno == T_PF) {
		uint32_t cr2 = rcr2();
		kstats.page_faults++;
		int err = as_fault(curproc->as, cr2, tf->err);
		if (err == -EFAULT)
			proc_kill_fault(tf, cr2);
		else if (err < 0)
			proc_kill_nomem(cr2, err);
	} else {
		proc_kill_fault(tf, rcr2());
	}
	if (sched_wanted())
		yield();
	if (curproc->killed)
		proc_exit(curproc->xstatus);
}

static void kernel_trap(struct trapframe *tf)
{
	if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + 16) {
		irq(tf);
		return;
	}
	if (tf->trapno == T_PF) {
		uint32_t cr2 = rcr2();
		kstats.page_faults++;
		if (copy_fault(tf, cr2))
			return;
		kstack_overflow_report(cr2);
	}
	kprintf("\nkernel trap in %s\n", curproc ? curproc->name : "boot");
	trap_dump(tf);
	panic("unexpected trap %u at 0x%08x", tf->trapno, tf->eip);
}

/* Vector 8 reaches trap() only from a window's double-fault task (the
 * kernel's own IDT sends it to double_fault_kernel): the window could not
 * deliver an exception to the process, which is killed like any faulting
 * one.  We run in the double-fault task, entered by a task switch that
 * set EFLAGS.NT and CR0.TS: clear them, or the next iret would be a task
 * return and the next FPU save a #NM. */
static void window_fault(struct trapframe *tf)
{
	write_eflags(read_eflags() & ~EFLAGS_NT);
	lcr0(rcr0() & ~CR0_TS);
	window_double_fault(window_current, tf);
	kprintf("double fault in the window of pid %d at W=0x%08x\n", curproc->pid, window_current->win.va);
}

void trap(struct trapframe *tf)
{
	if (tf->trapno == T_DF)
		window_fault(tf);
	if (tf_from_user(tf))
		user_trap(tf);
	else
		kernel_trap(tf);
}

/* The kernel's double-fault task ends here, on the kernel's page directory. */
void double_fault(void)
{
	kstack_overflow_report(rcr2());
	panic("double fault (cr3 0x%08x, cr2 0x%08x)", rcr3(), rcr2());
}
