/* t_bad_pointers — bad arguments get errors, bad accesses kill only the
 * process that made them.
 *
 * Pointer arguments to write, window and wait that are null, point at
 * the window, at an unmapped page, at a read-only page (for the calls
 * that store), or run past 0xFFFFFFFF must give -EFAULT, with the
 * process unharmed; a write whose range starts readable and then runs
 * into such memory writes the part before it and returns its length.  Malformed map arguments give -EINVAL or -EEXIST,
 * an unknown call -ENOSYS.  Children that fault are killed and their
 * parent's wait sees WAIT_KILLED | vector.
 */
#include "user.h"

#define UNMAPPED  0x90000000u	/* nothing is ever mapped here */
#define READONLY  0x91000000u	/* one read-only page */
#define EDGE      0x92000000u	/* one writable page followed by a hole */

static struct window_info win;

/* Forks a child that exits 7 and waits for it storing the status at
 * `status`; returns wait's result.  The child is reaped in any case. */
static int wait_into(uint32_t status)
{
	int pid = fork(), ret, st;

	if (pid == 0)
		exit(7);
	ret = wait(pid, (int *)status);
	wait(pid, &st);
	return ret;
}

/* Runs fault() in a child; returns the child's wait status. */
static int status_after(void (*fault)(void))
{
	int pid = fork(), status = -1;

	if (pid == 0) {
		fault();
		exit(0);
	}
	wait(pid, &status);
	return status;
}

static void touch_window(void)
{
	struct window_info w;

	window(&w);	/* the child's own window */
	(void)*(volatile uint32_t *)w.va;
}

static void touch_unmapped(void) { *(volatile uint32_t *)UNMAPPED = 1; }
static void write_readonly(void) { *(volatile uint32_t *)READONLY = 1; }
static void undefined_op(void)  { asm volatile("ud2"); }
static void breakpoint(void)    { asm volatile("int3"); }
static void halt(void)          { asm volatile("hlt"); }
static void set_dr7(void)       { asm volatile("movl %0, %%dr7" : : "r"(0x3ffu)); }

static void divide_by_zero(void)
{
	asm volatile("divl %2" : : "a"(1), "d"(0), "r"(0));
}

/* write(1, at, 16) where only the 8 bytes at `at` can be read: write
 * stops at the first byte it cannot read and returns the count before it
 * (docs/syscalls.md).  Those 8 bytes are a TAP comment line, put there
 * for the call and then given back their old contents. */
static int write_up_to(uint32_t at)
{
	char saved[8];
	int r;

	memcpy(saved, (void *)at, 8);
	memcpy((void *)at, "# part!\n", 8);
	r = write(1, (void *)at, 16);
	memcpy((void *)at, saved, 8);
	return r;
}

static void check_pointers(void)
{
	const char *msg = "should not appear\n";
	struct window_info w;

	ok(write(1, 0, 16) == -EFAULT, "write from address 0: EFAULT");
	ok(write(1, (void *)win.va, 16) == -EFAULT, "write from the window: EFAULT");
	ok(write(1, (void *)UNMAPPED, 16) == -EFAULT, "write from an unmapped page: EFAULT");
	ok(write_up_to(0xFFFFFFF8u) == 8, "write running past 0xFFFFFFFF: the 8 bytes before it");
	ok(write_up_to(EDGE + PAGE_SIZE - 8) == 8, "write running off a mapped page into a hole: the 8 bytes before it");
	if (win.pages && map(win.va - PAGE_SIZE, 1, MAP_WRITE) == 0) {
		ok(write_up_to(win.va - 8) == 8, "write running into the window: the 8 bytes before it");
		unmap(win.va - PAGE_SIZE, 1);
	} else {
		skip("write running into the window: no window, or no free page below it");
	}
	ok(write(3, msg, strlen(msg)) == -EBADF, "write to fd 3: EBADF");

	ok(window(0) == -EFAULT, "window into address 0: EFAULT");
	ok(window((void *)win.va) == -EFAULT, "window into the window: EFAULT");
	ok(window((void *)UNMAPPED) == -EFAULT, "window into an unmapped page: EFAULT");
	ok(window((void *)0xFFFFFFF8u) == -EFAULT, "window into 0xFFFFFFF8 (wraps): EFAULT");
	ok(window((void *)READONLY) == -EFAULT, "window into a read-only page: EFAULT");

	if (win.pages)
		ok(wait_into(win.va) == -EFAULT, "wait status into the window: EFAULT");
	else
		skip("wait status into the window: the shared layout has none");
	ok(wait_into(UNMAPPED) == -EFAULT, "wait status into an unmapped page: EFAULT");
	ok(wait_into(0xFFFFFFFEu) == -EFAULT, "wait status at 0xFFFFFFFE (wraps): EFAULT");
	ok(wait_into(READONLY) == -EFAULT, "wait status into a read-only page: EFAULT");
	ok(window(&w) == 0 && w.va == win.va, "the window did not move for any of them");
}

static void check_arguments(void)
{
	uint32_t image = 0x40000000u;

	ok(map(UNMAPPED + 1, 1, MAP_WRITE) == -EINVAL, "map unaligned: EINVAL");
	ok(map(UNMAPPED, 0, MAP_WRITE) == -EINVAL, "map 0 pages: EINVAL");
	ok(map(0xFFFFE000u, 4, MAP_WRITE) == -EINVAL, "map past 0xFFFFFFFF: EINVAL");
	ok(map(image, 1, MAP_WRITE) == -EEXIST, "map over the program: EEXIST");
	ok(map_frames(UNMAPPED + 2, 1, EDGE, 1, 0) == -EINVAL, "map_frames unaligned: EINVAL");
	ok(map_frames(UNMAPPED, 1, UNMAPPED + PAGE_SIZE, 1, 0) == -EFAULT,
	   "map_frames from an unmapped source: EFAULT");
	ok(map_frames(image, 1, EDGE, 1, 0) == -EEXIST, "map_frames over the program: EEXIST");
	ok(unmap(UNMAPPED + 3, 1) == -EINVAL, "unmap unaligned: EINVAL");
	if (win.pages) {
		ok(window_move(UNMAPPED + 4) == -EINVAL, "window_move unaligned: EINVAL");
		ok(window_move(image) == -EBUSY, "window_move onto the program: EBUSY");
	} else {
		skip("window_move unaligned: the shared layout has no window");
		skip("window_move onto the program: the shared layout has no window");
	}
	ok(syscall(NSYSCALL, 0, 0, 0, 0, 0) == -ENOSYS, "system call %d: ENOSYS", NSYSCALL);
	ok(syscall(-1, 0, 0, 0, 0, 0) == -ENOSYS, "system call -1: ENOSYS");
	ok(syscall(0x7FFFFFFF, 0, 0, 0, 0, 0) == -ENOSYS, "system call 0x7FFFFFFF: ENOSYS");
}

static void check_kills(void)
{
	static const struct {
		void (*fault)(void);
		int vector;
		const char *what;
	} cases[] = {
		{ touch_window,   14, "reading the unreserved window address" },
		{ touch_unmapped, 14, "writing an unmapped page" },
		{ write_readonly, 14, "writing a read-only page" },
		{ divide_by_zero,  0, "dividing by zero" },
		{ undefined_op,    6, "ud2" },
		{ halt,           13, "hlt at CPL 3" },
		{ set_dr7,        13, "setting DR7 at CPL 3" },
	};
	size_t i;
	int status;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		status = status_after(cases[i].fault);
		ok(status == (WAIT_KILLED | cases[i].vector),
		   "%s kills the child: status %#x, want %#x", cases[i].what,
		   status, WAIT_KILLED | cases[i].vector);
	}
	/* The breakpoint gate may be kernel-only (DPL 0), turning int3 at
	 * CPL 3 into #GP; either way only the child dies. */
	status = status_after(breakpoint);
	ok(status == (WAIT_KILLED | 3) || status == (WAIT_KILLED | 13),
	   "int3 kills the child: status %#x (#BP, or #GP for a DPL-0 gate)", status);
}

/* The kernel must not inherit DF=1: its string instructions (musl's
 * memset zeroing a new page, say) would run backwards.  A frame filled
 * with 0xAA and freed comes back for the next page mapped; with DF=1
 * leaking into the kernel it would come back unzeroed. */
#define DF_PAGE 0x93000000u
static int map_with_direction_flag_set(void)
{
	int bad = 0, r;
	if (map(DF_PAGE, 1, MAP_WRITE) < 0)
		return 0;
	memset((void *)DF_PAGE, 0xAA, PAGE_SIZE);
	unmap(DF_PAGE, 1);
	__asm__ volatile("std");
	r = map(DF_PAGE, 1, MAP_WRITE);
	__asm__ volatile("cld");
	for (uint32_t i = 0; r == 0 && i < PAGE_SIZE; i++)
		bad += ((volatile unsigned char *)DF_PAGE)[i] != 0;
	unmap(DF_PAGE, 1);
	return r == 0 && bad == 0;
}

int main(void)
{
	plan(1 + 18 + 13 + 8 + 1 + 1);
	window(&win);
	ok(map(READONLY, 1, 0) == 0 && map(EDGE, 1, MAP_WRITE) == 0,
	   "window at %#x; read-only page at %#x; edge page at %#x",
	   win.va, READONLY, EDGE);
	check_pointers();
	check_arguments();
	check_kills();
	ok(getpid() > 0 && write(1, "", 0) == 0, "the process survived all of it");
	ok(map_with_direction_flag_set(), "a system call made with the direction flag set zeroes forwards");
	ok(wait(-1, 0) == -ECHILD, "wait after reaping every child: ECHILD");
	done();
}
