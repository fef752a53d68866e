/* proc.h — processes, kernel threads and the scheduler.
 *
 * A process is a thread with a user address space; a kernel thread (the Lua
 * shell) has none.  Threads made by SYS_thread share their creator's
 * address space.  One CPU, so mutual exclusion is "interrupts off".
 */
#ifndef BOUNCE_PROC_H
#define BOUNCE_PROC_H

#include <stdint.h>

#define NPROC 64
/* Kernel stack sizes, measured (docs/memory.md: kernel stacks): a user
 * thread's system calls and faults peak well below KSTACK_USER; the
 * shell's Lua, at LUAI_MAXCCALLS nested C calls with musl's fmt_fp at the
 * deepest, peaks well below KSTACK_KTHREAD. */
#define KSTACK_USER (8 * 1024)
#define KSTACK_KTHREAD (512 * 1024)
#define PROC_NAME 16
#define OUTPUT_CAP (256 * 1024) /* console output kept per process for k.proc.wait */

enum procstate { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct context { uint32_t edi, esi, ebx, ebp, eip; };
struct trapframe;
struct as;
struct captab;
struct ipc_call;

struct proc {
	int pid;
	enum procstate state;
	char name[PROC_NAME];
	struct as *as;           /* 0 for a kernel thread */
	uint32_t kstack;         /* lowest address of its kernel stack (kstack.c) */
	uint32_t kstack_size;
	struct context *ctx;
	struct trapframe *tf;
	struct proc *parent;
	const void *chan;        /* what it sleeps on */
	int xstatus;
	int killed;              /* exit with this status + WAIT_KILLED at the next chance */
	void (*kfn)(void);       /* a kernel thread's body */
	char *out;               /* the first OUTPUT_CAP bytes of its console output */
	uint32_t outlen, outsize; /* bytes kept, bytes allocated */
	int outcut;              /* a piece could not be kept: keep no more, so out stays a prefix */
	struct captab *caps;     /* descriptor table, shared by its threads (cap.h) */
	struct ipc_call *ipc_call; /* while it waits for the reply to a call (ipc.h) */
	uint8_t fpu[108] __attribute__((aligned(16))); /* FNSAVE image */
};

extern struct proc *curproc;
extern struct proc proctab[NPROC];

uint32_t irq_save(void);
void irq_restore(uint32_t flags);
void sleep_on(const void *chan);  /* call with interrupts off */
void wakeup(const void *chan);
void yield(void);
void sched_preempt_point(void);   /* yield if the timer asked for it (kernel threads) */
void sched_tick(void);            /* the timer's hook */
int sched_wanted(void);           /* the timer asked for a switch */
void scheduler(void) __attribute__((noreturn));

void proc_init(void);
struct proc *kthread_create(const char *name, void (*fn)(void));
struct proc *proc_spawn(const char *prog, int argc, const char *const *argv, int *err);
int proc_fork(void);
int proc_thread(uint32_t entry, uint32_t stack_top, uint32_t arg);
int proc_wait(int pid, int *status);     /* for curproc; blocks; reaps */
struct proc *proc_zombie_child(int pid, int *err); /* blocks; an ended child, not yet reaped */
int proc_reap(struct proc *zombie);      /* frees it; its pid */
void proc_exit(int status) __attribute__((noreturn));
int proc_kill(int pid);
void proc_kill_fault(const struct trapframe *tf, uint32_t cr2); /* report and kill curproc */
void proc_kill_nomem(uint32_t va, int err); /* the same, for a page that could not be served */
struct proc *proc_find(int pid);
uint32_t proc_output(struct proc *p, const char *s, uint32_t n); /* may sleep; bytes written */
uint32_t proc_kstack_peak(void); /* most kernel stack any user thread has used */
void kstack_overflow_report(uint32_t va); /* a kernel fault at va: name the thread if va is a guard */

#endif
