/* abi.h — the contract between user programs and the kernel.
 *
 * Included by the kernel and by user/ (the user library), so it holds
 * nothing but numbers and plain structs.  docs/syscalls.md explains each
 * call.  System calls: `int $0x80`, number in %eax, arguments in %ebx,
 * %ecx, %edx, %esi, %edi; the result comes back in %eax, a negative
 * value being -errno.
 */
#ifndef BOUNCE_ABI_H
#define BOUNCE_ABI_H

#define SYSCALL_VECTOR 0x80

#define SYS_exit         0  /* (status)                   -> does not return      */
#define SYS_write        1  /* (fd, buf, len)             -> len                  */
#define SYS_getpid       2  /* ()                         -> pid                  */
#define SYS_yield        3  /* ()                         -> 0                    */
#define SYS_sleep        4  /* (ticks)                    -> 0                    */
#define SYS_ticks        5  /* ()                         -> timer ticks since boot */
#define SYS_map          6  /* (va, npages, flags)        -> 0                    */
#define SYS_map_frames   7  /* (va, npages, src, nsrc, flags) -> 0 page va+i -> frame of page src+(i%nsrc) */
#define SYS_unmap        8  /* (va, npages)               -> 0                    */
#define SYS_fork         9  /* ()                         -> child pid / 0 in child */
#define SYS_thread      10  /* (entry, stack_top, arg)    -> tid                  */
#define SYS_wait        11  /* (pid or -1, int *status)   -> pid                  */
#define SYS_window      12  /* (struct window_info *out)  -> 0                    */
#define SYS_window_move 13  /* (va)                       -> 0                    */
#define SYS_canary      14  /* ()                         -> the kernel's canary word */
#define SYS_getppid     15  /* ()                         -> parent pid           */
#define SYS_mark        16  /* (const char *label)        -> 0   a MARK event in the instrumentation log */
#define SYS_copybench   17  /* (op, buf, len)             -> 0   copy through a kernel buffer (benchmarks) */
#define SYS_log         18  /* (const char *line)         -> bytes kept: a line in the kernel's message ring */
#define NSYSCALL        19

/* SYS_copybench ops: the kernel's 4 KiB scratch buffer and the user's. */
#define COPYBENCH_IN     0  /* copyin(buf -> scratch)                  */
#define COPYBENCH_OUT    1  /* copyout(scratch -> buf)                 */
#define COPYBENCH_MEMCPY 2  /* memcpy(scratch -> scratch2): the floor  */
#define COPYBENCH_MAX 4096

/* SYS_log keeps at most LOG_MAX bytes of a line; the rest is cut. */
#define LOG_MAX 160

/* Errors (Linux's numbers, so strerror tables elsewhere agree). */
#define ESRCH    3
#define EINTR    4  /* the caller was killed while it slept */
#define EBADF    9
#define ECHILD  10
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define ENOSYS  38

/* SYS_map / SYS_map_frames flags. */
#define MAP_WRITE  0x1  /* writable (else read-only)                              */
#define MAP_LAZY   0x2  /* reserve only: a zeroed page appears on first touch     */
#define MAP_SKIP   0x4  /* leave pages that are already mapped alone (else EEXIST) */

/* SYS_map_frames shares frames: each new page gets the frame (and the
 * protection) of the source page; the source pages must be mapped. */

/* Exit status of a process killed by the kernel for a fault. */
#define WAIT_KILLED      0x100
#define WAIT_KILLED_BY(s) ((s) & WAIT_KILLED ? ((s) & 0xff) : -1)

struct window_info {
	unsigned int va;     /* first byte of the window in this address space */
	unsigned int pages;  /* K, the window's size in pages                  */
	unsigned int moves;  /* how often this address space's window moved    */
};

#define PAGE_SIZE 4096u

#endif
