/* t_window_pair — two address spaces, two window addresses, interleaved.
 *
 * After fork the parent moves its window to WIN_PARENT and the child to
 * WIN_CHILD; each then maps its own data at the other's window address.
 * Both run many rounds, yielding or sleeping between checks so the
 * scheduler keeps switching windows under them: each must find its own
 * window where it put it and its own data at the other's window address.
 */
#include "user.h"

#define WIN_PARENT 0x00100000u	/* where the kernel image sits 1:1 in its own space */
#define WIN_CHILD  0xBFFFF000u
#define ROUNDS 200
#define WORDS (PAGE_SIZE / 4)

static uint32_t pattern(int pid, uint32_t word)
{
	return ((uint32_t)pid << 24) ^ (word * 2654435761u);
}

static int place(uint32_t my_window, uint32_t data_va)
{
	volatile uint32_t *data = (volatile uint32_t *)data_va;
	uint32_t i;

	if (window_move(my_window) != 0 || map(data_va, 1, MAP_WRITE) != 0)
		return 0;
	for (i = 0; i < WORDS; i++)
		data[i] = pattern(getpid(), i);
	return 1;
}

/* Returns how many rounds found something wrong. */
static int interleave(uint32_t my_window, uint32_t data_va)
{
	volatile uint32_t *data = (volatile uint32_t *)data_va;
	struct window_info w;
	int round, bad = 0, pid = getpid();
	uint32_t i;

	for (round = 0; round < ROUNDS; round++) {
		if (round % 2)
			yield();
		else
			sleep(1);
		window(&w);
		for (i = 0; i < WORDS && data[i] == pattern(pid, i); i++)
			;
		bad += w.va != my_window || i != WORDS;
	}
	return bad;
}

static void __attribute__((noreturn)) child(void)
{
	int bad;

	if (!place(WIN_CHILD, WIN_PARENT)) {
		diag("child: cannot place its window or data");
		exit(2);
	}
	bad = interleave(WIN_CHILD, WIN_PARENT);
	if (bad)
		diag("child: %d of %d rounds found something wrong", bad, ROUNDS);
	exit(bad ? 1 : 0);
}

int main(void)
{
	struct window_info w;
	int pid, status = -1;

	skip_all_if_shared();
	plan(7);
	pid = fork();
	if (pid == 0)
		child();
	ok(pid > 0, "forked child %d", pid);
	ok(place(WIN_PARENT, WIN_CHILD),
	   "parent's window at %#x, its data at %#x", WIN_PARENT, WIN_CHILD);
	ok(interleave(WIN_PARENT, WIN_CHILD) == 0,
	   "%d interleaved rounds: own window in place, own data intact", ROUNDS);
	ok(wait(pid, &status) == pid, "reaped the child");
	ok(status == 0, "child with its window at %#x passed the same checks (status %#x)",
	   WIN_CHILD, status);
	window(&w);
	ok(w.va == WIN_PARENT, "parent's window still at %#x", w.va);
	ok(window_move(WIN_CHILD) == -EBUSY,
	   "the parent cannot move its window onto its own data page (EBUSY)");
	done();
}
