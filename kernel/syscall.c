/* syscall.c — system calls: decode the trap frame, check, call, return.
 * Every pointer goes through copyin/copyout; a bad one is -EFAULT. */
#include "syscall.h"
#include "abi.h"
#include "canary.h"
#include "cap.h"
#include "capmem.h"
#include "copy.h"
#include "debugport.h"
#include "ipc.h"
#include "klib.h"
#include "log.h"
#include "mmu.h"
#include "proc.h"
#include "slab.h"
#include "stats.h"
#include "trap.h"
#include "vm.h"
#include "window.h"

#define WRITE_CHUNK 256
_Static_assert(PGSIZE % WRITE_CHUNK == 0, "a write chunk never straddles two pages");
#define MARK_MAX 96

static int sys_exit(struct trapframe *tf)
{
	proc_exit(tf->ebx & 0xFF);
}

/* Bytes go out in order until one cannot be read (unmapped, the window,
 * past 0xFFFFFFFF) or the process is killed while it waits for the
 * console: the count written, or -EFAULT if not even the first byte could
 * be read (docs/syscalls.md).  Chunks are WRITE_CHUNK-aligned, so a chunk
 * lies in one page and fails only if all of it is unreadable. */
static int sys_write(struct trapframe *tf)
{
	uint32_t buf = tf->ecx, len = tf->edx > INT32_MAX ? INT32_MAX : tf->edx, done = 0;
	char chunk[WRITE_CHUNK];
	if (tf->ebx != 1 && tf->ebx != 2)
		return -EBADF;
	while (done < len && !curproc->killed) {
		uint32_t at = buf + done, n = WRITE_CHUNK - at % WRITE_CHUNK;
		if (n > len - done)
			n = len - done;
		if (at < buf || copyin(curproc->as, chunk, at, n) < 0) /* at < buf: wrapped */
			return done ? (int)done : -EFAULT;
		uint32_t put = proc_output(curproc, chunk, n);
		done += put;
		if (put < n)
			break;
	}
	return done;
}

static int sys_getpid(struct trapframe *tf) { (void)tf; return curproc->pid; }
static int sys_getppid(struct trapframe *tf) { (void)tf; return curproc->parent ? curproc->parent->pid : 0; }
static int sys_yield(struct trapframe *tf) { (void)tf; yield(); return 0; }
static int sys_ticks(struct trapframe *tf) { (void)tf; return kstats.ticks; }
static int sys_canary(struct trapframe *tf) { (void)tf; return kernel_canary; }

static int sys_sleep(struct trapframe *tf)
{
	uint32_t until = kstats.ticks + tf->ebx;
	uint32_t f = irq_save();
	while ((int32_t)(until - kstats.ticks) > 0 && !curproc->killed)
		sleep_on(&kstats.ticks);
	irq_restore(f);
	return 0;
}

static int sys_map(struct trapframe *tf) { return as_map(curproc->as, tf->ebx, tf->ecx, tf->edx); }
static int sys_unmap(struct trapframe *tf) { return as_unmap(curproc->as, tf->ebx, tf->ecx); }
static int sys_fork(struct trapframe *tf) { (void)tf; return proc_fork(); }
static int sys_thread(struct trapframe *tf) { return proc_thread(tf->ebx, tf->ecx, tf->edx); }

static int sys_map_frames(struct trapframe *tf)
{
	return as_map_frames(curproc->as, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi);
}

/* The status is stored before the child is reaped: if it cannot be (the
 * page went away while we slept, say), -EFAULT and the child stays a
 * zombie for the next wait.  Only this thread reaps its children, so
 * nothing takes it in between. */
static int sys_wait(struct trapframe *tf)
{
	int err;
	uint32_t where = tf->ecx;
	struct proc *z = proc_zombie_child((int)tf->ebx, &err);
	if (!z)
		return err;
	if (where && copyout(curproc->as, where, &z->xstatus, sizeof z->xstatus) < 0)
		return -EFAULT;
	return proc_reap(z);
}

static int sys_mark(struct trapframe *tf)
{
	char label[MARK_MAX];
	int n = copyinstr(curproc->as, label, tf->ebx, sizeof label);
	if (n < 0)
		return n;
	mark_user(curproc->pid, label);
	return 0;
}

/* Up to LOG_MAX bytes of the string; a longer one is cut (copyinstr
 * leaves the first LOG_MAX + 1 bytes in line), an unreadable one -EFAULT. */
static int sys_log(struct trapframe *tf)
{
	char line[LOG_MAX + 1];
	int n = copyinstr(curproc->as, line, tf->ebx, sizeof line), cut = n == -EINVAL;
	if (cut)
		n = LOG_MAX;
	else if (n < 0)
		return n;
	dmesg_user(curproc->pid, line, n, cut);
	return n;
}

/* The same 4 KiB moved three ways, so a benchmark can compare copyin and
 * copyout with a plain kernel memcpy of the same length. */
static int sys_copybench(struct trapframe *tf)
{
	static char scratch[COPYBENCH_MAX], scratch2[COPYBENCH_MAX];
	uint32_t op = tf->ebx, buf = tf->ecx, len = tf->edx;
	if (len > COPYBENCH_MAX)
		return -EINVAL;
	switch (op) {
	case COPYBENCH_IN:
		return copyin(curproc->as, scratch, buf, len);
	case COPYBENCH_OUT:
		return copyout(curproc->as, buf, scratch, len);
	case COPYBENCH_MEMCPY:
		memcpy(scratch2, scratch, len);
		return 0;
	}
	return -EINVAL;
}

static int sys_window(struct trapframe *tf)
{
	struct window *w = &curproc->as->win;
	struct window_info wi = { w->va, w->pa ? WINDOW_PAGES : 0, w->moves, w->cva }; /* no window: shared layout */
	return copyout(curproc->as, tf->ebx, &wi, sizeof wi);
}

static int sys_window_move(struct trapframe *tf)
{
	return window_move(curproc->as, tf->ebx);
}

/* Descriptors and messages: cap.c, capmem.c, slab.c, ipc.c. */
static int sys_cap_info(struct trapframe *tf) { return cap_sys_info(tf->ebx, tf->ecx); }
static int sys_cap_alloc(struct trapframe *tf) { return capmem_sys_alloc(tf->ebx, tf->ecx); }
static int sys_cap_split(struct trapframe *tf) { return cap_sys_split(tf->ebx, tf->ecx); }
static int sys_cap_merge(struct trapframe *tf) { return cap_sys_merge(tf->ebx, tf->ecx); }
static int sys_cap_map(struct trapframe *tf) { return capmem_sys_map(tf->ebx, tf->ecx, tf->edx); }
static int sys_cap_unmap(struct trapframe *tf) { return capmem_sys_unmap(tf->ebx, tf->ecx); }
static int sys_cap_close(struct trapframe *tf) { return cap_sys_close(tf->ebx); }
static int sys_cap_slab(struct trapframe *tf) { return slab_sys_convert(tf->ebx, tf->ecx); }
static int sys_ep_create(struct trapframe *tf) { return ipc_sys_create(tf->ebx); }
static int sys_ipc_send(struct trapframe *tf) { return ipc_sys_send(tf->ebx, tf->ecx, tf->edx); }
static int sys_ipc_recv(struct trapframe *tf) { return ipc_sys_recv(tf->ebx, tf->ecx, tf->edx); }
static int sys_ipc_call(struct trapframe *tf) { return ipc_sys_call(tf->ebx, tf->ecx); }
static int sys_ipc_reply(struct trapframe *tf) { return ipc_sys_reply(tf->ebx, tf->ecx); }

static int (*const calls[NSYSCALL])(struct trapframe *) = {
	[SYS_exit] = sys_exit,       [SYS_write] = sys_write,         [SYS_getpid] = sys_getpid,
	[SYS_yield] = sys_yield,     [SYS_sleep] = sys_sleep,         [SYS_ticks] = sys_ticks,
	[SYS_map] = sys_map,         [SYS_map_frames] = sys_map_frames, [SYS_unmap] = sys_unmap,
	[SYS_fork] = sys_fork,       [SYS_thread] = sys_thread,       [SYS_wait] = sys_wait,
	[SYS_window] = sys_window,   [SYS_window_move] = sys_window_move, [SYS_canary] = sys_canary,
	[SYS_getppid] = sys_getppid, [SYS_mark] = sys_mark,     [SYS_copybench] = sys_copybench,
	[SYS_log] = sys_log,
	[SYS_cap_info] = sys_cap_info,   [SYS_cap_alloc] = sys_cap_alloc, [SYS_cap_split] = sys_cap_split,
	[SYS_cap_merge] = sys_cap_merge, [SYS_cap_map] = sys_cap_map,     [SYS_cap_unmap] = sys_cap_unmap,
	[SYS_cap_close] = sys_cap_close, [SYS_cap_slab] = sys_cap_slab,   [SYS_ep_create] = sys_ep_create,
	[SYS_ipc_send] = sys_ipc_send,   [SYS_ipc_recv] = sys_ipc_recv,   [SYS_ipc_call] = sys_ipc_call,
	[SYS_ipc_reply] = sys_ipc_reply,
};

void syscall(struct trapframe *tf)
{
	uint32_t nr = tf->eax;
	tf->eax = nr < NSYSCALL && calls[nr] ? calls[nr](tf) : -ENOSYS;
}
