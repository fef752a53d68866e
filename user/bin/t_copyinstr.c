/* t_copyinstr — strings the kernel reads from user memory (SYS_mark).
 *
 * The kernel reads a string up to its NUL and no further: a string ending
 * just below the window is fine however close it gets, one that runs
 * into the window, or past 0xFFFFFFFF on into page 0, is -EFAULT
 * (docs/syscalls.md).
 */
#include "user.h"

#define LAST_BYTE 0xFFFFFFFFu	/* on the stack's top page (argv's strings) */
#define MARK_LONGEST 95		/* SYS_mark's limit, less the NUL */
#define WINDOW_AT 0x50002000u	/* inside a 4 MiB region, not at its start */

static struct window_info win;
static char *volatile page0;	/* address 0, hidden from the compiler's null checks */

/* A string of len characters whose NUL is the byte at end. */
static const char *string_ending_at(uint32_t end, uint32_t len)
{
	char *s = (char *)(end - len);
	memset(s, 's', len);
	s[len] = 0;
	return s;
}

static void check_window_edge(void)
{
	uint32_t below = win.va - PAGE_SIZE;
	ok(map(below, 1, MAP_WRITE) == 0, "the page below the window (%#x) mapped", below);
	ok(trace_mark(string_ending_at(win.va - 1, 5)) == 0,
	   "a 5-character string whose NUL is the last byte below the window: accepted");
	ok(trace_mark(string_ending_at(win.va - 1, MARK_LONGEST)) == 0,
	   "the longest string, NUL the last byte below the window: accepted");
	ok(trace_mark(string_ending_at(win.va - 50, 3)) == 0,
	   "a 3-character string 50 bytes below the window: accepted");
	memset((char *)win.va - 4, 'x', 4);
	ok(trace_mark((char *)win.va - 4) == -EFAULT, "a string running into the window: EFAULT");
	unmap(below, 1);
}

static void check_top_of_space(void)
{
	ok(map(0, 1, MAP_WRITE) == 0, "page 0 mapped, holding \"0\"");
	page0[0] = '0';
	page0[1] = 0;
	ok(trace_mark(string_ending_at(LAST_BYTE, 7)) == 0,
	   "a string whose NUL is the last byte of the space: accepted");
	memset((char *)(LAST_BYTE - 15), 'z', 16);
	ok(trace_mark((const char *)(LAST_BYTE - 15)) == -EFAULT,
	   "a string running past 0xFFFFFFFF into page 0: EFAULT");
	unmap(0, 1);
}

int main(void)
{
	skip_all_if_shared();	/* no window; page 0 is the kernel's there */
	plan(9);
	ok(window_move(WINDOW_AT) == 0 && window(&win) == 0 && win.va == WINDOW_AT,
	   "the window moved to %#x, inside a 4 MiB region", WINDOW_AT);
	check_window_edge();
	check_top_of_space();
	done();
}
