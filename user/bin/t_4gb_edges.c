/* t_4gb_edges — the first and last pages are ordinary user pages.
 *
 * Pages the kernel's own space gives special meaning (0 the null page,
 * 0x00100000 where the kernel image sits 1:1, a pair straddling a 4 MiB
 * boundary, the top of the lower half) are mapped, written, read and
 * unmapped like any other.  Page 0xFFFFF000 is the top of the initial
 * stack: a deep recursion runs down through the stack's pages, and a
 * child that moves to another stack unmaps and remaps the top page.
 */
#include "user.h"

#define FRAME_BYTES 1024u	/* a recursion frame's local buffer */
#define DEPTH 56		/* 56 KiB of the 64 KiB stack */
#define ALT_STACK 0x20000000u	/* the child's replacement stack */

/* Maps n pages at va, checks they start zeroed, writes and reads a tag
 * in every page's first and last word, and unmaps them. */
static int roundtrip(uint32_t va, uint32_t n)
{
	volatile uint32_t *first, *last;
	uint32_t i, good = 1;

	if (map(va, n, MAP_WRITE) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		first = (volatile uint32_t *)(va + i * PAGE_SIZE);
		last = first + PAGE_SIZE / 4 - 1;
		good &= *first == 0 && *last == 0;
		*first = va + i;
		*last = ~(va + i);
	}
	for (i = 0; i < n; i++) {
		first = (volatile uint32_t *)(va + i * PAGE_SIZE);
		last = first + PAGE_SIZE / 4 - 1;
		good &= *first == va + i && *last == ~(va + i);
	}
	return good && unmap(va, n) == 0;
}

static uint32_t lowest_frame = 0xFFFFFFFF;

/* Each level fills a 1 KiB buffer, recurses, then checks the buffer
 * survived the deeper levels; returns the number of intact levels. */
static int __attribute__((noinline)) descend(int depth)
{
	volatile uint8_t buf[FRAME_BYTES];
	uint32_t i;
	int intact;

	for (i = 0; i < FRAME_BYTES; i++)
		buf[i] = (uint8_t)(depth + i);
	if ((uint32_t)buf < lowest_frame)
		lowest_frame = (uint32_t)buf;
	intact = depth > 1 ? descend(depth - 1) : 0;
	for (i = 0; i < FRAME_BYTES; i++)
		if (buf[i] != (uint8_t)(depth + i))
			return intact;
	return intact + 1;
}

/* Runs on ALT_STACK in a forked child: the top page is no longer a stack
 * page, so it can be unmapped, mapped again and used like any other. */
static void __attribute__((noreturn, used)) top_page_child(void)
{
	int good = unmap(STACK_BOTTOM, 16) == 0 &&
		   roundtrip(0xFFFFF000u, 1) &&
		   roundtrip(0xFFFF0000u, 16);

	exit(good ? 0 : 1);
}

static int top_page_in_child(void)
{
	int pid, status = -1;

	if (map(ALT_STACK, 4, MAP_WRITE) != 0)
		return 0;
	pid = fork();
	if (pid == 0)
		asm volatile("movl %0, %%esp\n\tcall top_page_child"
			     : : "r"(ALT_STACK + 4 * PAGE_SIZE));
	return pid > 0 && wait(pid, &status) == pid && status == 0;
}

static int null_page_faults_after_unmap(void)
{
	int pid, status = 0;

	pid = fork();
	if (pid == 0) {
		(void)*(volatile uint32_t *)0;
		exit(0);
	}
	return pid > 0 && wait(pid, &status) == pid &&
	       status == (WAIT_KILLED | 14);
}

int main(int argc, char **argv)
{
	int local;

	skip_all_if_shared();
	plan(10);
	ok(argc >= 1 && (uint32_t)argv >= STACK_BOTTOM &&
	   (uint32_t)argv[0] >= STACK_BOTTOM && strlen(argv[0]) > 0,
	   "argv on the top stack page: argc=%d argv[0]=\"%s\"", argc,
	   argc >= 1 ? argv[0] : "");
	ok((uint32_t)&local >= STACK_BOTTOM, "running on the top stack (%#x)",
	   (uint32_t)&local);
	ok(roundtrip(0x00000000u, 1), "page 0x00000000 maps, holds data, unmaps");
	ok(null_page_faults_after_unmap(),
	   "reading page 0 after unmap kills the reader (#PF)");
	ok(roundtrip(0x00100000u, 1), "page 0x00100000 (the kernel's 1:1 image) is the user's");
	ok(roundtrip(0x003FF000u, 2), "pages straddling 0x00400000 map as one range");
	ok(roundtrip(0x7FFFF000u, 2), "pages 0x7FFFF000-0x80000fff map as one range");
	ok(descend(DEPTH) == DEPTH, "%d levels of 1 KiB recursion kept their frames", DEPTH);
	ok(lowest_frame < STACK_BOTTOM + 4 * PAGE_SIZE,
	   "the recursion reached %#x, in the stack's lowest 16 KiB", lowest_frame);
	ok(top_page_in_child(),
	   "on another stack, page 0xFFFFF000 and the stack pages unmap, map, hold data");
	done();
}
