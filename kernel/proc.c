/* proc.c — process table, scheduler, sleep and wakeup, fork, threads, exit, wait.
 *
 * xv6's shape on one CPU: each thread has a kernel stack and a saved
 * context; the scheduler loop runs on the boot stack and switches to each
 * runnable thread in turn.  Switching threads never touches CR3 — the
 * kernel always runs on its own directory — it only tells the window code
 * which address space returns to user mode next.
 */
#include "proc.h"
#include "abi.h"
#include "cap.h"
#include "copy.h"
#include "debugport.h"
#include "desc.h"
#include "fpu.h"
#include "bootmod.h"
#include "buddy.h"
#include "elf.h"
#include "heap.h"
#include "idle.h"
#include "kassert.h"
#include "klib.h"
#include "kstack.h"
#include "kvm.h"
#include "log.h"
#include "mmu.h"
#include "segdump.h"
#include "serial.h"
#include "stats.h"
#include "swapslot.h"
#include "trap.h"
#include "vm.h"
#include "window.h"
#include "x86.h"

struct proc proctab[NPROC];
struct proc *curproc;
static struct context *sched_ctx;
static int next_pid = 1;
static volatile int need_resched;
static uint32_t kstack_peak_user;
static uint32_t kstack_top; /* the running thread's (the shared layout's TSS.esp0) */

void swtch(struct context **save, struct context *next);

uint32_t irq_save(void)
{
	uint32_t f = read_eflags();
	cli();
	return f;
}

void irq_restore(uint32_t f)
{
	if (f & EFLAGS_IF)
		sti();
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state != P_UNUSED && p->pid == pid)
			return p;
	return 0;
}

static void set_name(struct proc *p, const char *name)
{
	int i = 0;
	for (; name[i] && i < PROC_NAME - 1; i++)
		p->name[i] = name[i];
	p->name[i] = 0;
}

/* The trap-frame slot at the top of p's kernel stack. */
static struct trapframe *kstack_tf(const struct proc *p)
{
	return (struct trapframe *)(p->kstack + p->kstack_size) - 1;
}

/* Where p's user frame lives while p is in the kernel: in its window if
 * the window keeps it there (window_frame), else on the kernel stack. */
static void user_frame_home(struct proc *p)
{
	struct trapframe *f = window_frame(p->as);
	if (f) {
		memset(f, 0, sizeof *f);
		p->tf = f;
	}
}

/* A slot with a kernel stack of size bytes; its context starts at first(). */
static struct proc *proc_alloc(const char *name, void (*first)(void), uint32_t size)
{
	struct proc *p;
	for (p = proctab; p < proctab + NPROC; p++)
		if (p->state == P_UNUSED)
			break;
	if (p == proctab + NPROC)
		return 0;
	memset(p, 0, sizeof *p);
	if (!(p->kstack = kstack_alloc(size)))
		return 0;
	p->kstack_size = size;
	p->state = P_EMBRYO;
	p->pid = next_pid++;
	set_name(p, name);
	fpu_init_state(p->fpu);

	p->tf = kstack_tf(p);
	memset(p->tf, 0, sizeof *p->tf);
	uint32_t sp = (uint32_t)p->tf - 4;
	/* where first() returns to: out through the window, or (shared layout) a plain iret */
	*(uint32_t *)sp = kernel_layout == LAYOUT_BOUNCE ? (uint32_t)user_exit : (uint32_t)trapret;
	sp -= sizeof(struct context);
	p->ctx = (struct context *)sp;
	memset(p->ctx, 0, sizeof *p->ctx);
	p->ctx->eip = (uint32_t)first;
	return p;
}

/* peak, or the kernel stack user thread p has used if that is more */
static uint32_t user_kstack_max(const struct proc *p, uint32_t peak)
{
	uint32_t used = p->kfn ? 0 : kstack_used(p->kstack, p->kstack_size);
	return used > peak ? used : peak;
}

static void proc_free(struct proc *p)
{
	kstack_peak_user = user_kstack_max(p, kstack_peak_user);
	kstack_free(p->kstack, p->kstack_size);
	kfree(p->out);
	p->kstack = 0;
	p->out = 0;
	p->parent = 0;
	p->state = P_UNUSED;
}

/* A new user thread's first return: interrupts stay off into user_exit. */
static void user_first(void)
{
}

static void kthread_first(void)
{
	sti();
	curproc->kfn();
	proc_exit(0);
}

struct proc *kthread_create(const char *name, void (*fn)(void))
{
	struct proc *p = proc_alloc(name, kthread_first, KSTACK_KTHREAD);
	if (!p)
		return 0;
	p->kfn = fn;
	p->state = P_RUNNABLE;
	return p;
}

/* ---- scheduling ---- */

/* The shared layout, as xv6 does it: each process's directory carries the
 * kernel, so switching threads switches CR3; kernel threads run on the
 * kernel's own directory. */
static void switch_shared(struct proc *p)
{
	uint32_t cr3 = p->as ? p->as->pgdir : (uint32_t)kernel_pgdir;
	kernel_tss_set_esp0(kstack_top);
	if (rcr3() != cr3) {
		lcr3(cr3);
		kstats.cr3_loads++;
	}
}

static void run(struct proc *p)
{
	KASSERT(p->state == P_RUNNABLE);
	curproc = p;
	p->state = P_RUNNING;
	kstack_top = p->kstack + p->kstack_size;
	kstack_frame = (uint32_t)kstack_tf(p);
	announce_stack(p->kstack, kstack_top);
	if (kernel_layout == LAYOUT_SHARED)
		switch_shared(p);
	else if (p->as && p->as != window_current)
		window_activate(p->as);
	if (p->as)
		window_check(p->as);
	fpu_restore(p->fpu);
	swtch(&sched_ctx, p->ctx);
	fpu_save(p->fpu);
	/* it left the CPU by yielding, sleeping or exiting */
	KASSERT(p->state == P_RUNNABLE || (p->state == P_SLEEPING && p->chan) || p->state == P_ZOMBIE);
	curproc = 0;
}

/* Zombies nobody will wait for. */
static void reap_orphans(void)
{
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state == P_ZOMBIE && !p->parent)
			proc_free(p);
}

void scheduler(void)
{
	struct proc *last = proctab;
	cli();
	for (;;) {
		int ran = 0;
		for (int i = 1; i <= NPROC; i++) {
			struct proc *p = proctab + (last - proctab + i) % NPROC;
			if (p->state != P_RUNNABLE)
				continue;
			run(p);
			last = p;
			ran = 1;
			reap_orphans();
			break;
		}
		if (!ran)
			idle_wait();
	}
}

static void sched(void)
{
	struct proc *p = curproc;
	swtch(&p->ctx, sched_ctx);
}

void yield(void)
{
	uint32_t f = irq_save();
	need_resched = 0;
	KASSERT(curproc->state == P_RUNNING);
	curproc->state = P_RUNNABLE;
	sched();
	irq_restore(f);
}

void sched_preempt_point(void)
{
	if (need_resched && curproc)
		yield();
}

void sleep_on(const void *chan)
{
	KASSERT(chan && curproc->state == P_RUNNING && !(read_eflags() & EFLAGS_IF));
	curproc->chan = chan;
	curproc->state = P_SLEEPING;
	sched();
	KASSERT(curproc->state == P_RUNNING && curproc->chan == chan);
	curproc->chan = 0;
}

void wakeup(const void *chan)
{
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state == P_SLEEPING && p->chan == chan)
			p->state = P_RUNNABLE;
}

/* The timer: wake sleepers and ask for a switch.  A thread interrupted in
 * user mode yields on its way out (trap.c); a kernel thread at its next
 * preemption point. */
void sched_tick(void)
{
	wakeup(&kstats.ticks);
	need_resched = 1;
}

int sched_wanted(void)
{
	return need_resched;
}


/* ---- creating user processes ---- */

#define USER_STACK_TOP 0x00000000u /* the stack grows down from the very top of 4 GiB */
#define USER_STACK_PAGES 16
#define MAX_ARGS 16

static void user_tf(struct trapframe *tf, uint32_t eip, uint32_t esp)
{
	tf->cs = SEL_UCODE;
	tf->ds = tf->es = tf->fs = tf->gs = tf->ss = SEL_UDATA;
	tf->eflags = EFLAGS_IF | 0x2;
	tf->eip = eip;
	tf->esp = esp;
}

static int load_segment(struct as *as, const uint8_t *img, const struct elf_seg *s)
{
	uint32_t lo = ROUNDDOWN(s->vaddr, PGSIZE), hi = ROUNDUP(s->vaddr + s->memsz, PGSIZE);
	int err = as_map(as, lo, (hi - lo) / PGSIZE, MAP_WRITE | MAP_SKIP);
	if (err < 0 || (err = copyout(as, s->vaddr, img + s->offset, s->filesz)) < 0)
		return err;
	if (!s->writable)
		for (uint32_t va = lo; va < hi; va += PGSIZE)
			as_setflags(as, va, 0, PTE_W);
	return 0;
}

/* argc, argv[], NULL at the stack pointer; the strings above them. */
static int push_args(struct as *as, int argc, const char *const *argv, uint32_t *sp_out)
{
	uint32_t sp = USER_STACK_TOP, uargv[MAX_ARGS + 2];
	if (argc > MAX_ARGS)
		return -EINVAL;
	for (int i = argc - 1; i >= 0; i--) {
		uint32_t len = strlen(argv[i]) + 1;
		sp -= ROUNDUP(len, 4);
		if (copyout(as, sp, argv[i], len) < 0)
			return -EFAULT;
		uargv[i + 1] = sp;
	}
	uargv[0] = argc;
	uargv[argc + 1] = 0;
	sp -= (argc + 2) * 4;
	*sp_out = sp;
	return copyout(as, sp, uargv, (argc + 2) * 4);
}

struct proc *proc_spawn(const char *prog, int argc, const char *const *argv, int *err)
{
	const struct bootmod *m = bootmod_find(prog);
	struct elf_seg segs[8];
	uint32_t entry, sp;
	const char *why;
	struct proc *p = 0;
	struct as *as = 0;

	*err = -ESRCH;
	if (!m)
		return 0;
	int n = elf_parse(m->data, m->len, &entry, segs, 8, &why);
	if (n < 0) {
		kprintf("spawn %s: refused: %s\n", prog, why);
		*err = -EINVAL;
		return 0;
	}
	*err = -ENOMEM;
	if (!(as = as_create()) || !(p = proc_alloc(prog, user_first, KSTACK_USER)))
		goto fail;
	for (int i = 0; i < n; i++)
		if ((*err = load_segment(as, m->data, &segs[i])) < 0)
			goto fail;
	if ((*err = as_map(as, USER_STACK_TOP - USER_STACK_PAGES * PGSIZE, USER_STACK_PAGES, MAP_WRITE)) < 0 ||
	    (*err = push_args(as, argc, argv, &sp)) < 0 || (*err = cap_spawn(p)) < 0)
		goto fail;
	p->as = as;
	p->parent = curproc;
	user_frame_home(p);
	user_tf(p->tf, entry, sp);
	announce("proc pid=%d cr3=0x%08x name=%s", p->pid, as->pgdir, p->name);
	window_announce(as);
	p->state = P_RUNNABLE;
	return p;
fail:
	if (p)
		proc_free(p);
	if (as)
		as_put(as);
	return 0;
}

int proc_fork(void)
{
	struct proc *parent = curproc, *p = proc_alloc(parent->name, user_first, KSTACK_USER);
	if (!p)
		return -ENOMEM;
	if (!(p->as = as_fork(parent->as)) || cap_fork(parent, p) < 0) {
		if (p->as)
			as_put(p->as);
		cap_exit(p);
		proc_free(p);
		return -ENOMEM;
	}
	user_frame_home(p);
	*p->tf = *parent->tf;
	p->tf->eax = 0;
	p->parent = parent;
	fpu_save(p->fpu); /* the parent's live registers, which FNSAVE then resets */
	fpu_restore(p->fpu);
	announce("proc pid=%d cr3=0x%08x parent=%d name=%s", p->pid, p->as->pgdir, parent->pid, p->name);
	window_announce(p->as);
	p->state = P_RUNNABLE;
	return p->pid;
}

int proc_thread(uint32_t entry, uint32_t stack_top, uint32_t arg)
{
	struct proc *parent = curproc, *p;
	if (stack_top & 3)
		return -EINVAL;
	if (!(p = proc_alloc(parent->name, user_first, KSTACK_USER)))
		return -ENOMEM;
	/* The thread starts as if called: entry(arg) with a zero return address. */
	uint32_t frame[2] = { 0, arg };
	if (copyout(parent->as, stack_top - 8, frame, 8) < 0) {
		proc_free(p);
		return -EFAULT;
	}
	as_get(parent->as);
	p->as = parent->as;
	cap_thread(parent, p);
	p->parent = parent;
	user_tf(p->tf, entry, stack_top - 8);
	p->state = P_RUNNABLE;
	if (parent->tf == window_frame(parent->as)) {
		/* The window held the parent's frame; now its threads share the
		 * window, so each one's frame goes to its kernel stack.  The
		 * parent's goes there now, with this call's result: syscall()
		 * stores it in the window's copy too, which no one reads. */
		struct trapframe *tf = kstack_tf(parent);
		*tf = *parent->tf;
		tf->eax = p->pid;
		parent->tf = tf;
		window_frames_to_kstack(parent->as);
	}
	return p->pid;
}

/* ---- ending ---- */

void proc_exit(int status)
{
	struct proc *p = curproc;
	cli();
	for (struct proc *c = proctab; c < proctab + NPROC; c++)
		if (c->parent == p)
			c->parent = 0;
	cap_exit(p);
	if (p->as) {
		if (kernel_layout == LAYOUT_SHARED)
			lcr3((uint32_t)kernel_pgdir); /* not on the directory we free */
		as_put(p->as);
		p->as = 0;
	}
	p->xstatus = status;
	p->state = P_ZOMBIE;
	if (p->parent)
		wakeup(p->parent);
	sched();
	panic("zombie %d ran", p->pid);
}

/* A child of curproc (pid, or any for -1) that has ended, left a zombie:
 * only its parent reaps it, so it stays until proc_reap.  Sleeps until
 * one ends; 0 with *err -ECHILD if none can, or -EINTR once curproc is
 * killed (it dies on its way out). */
struct proc *proc_zombie_child(int pid, int *err)
{
	struct proc *self = curproc;
	uint32_t f = irq_save();
	for (;;) {
		int children = 0;
		for (struct proc *p = proctab; p < proctab + NPROC; p++) {
			if (p->state == P_UNUSED || p->parent != self || (pid != -1 && p->pid != pid))
				continue;
			children++;
			if (p->state == P_ZOMBIE) {
				irq_restore(f);
				return p;
			}
		}
		*err = !children ? -ECHILD : self->killed ? -EINTR : 0;
		if (*err) {
			irq_restore(f);
			return 0;
		}
		sleep_on(self);
	}
}

int proc_reap(struct proc *zombie)
{
	int pid = zombie->pid;
	proc_free(zombie);
	return pid;
}

int proc_wait(int pid, int *status)
{
	int err;
	struct proc *z = proc_zombie_child(pid, &err);
	if (!z)
		return err;
	*status = z->xstatus;
	return proc_reap(z);
}

/* The process dies when it next leaves the kernel. */
int proc_kill(int pid)
{
	struct proc *p = proc_find(pid);
	if (!p || p->state == P_ZOMBIE || !p->as)
		return -ESRCH;
	p->killed = 1;
	p->xstatus = WAIT_KILLED | 0xFF;
	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
	return 0;
}

void proc_kill_fault(const struct trapframe *tf, uint32_t cr2)
{
	kprintf("killed pid=%d name=%s vec=%u eip=0x%08x cr2=0x%08x err=0x%x\n", curproc->pid, curproc->name,
		tf->trapno, tf->eip, cr2, tf->err);
	if (tf->trapno != T_PF) /* there cr2 says it all */
		seg_report(tf, curproc->as);
	curproc->killed = 1;
	curproc->xstatus = WAIT_KILLED | (tf->trapno & 0xFF);
}

void proc_kill_nomem(uint32_t va, int err)
{
	struct buddy_info bi;
	buddy_info(&bi);
	kprintf("killed pid=%d name=%s: out of memory at va=0x%08x (err=%d, %u frames free, %u of %u swap slots free)\n",
		curproc->pid, curproc->name, va, err, bi.free_pages, swap_slots_free(), swap_slots_total());
	curproc->killed = 1;
	curproc->xstatus = WAIT_KILLED | KILL_NOMEM;
}

/* Keep output for whoever waits for p: a prefix, grown by doubling so a
 * long write costs linear time. */
static void capture(struct proc *p, const char *s, uint32_t n)
{
	if (n > OUTPUT_CAP - p->outlen) {
		n = OUTPUT_CAP - p->outlen;
		p->outcut = 1;
	}
	if (p->outlen + n > p->outsize) {
		uint32_t size = p->outsize ? p->outsize : PGSIZE;
		while (size < p->outlen + n)
			size *= 2;
		char *grown = krealloc(p->out, size);
		if (!grown) {
			p->outcut = 1;
			return;
		}
		p->out = grown;
		p->outsize = size;
	}
	memcpy(p->out + p->outlen, s, n);
	p->outlen += n;
}

uint32_t proc_kstack_peak(void)
{
	uint32_t peak = kstack_peak_user;
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state != P_UNUSED)
			peak = user_kstack_max(p, peak);
	return peak;
}

/* The fault of a kernel stack overflow: a push or a frame reached the
 * guard below the stack (for a push, as a double fault: the CPU could not
 * push the page fault's frame either). */
void kstack_overflow_report(uint32_t va)
{
	for (struct proc *p = proctab; p < proctab + NPROC; p++)
		if (p->state != P_UNUSED && va < p->kstack && va >= p->kstack - KSTACK_GUARD)
			kprintf("\nkernel stack overflow in thread %s (pid %d): 0x%08x is in the guard below its "
				"stack 0x%08x-0x%08x\n", p->name, p->pid, va, p->kstack, p->kstack + p->kstack_size);
}

/* Console output: to COM1, and kept.  p (the current thread) sleeps while
 * the console is busy; the bytes written are fewer than n only if p was
 * killed meanwhile. */
uint32_t proc_output(struct proc *p, const char *s, uint32_t n)
{
	n = serial_write(s, n);
	if (!p->outcut)
		capture(p, s, n);
	return n;
}

void proc_init(void)
{
	fpu_init();
}
