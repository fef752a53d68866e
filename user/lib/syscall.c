/* syscall.c — one stub per system call in kernel/abi.h.
 *
 * int $0x80 with the number in %eax and arguments in %ebx, %ecx, %edx,
 * %esi, %edi; the kernel preserves every other register.
 */
#include "user.h"

int syscall(int nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
	int ret;

	asm volatile("int %[vec]"
		     : "=a"(ret)
		     : [vec] "i"(SYSCALL_VECTOR), "a"(nr), "b"(a), "c"(b),
		       "d"(c), "S"(d), "D"(e)
		     : "memory", "cc");
	return ret;
}

#define U(x) ((uint32_t)(x))

void exit(int status)
{
	for (;;)
		syscall(SYS_exit, U(status), 0, 0, 0, 0);
}

int write(int fd, const void *buf, uint32_t len)
{
	return syscall(SYS_write, U(fd), U(buf), len, 0, 0);
}

int getpid(void)  { return syscall(SYS_getpid, 0, 0, 0, 0, 0); }
int getppid(void) { return syscall(SYS_getppid, 0, 0, 0, 0, 0); }
int yield(void)   { return syscall(SYS_yield, 0, 0, 0, 0, 0); }
int fork(void)    { return syscall(SYS_fork, 0, 0, 0, 0, 0); }

int sleep(uint32_t n)  { return syscall(SYS_sleep, n, 0, 0, 0, 0); }
uint32_t ticks(void)   { return U(syscall(SYS_ticks, 0, 0, 0, 0, 0)); }
uint32_t canary(void)  { return U(syscall(SYS_canary, 0, 0, 0, 0, 0)); }

int map(uint32_t va, uint32_t npages, uint32_t flags)
{
	return syscall(SYS_map, va, npages, flags, 0, 0);
}

/* flags (MAP_SKIP only) travels in %edi, after the four documented ones */
int map_frames(uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc,
	       uint32_t flags)
{
	return syscall(SYS_map_frames, va, npages, src, nsrc, flags);
}

int unmap(uint32_t va, uint32_t npages)
{
	return syscall(SYS_unmap, va, npages, 0, 0, 0);
}

int thread(void (*entry)(void *), void *stack_top, void *arg)
{
	return syscall(SYS_thread, U(entry), U(stack_top), U(arg), 0, 0);
}

int wait(int pid, int *status)
{
	return syscall(SYS_wait, U(pid), U(status), 0, 0, 0);
}

int window(struct window_info *out)
{
	return syscall(SYS_window, U(out), 0, 0, 0, 0);
}

int window_move(uint32_t va)
{
	return syscall(SYS_window_move, va, 0, 0, 0, 0);
}

/* SYS_mark; not called mark() so programs keep that name for themselves */
int trace_mark(const char *label)
{
	return syscall(SYS_mark, U(label), 0, 0, 0, 0);
}

int copybench(int op, void *buf, uint32_t len)
{
	return syscall(SYS_copybench, U(op), U(buf), len, 0, 0);
}

/* SYS_log; not called log() so it does not clash with the math builtin */
int klog(const char *line)
{
	return syscall(SYS_log, U(line), 0, 0, 0, 0);
}
