/* t_window_spots — put the window on the addresses that are hardest for the
 * kernel: where its own image, page directory and copy slot sit in its own
 * space, across 4 MiB boundaries, and at both ends of the address space.
 *
 * After each move: the window reports the new place, system calls (which
 * copy through the kernel's slot) and timer interrupts taken in user mode
 * still work, and the page just below the window holds the user's data.
 * Extra addresses (hex) may be given as arguments: the system test passes
 * the kernel's page directory and copy slot, which only the shell can see.
 */
#include "user.h"

static const uint32_t spots[] = {
	0x00000000, /* page 0 */
	0x00100000, /* the kernel image, 1:1 in the kernel's space */
	0x003FF000, /* the last page of the first 4 MiB */
	0x00400000, /* the first page of the second */
	0x7FFFF000,
	0xF0000000, /* where every window starts */
	0xFFFFE000, /* inside the stack's 4 MiB, below the top page */
	0xFFFFF000, /* the very last page */
};

#define SCRATCH 0x50000000u /* a data page far from every spot */

static uint32_t parse_hex(const char *s)
{
	uint32_t v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++)
		v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

/* Spin in user mode until the next tick: the timer must interrupt us here. */
static int tick_in_user_mode(void)
{
	uint32_t t0 = ticks();
	for (uint32_t spins = 0; spins < 200000000u; spins++)
		if (ticks() != t0)
			return 1;
	return 0;
}

static void visit(uint32_t va)
{
	struct window_info w = { 0 };
	char msg[40];
	int len = snprintf(msg, sizeof msg, "# window at %#010x\n", va);

	/* The stack occupies 0xFFFF0000 up: those spots are taken. */
	if (va >= STACK_BOTTOM) {
		ok(window_move(va) == -EBUSY, "window_move(%#x) onto the stack: EBUSY", va);
		return;
	}
	int moved = window_move(va) == 0 && window(&w) == 0 && w.va == va;
	ok(moved, "window moved to %#x (reports %#x)", va, w.va);
	ok(write(1, msg, len) == len && getpid() > 0, "system calls work with the window at %#x", va);
	ok(tick_in_user_mode(), "a timer interrupt reached user mode with the window at %#x", va);
	*(volatile uint32_t *)SCRATCH = va;
	ok(*(volatile uint32_t *)SCRATCH == va, "user data intact with the window at %#x", va);
}

int main(int argc, char **argv)
{
	int n = sizeof spots / sizeof spots[0];

	skip_all_if_shared();
	plan(1 + 4 * (n - 2) + 2 + 4 * (argc - 1) + 1);
	ok(map(SCRATCH, 1, MAP_WRITE) == 0, "scratch page at %#x", SCRATCH);
	for (int i = 0; i < n; i++)
		visit(spots[i]);
	for (int i = 1; i < argc; i++)
		visit(parse_hex(argv[i]) & ~0xFFFu);
	ok(window_move(0xF0000000) == 0, "window back at 0xF0000000");
	done();
}
