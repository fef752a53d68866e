/* t_window_chase — touch the window 1000 times and watch it run.
 *
 * Every free page is reserved lazily, so wherever the window sits, the
 * page underneath is the user's.  Each round asks the kernel to put the
 * window at a pseudo-random page (window_move; it may refuse with EBUSY
 * and leave it where it is), asks where it is, and writes a tag there:
 * the write faults, the kernel moves the window elsewhere and the user's
 * zeroed page appears under the write.  After every move a system call
 * and a timer interrupt taken in user mode (a busy wait for SYS_ticks to
 * change) prove the entry path through the new window works.
 */
#include "user.h"

#define ROUNDS 1000
#define SPIN 2000		/* user-mode loop iterations between ticks() calls */
#define SPIN_LIMIT 100000	/* ticks() calls before giving up on the timer */

static uint32_t touched[ROUNDS];

static uint32_t tag_of(int round)
{
	return 0xC4A5E000u + (uint32_t)round;
}

static volatile uint32_t *slot_of(int round)
{
	return (volatile uint32_t *)(touched[round] + 4 * (round % 1024));
}

static int reserve_everything(void)
{
	uint32_t r;
	int errors = 0, err;

	for (r = 0; r < NPAGES_4G / REGION_PAGES; r++) {
		err = map(VA_OF(r * REGION_PAGES), REGION_PAGES,
			  MAP_LAZY | MAP_SKIP | MAP_WRITE);
		if (err < 0 && errors++ < 5)
			diag("map(%#x, lazy) = %d", VA_OF(r * REGION_PAGES), err);
	}
	return errors;
}

/* A page no earlier round touched and the program does not own. */
static uint32_t target_of(int round)
{
	uint32_t page = (uint32_t)round * 2654435761u;
	int i;

	for (;;) {
		page = (page * 1103515245u + 12345u) % NPAGES_4G;
		if (own_page(page))
			continue;
		for (i = 0; i < round && touched[i] != VA_OF(page); i++)
			;
		if (i == round)
			return VA_OF(page);
	}
}

/* Busy-waits, mostly in user mode so the tick interrupts user code,
 * until the timer advances SYS_ticks. */
static int timer_ticks_in_user_mode(void)
{
	uint32_t t0 = ticks(), n;
	volatile uint32_t spin;

	for (n = 0; n < SPIN_LIMIT; n++) {
		for (spin = 0; spin < SPIN; spin++)
			;
		if (ticks() != t0)
			return 1;
	}
	return 0;
}

static int all_distinct(void)
{
	int i, j;

	for (i = 0; i < ROUNDS; i++)
		for (j = 0; j < i; j++)
			if (touched[i] == touched[j])
				return 0;
	return 1;
}

int main(void)
{
	struct window_info w, after;
	int i, refused = 0, stayed = 0, misread = 0, syscall_bad = 0,
	    timer_bad = 0, lost = 0, pid = getpid();
	uint32_t sixteenths = 0, moves0;

	skip_all_if_shared();
	plan(9);
	ok(reserve_everything() == 0, "reserved every free page lazily");
	window(&w);
	moves0 = w.moves;
	for (i = 0; i < ROUNDS; i++) {
		if (window_move(target_of(i)) == -EBUSY)
			refused++;
		window(&w);
		touched[i] = w.va;
		*slot_of(i) = tag_of(i);
		window(&after);
		stayed += after.va == w.va;
		misread += *slot_of(i) != tag_of(i);
		syscall_bad += getpid() != pid;
		timer_bad += !timer_ticks_in_user_mode();
		sixteenths |= 1u << (w.va >> 28);
		if (i % 100 == 99)
			diag("round %d: window at %#x, %u moves, tick %u", i + 1,
			     after.va, after.moves, ticks());
	}
	for (i = 0; i < ROUNDS; i++)
		lost += *slot_of(i) != tag_of(i);
	diag("window_move refused %d of %d targets; touched %d of 16 256-MiB slices",
	     refused, ROUNDS, __builtin_popcount(sixteenths));

	ok(stayed == 0, "every touch moved the window (%d did not)", stayed);
	ok(misread == 0, "every tag written at the window's address read back (%d did not)", misread);
	ok(syscall_bad == 0, "a system call worked after every move (%d failed)", syscall_bad);
	ok(timer_bad == 0, "a timer tick arrived in user mode after every move (%d missed)", timer_bad);
	ok(lost == 0, "all %d tags intact at the end (%d lost)", ROUNDS, lost);
	ok(all_distinct(), "the window never came back to a page the user touched");
	window(&after);
	ok(after.moves - moves0 >= ROUNDS, "the kernel counted %u moves (>= %d)",
	   after.moves - moves0, ROUNDS);
	ok(refused < ROUNDS, "window_move put the window on %d chosen pages", ROUNDS - refused);
	done();
}
