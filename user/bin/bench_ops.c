/* bench_ops — the kernel operations whose cost make bench measures (docs/performance.md).
 *
 * Each op runs n times between two MARK events,
 *     bench:<op>:N=<n>:begin   ...   bench:<op>:end
 * and analysis/bench.py divides what the instrumentation log saw between
 * them (instructions, CR3 loads, interrupts) by n.  Nothing is timed here:
 * the program only does the work and says where it starts and ends
 * (on COM1 too, where the host can time it).
 *
 * `bench_ops` runs the full set; `bench_ops D` divides every n by D (a
 * quick run for tests).  The op `empty` (n = 1, nothing between the
 * marks) measures what the two marks themselves cost, so the analysis
 * can take it off every other op.
 */
#include "user.h"

#define LAZY_VA   0x80000000u	/* the demand-paged region        */
#define WIN_A     0x70000000u	/* two free pages the window      */
#define WIN_B     0x70400000u	/* moves between                  */
#define HOG_VA    0x90000000u	/* memory filled for the pager's ops */
#define HOG_PAGES (70u * 1024)	/* more than the free frames       */
#define OUT_VA    0xC0000000u	/* first touches with memory full  */
#define SPIN_ITERS_PER_TICK 200000u	/* 3 instructions each: ~1.2 ticks at ips=50M, 100 Hz */

static uint32_t scale = 1;
static char buf[COPYBENCH_MAX] __attribute__((aligned(4096)));

/* A MARK in the log, and the same line on COM1 (written by polling, so
 * it raises no interrupt later) for the host to time the phase. */
static void mark(const char *label)
{
	printf("%s\n", label);
	syscall(SYS_mark, (uint32_t)label, 0, 0, 0, 0);
}

/* n for a full run, divided by the quick-run scale (at least 1). */
static uint32_t scaled(uint32_t n)
{
	return n / scale ? n / scale : 1;
}

static uint32_t begin(const char *op, uint32_t n)
{
	char label[64];
	snprintf(label, sizeof label, "bench:%s:N=%u:begin", op, n);
	mark(label);
	return n;
}

static void end(const char *op)
{
	char label[64];
	snprintf(label, sizeof label, "bench:%s:end", op);
	mark(label);
}

static void bench_empty(void)
{
	begin("empty", 1);
	end("empty");
}

static void bench_getpid(void)
{
	uint32_t n = begin("getpid", scaled(20000));
	for (uint32_t i = 0; i < n; i++)
		getpid();
	end("getpid");
}

/* Spin in user mode through a loop of exactly 3 instructions; the end
 * label says how many user instructions the loop retired, so the
 * analysis can split kernel from user work.  n is the number of loop
 * chunks; the log counts the timer interrupts actually taken. */
static void bench_timer(void)
{
	uint32_t n = begin("timer", scaled(100));
	uint32_t iters = n * SPIN_ITERS_PER_TICK, i = 0;
	asm volatile("1: add $1, %0\n\t"
		     "cmp %1, %0\n\t"
		     "jb 1b"
		     : "+r"(i) : "r"(iters) : "cc");
	char label[64];
	snprintf(label, sizeof label, "bench:timer:user=%u:end", 3 * iters);
	mark(label);
}

static void bench_pagefault(void)
{
	uint32_t n = begin("pagefault", scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		*(volatile uint32_t *)(LAZY_VA + i * PAGE_SIZE) = i;
	end("pagefault");
}

static void bench_copy(const char *op, int how)
{
	uint32_t n = begin(op, scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		syscall(SYS_copybench, how, (uint32_t)buf, sizeof buf, 0, 0);
	end(op);
}

static void bench_fork(void)
{
	uint32_t n = begin("fork", scaled(200));
	for (uint32_t i = 0; i < n; i++) {
		int pid = fork();
		if (pid == 0)
			exit(0);
		wait(pid, 0);
	}
	end("fork");
}

/* Parent and child yield to each other: n counts the yields of both,
 * each one a switch to the other process. */
static void bench_switch(void)
{
	uint32_t rounds = scaled(5000);
	int pid = fork();
	if (pid == 0) {
		for (uint32_t i = 0; i < rounds; i++)
			yield();
		exit(0);
	}
	begin("switch", 2 * rounds);
	for (uint32_t i = 0; i < rounds; i++)
		yield();
	end("switch");
	wait(pid, 0);
}

/* A failed first move means this kernel has no window (shared mode):
 * say so in the log instead of timing an error path. */
static void bench_window(void)
{
	if (window_move(WIN_A) < 0) {
		mark("bench:window:unavailable");
		return;
	}
	uint32_t n = begin("window", scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		window_move(i & 1 ? WIN_A : WIN_B);
	end("window");
}

/* With memory full (one map of more pages than there are free frames:
 * the pager wrote its first pages out), a first touch of a lazy page
 * costs a fill and a page-out, and a touch of a page written out costs a
 * page-in and a page-out (docs/memory.md, "Swap").  Unavailable without
 * a swap disk. */
static void bench_paging(void)
{
	if (map(HOG_VA, HOG_PAGES, MAP_WRITE) < 0 || map(OUT_VA, 2000, MAP_WRITE | MAP_LAZY) < 0) {
		mark("bench:pageout:unavailable");
		mark("bench:pagein:unavailable");
		unmap(HOG_VA, HOG_PAGES);
		return;
	}
	uint32_t n = begin("pageout", scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		*(volatile uint32_t *)(OUT_VA + i * PAGE_SIZE) = i;
	end("pageout");
	n = begin("pagein", scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		(void)*(volatile uint32_t *)(HOG_VA + i * PAGE_SIZE);
	end("pagein");
	unmap(HOG_VA, HOG_PAGES);
	unmap(OUT_VA, 2000);
}

/* ---- descriptors and messages (docs/ipc.md) ---- */

#define TAG_STOP 0xDEAD

static int bench_endpoint(void)
{
	int right = cap_alloc(0, 0);
	cap_slab(right, SLAB_ENDPOINT);
	return ep_create(right);
}

/* The server for ipc and ipc64: answers every call with the message it
 * got, word[0] + 1, until TAG_STOP. */
static void serve(int ep)
{
	struct ipc_msg m;
	while (ipc_recv(ep, &m, 0) == 0) {
		uint32_t id = m.id, stop = m.tag == TAG_STOP;
		m.word[0]++;
		ipc_reply(id, &m);
		if (stop)
			exit(0);
	}
	exit(1);
}

/* A call/reply round trip: one word, or the full 64-byte payload too
 * (written by the client and read back by it, each round). */
static void bench_ipc(const char *op, int ep, int full)
{
	int pid = fork();
	if (pid == 0)
		serve(ep);
	struct ipc_msg m = { .word = { 0 } };
	uint32_t n = begin(op, scaled(2000)), sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (full)
			memset(m.payload, (int)i, IPC_PAYLOAD);
		ipc_call(ep, &m);
		if (full)
			sum += m.payload[i % IPC_PAYLOAD];
	}
	end(op);
	m.tag = TAG_STOP;
	ipc_call(ep, &m);
	wait(pid, 0);
	(void)sum;
}

/* A send to a receiver asleep in ipc_recv: queued, then delivered when
 * it runs (the yield lets it); n counts messages. */
static void bench_ipcq(int ep)
{
	uint32_t rounds = scaled(2000);
	int pid = fork();
	if (pid == 0) {
		struct ipc_msg m;
		for (uint32_t i = 0; i < rounds; i++)
			ipc_recv(ep, &m, 0);
		exit(0);
	}
	struct ipc_msg m = { .word = { 1 } };
	yield(); /* the child is asleep in ipc_recv from here on */
	uint32_t n = begin("ipcq", rounds);
	for (uint32_t i = 0; i < n; i++) {
		ipc_send(ep, &m, 0);
		yield();
	}
	end("ipcq");
	wait(pid, 0);
}

/* Split a two-page block into halves and merge them back. */
static void bench_cap(void)
{
	int blk = cap_alloc(0, 1);
	uint32_t n = begin("cap", scaled(2000));
	for (uint32_t i = 0; i < n; i++)
		cap_merge(blk, cap_split(blk, 0));
	end("cap");
	cap_close(blk);
}

int main(int argc, char **argv)
{
	scale = arg_decimal(argc, argv, 1, 1) ?: 1;
	memset(buf, 0x5a, sizeof buf);
	map(LAZY_VA, 2000, MAP_WRITE | MAP_LAZY);
	bench_empty();
	bench_getpid();
	bench_timer();
	bench_pagefault();
	bench_copy("copyin", COPYBENCH_IN);
	bench_copy("copyout", COPYBENCH_OUT);
	bench_copy("memcpy", COPYBENCH_MEMCPY);
	bench_fork();
	bench_switch();
	bench_window();
	int ep = bench_endpoint();
	bench_ipc("ipc", ep, 0);
	bench_ipc("ipc64", ep, 1);
	bench_ipcq(ep);
	bench_cap();
	bench_paging();
	mark("bench:done");
	printf("bench_ops: done (scale 1/%u)\n", scale);
	return 0;
}
