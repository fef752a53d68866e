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
#define SYS_mark        16  /* (const char *label)        -> 0   a UMARK event in the instrumentation log */
#define SYS_copybench   17  /* (op, buf, len)             -> 0   copy through a kernel buffer (benchmarks) */
#define SYS_log         18  /* (const char *line)         -> bytes kept: a line in the kernel's message ring */
/* Descriptors and messages (docs/capabilities.md, docs/ipc.md). */
#define SYS_cap_info    19  /* (fd, struct cap_info *)    -> 0                    */
#define SYS_cap_alloc   20  /* (quota fd, order)          -> fd of a 2^order-page block */
#define SYS_cap_split   21  /* (fd, k)                    -> fd of the other part */
#define SYS_cap_merge   22  /* (fd, fd2)                  -> 0   fd2 goes into fd */
#define SYS_cap_map     23  /* (fd, va, flags)            -> 0   MAP_WRITE or 0   */
#define SYS_cap_unmap   24  /* (fd, va)                   -> 0                    */
#define SYS_cap_close   25  /* (fd)                       -> 0                    */
#define SYS_cap_slab    26  /* (fd, kind)                 -> 0   a one-page block becomes an allocation right */
#define SYS_ep_create   27  /* (right fd)                 -> fd of a new endpoint */
#define SYS_ipc_send    28  /* (fd, struct ipc_msg *, flags) -> 0                 */
#define SYS_ipc_recv    29  /* (fd, struct ipc_msg *, flags) -> 0                 */
#define SYS_ipc_call    30  /* (fd, struct ipc_msg *)     -> 0   the reply replaces the message */
#define SYS_ipc_reply   31  /* (call id, struct ipc_msg *) -> 0                   */
#define NSYSCALL        32

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
#define EIO      5  /* the disk failed or did not answer in time */
#define EBADF    9
#define ECHILD  10
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define ENOSYS  38
#define EACCES  13  /* the descriptor lacks the right          */
#define EPERM    1  /* not allowed for this kind of descriptor */
#define ENOSPC  28  /* an allocation right or quota is used up  */
#define EPIPE   32  /* nobody can receive (or reply) any more   */
#define EMFILE  24  /* the descriptor table is full             */
#define EAGAIN  11  /* would block (IPC_NONBLOCK)               */
#define EOVERFLOW 75 /* a merged count would overflow           */

/* SYS_map / SYS_map_frames flags. */
#define MAP_WRITE  0x1  /* writable (else read-only)                              */
#define MAP_LAZY   0x2  /* reserve only: a zeroed page appears on first touch     */
#define MAP_SKIP   0x4  /* leave pages that are already mapped alone (else EEXIST) */
#define MAP_LARGE  0x8  /* 4 MiB pages: va 4 MiB-aligned, npages a multiple of 1024, eager (docs/memory.md) */

/* SYS_map_frames shares frames: each new page gets the frame (and the
 * protection) of the source page; the source pages must be mapped. */

/* Exit status of a process killed by the kernel for a fault: the
 * vector, 0xFF for SYS kill (k.proc.kill), KILL_NOMEM when a page it
 * touched could not be given a frame (none free, nothing left to page
 * out, or no swap slot left; docs/memory.md). */
#define WAIT_KILLED      0x100
#define WAIT_KILLED_BY(s) ((s) & WAIT_KILLED ? ((s) & 0xff) : -1)
#define KILL_NOMEM       0xFE

struct window_info {
	unsigned int va;     /* W, the window's data page (window_move puts it there) */
	unsigned int pages;  /* K, the window's size in pages (0: no window)    */
	unsigned int moves;  /* how often this address space's window moved    */
	unsigned int code;   /* its code page: W + 4 KiB, or W - 4 KiB          */
};

#ifndef PAGE_SIZE /* musl's <limits.h> (the shell) says the same */
#define PAGE_SIZE 4096u
#endif

/* Descriptors (docs/capabilities.md).  A descriptor is a small integer
 * naming {object, rights, count}. */
#define NCAP 32              /* slots in a descriptor table        */
#define CAP_SPAWN_QUOTA 1024 /* pages of memory quota at spawn (fd 0) */
#define CAP_QUOTA_MAX (1u << 20) /* no quota count exceeds 4 GiB of pages */

#define CAPT_MEMORY   1  /* 2^order pages, naturally aligned     */
#define CAPT_QUOTA    2  /* counted: pages one may allocate      */
#define CAPT_SLAB     3  /* counted: endpoints one may create    */
#define CAPT_ENDPOINT 4  /* a message queue                      */

#define CAP_READ  0x1  /* memory: map it                        */
#define CAP_WRITE 0x2  /* memory: map it writable               */
#define CAP_SEND  0x4  /* endpoint: send and call               */
#define CAP_RECV  0x8  /* endpoint: receive (and reply)         */

#define SLAB_ENDPOINT 1 /* SYS_cap_slab kinds */

struct cap_info {
	unsigned int type;    /* CAPT_*                              */
	unsigned int rights;  /* CAP_*                               */
	unsigned int count;   /* counted descriptors; else 0         */
	unsigned int order;   /* memory: log2 of its pages           */
};

/* Messages (docs/ipc.md): fixed size, a few words, a 64-byte payload and
 * up to IPC_MAXCAPS descriptors, copied or moved. */
#define IPC_PAYLOAD 64
#define IPC_MAXCAPS 2
#define IPC_QUEUE 4          /* messages an endpoint holds            */
#define IPC_NONBLOCK 0x1     /* send/recv flags: EAGAIN, don't sleep  */
#define IPC_CALLED 0x1       /* ipc_msg.flags: a call, answer it with ipc_reply(id) */
#define IPC_MOVE 0x1         /* ipc_cap.flags: move, not copy         */

struct ipc_cap {
	int fd;               /* sender: its descriptor; receiver: the new one */
	unsigned int rights;  /* sender: rights to pass (anded with held); receiver: what came */
	unsigned int flags;   /* IPC_MOVE                                      */
};

struct ipc_msg {
	unsigned int id;      /* set by the kernel: the message id              */
	unsigned int sender;  /* set by the kernel: the sender's pid            */
	unsigned int flags;   /* set by the kernel: IPC_CALLED                  */
	unsigned int tag;     /* the sender's                                   */
	unsigned int word[2];
	unsigned char payload[IPC_PAYLOAD];
	unsigned int ncaps;   /* 0 .. IPC_MAXCAPS                               */
	struct ipc_cap cap[IPC_MAXCAPS];
};

#endif
