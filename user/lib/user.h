/* user.h — the user library: system calls, printf, TAP, 4 GiB helpers.
 *
 * System-call wrappers return what the kernel returns: a negative value
 * is -errno (kernel/abi.h), never a C errno.
 */
#ifndef BOUNCE_USER_H
#define BOUNCE_USER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/abi.h"

/* syscall.c */
int syscall(int nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e);
void exit(int status) __attribute__((noreturn));
int write(int fd, const void *buf, uint32_t len);
int getpid(void);
int getppid(void);
int yield(void);
int sleep(uint32_t ticks);
uint32_t ticks(void);
int map(uint32_t va, uint32_t npages, uint32_t flags);
int map_frames(uint32_t va, uint32_t npages, uint32_t src, uint32_t nsrc,
	       uint32_t flags);
int unmap(uint32_t va, uint32_t npages);
int fork(void);
int thread(void (*entry)(void *), void *stack_top, void *arg);
int wait(int pid, int *status);
int window(struct window_info *out);
int window_move(uint32_t va);
uint32_t canary(void);
int trace_mark(const char *label);	/* SYS_mark: a UMARK event in the log */
int copybench(int op, void *buf, uint32_t len);
/* descriptors and messages (docs/capabilities.md, docs/ipc.md) */
int cap_info(int fd, struct cap_info *out);
int cap_alloc(int quota_fd, uint32_t order);
int cap_split(int fd, uint32_t k);
int cap_merge(int fd, int fd2);
int cap_map(int fd, uint32_t va, uint32_t flags);
int cap_unmap(int fd, uint32_t va);
int cap_close(int fd);
int cap_slab(int fd, uint32_t kind);
int ep_create(int right_fd);
int ipc_send(int fd, struct ipc_msg *m, uint32_t flags);
int ipc_recv(int fd, struct ipc_msg *m, uint32_t flags);
int ipc_call(int fd, struct ipc_msg *m);
int ipc_reply(uint32_t id, struct ipc_msg *m);
int klog(const char *line);	/* SYS_log: a line in the kernel's message ring */

/* printf.c (stb_sprintf, no floating point) */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* string functions come from musl's libc.a */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* args.c */
uint32_t arg_decimal(int argc, char **argv, int i, uint32_t dflt);

/* tap.c — Test Anything Protocol on fd 1 */
void plan(int n);
int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void skip_all_if_shared(void);	/* mode=shared: "1..0 # SKIP", exit 0 */
void done(void) __attribute__((noreturn));

/* space.c — the program's own pages and the whole-space walk */
#define NPAGES_4G   (1u << 20)		/* pages in 4 GiB */
#define REGION_PAGES 1024u		/* pages in one page table's 4 MiB */
#define STACK_BOTTOM 0xFFFF0000u	/* 16 stack pages at the very top */

extern char __image_start[], _end[];	/* the program's image (user.ld) */

#define PAGE_OF(va)   ((uint32_t)(va) >> 12)
#define VA_OF(page)   ((uint32_t)(page) << 12)

int own_page(uint32_t page);
uint32_t own_page_count(void);
int window_page(const struct window_info *w, uint32_t page);

/* Calls fn(first, n, arg) for every maximal run of pages inside 4 MiB
 * region r that are neither the program's own nor the window's; nothing
 * for r == busy (a region the caller already uses). */
void free_runs(uint32_t r, uint32_t busy, const struct window_info *w,
	       void (*fn)(uint32_t first, uint32_t n, void *arg), void *arg);

/* fill4g.c — cover the space with 1024 shared frames (tests 1 and 5) */
struct fill4g {
	struct window_info w;	/* the window when the space was filled */
	uint32_t src_region;	/* the 4 MiB whose 1024 frames are shared */
	uint32_t mapped;	/* pages mapped, the source region included */
	int errors;		/* map/map_frames calls that failed */
};
void fill4g_map(struct fill4g *f);
int fill4g_mapped(const struct fill4g *f, uint32_t page);
uint32_t fill4g_tag(uint32_t page);
volatile uint32_t *fill4g_slot(uint32_t page);
void fill4g_write_tags(const struct fill4g *f);
uint32_t fill4g_check_tags(const struct fill4g *f);

/* swapfill.c — distinct tagged pages beyond physical memory (t_swap_*) */
#define SWAP_BASE   0x80000000u	/* clear of the image, stack and window */
#define SWAP_PAGES  (72u * 1024)	/* 288 MiB: more than the 251 MiB of free frames */
uint32_t swap_tag(uint32_t page, uint32_t salt);
int swap_fill(uint32_t base, uint32_t npages, uint32_t salt);	/* map + tag; 0 or -errno */
void swap_write_tags(uint32_t base, uint32_t npages, uint32_t salt);
uint32_t swap_check(uint32_t base, uint32_t npages, uint32_t salt);	/* pages without their tags */
uint32_t swap_user_space(void);	/* pages a user may fill: from the lowest region that is not the kernel's */

#endif
