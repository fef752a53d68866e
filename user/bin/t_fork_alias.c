/* t_fork_alias — aliases stay aliases across fork.
 *
 * Two addresses that map_frames made show one frame show it in the
 * parent and in the child after a fork: a write through one is read
 * through the other on each side, and neither side sees the other's.
 * The same holds for an alias made of a page already shared
 * copy-on-write with a child (docs/memory.md).
 */
#include "user.h"

#define A 0x70000000u	/* the page */
#define B 0x70400000u	/* its alias, in another 4 MiB region */
#define C 0x70801000u	/* a second alias */

static volatile uint32_t *at(uint32_t va) { return (volatile uint32_t *)va; }

/* Write v through one alias, read it back through the others. */
static int aliased(uint32_t w, uint32_t v)
{
	*at(w) = v;
	return *at(A) == v && *at(B) == v && *at(C) == v;
}

/* The child's side: exit 0 if its aliases hold together and it saw
 * only its own writes. */
static int child_side(uint32_t seen)
{
	int bad = *at(A) != seen;
	bad |= !aliased(B, 0xC1) << 1;
	bad |= !aliased(A, 0xC2) << 2;
	bad |= !aliased(C, 0xC3) << 3;
	return bad;
}

static void alias_then_fork(void)
{
	int status = -1;
	ok(map(A, 1, MAP_WRITE) == 0 && map_frames(B, 1, A, 1, 0) == 0 && map_frames(C, 1, A, 1, 0) == 0,
	   "page %#x aliased at %#x and %#x", A, B, C);
	ok(aliased(B, 0x11), "before fork: a write through one alias is read through the others");
	int pid = fork();
	if (pid == 0)
		exit(child_side(0x11));
	ok(aliased(A, 0x22) && aliased(C, 0x23), "after fork, in the parent: still aliases");
	int waited = wait(pid, &status);
	ok(waited == pid && status == 0, "in the child: still aliases, its own copy (status %#x)", status);
	ok(*at(A) == 0x23, "the child's writes did not reach the parent");
	unmap(B, 1);
	unmap(C, 1);
}

static void fork_then_alias(void)
{
	int status = -1;
	*at(A) = 0x31;
	int pid = fork();
	if (pid == 0) {
		sleep(5);	/* while the parent aliases and writes */
		exit(*at(A) == 0x31 ? 0 : 1);
	}
	ok(map_frames(B, 1, A, 1, 0) == 0 && map_frames(C, 1, A, 1, 0) == 0,
	   "a page shared copy-on-write with a child aliased twice");
	ok(aliased(B, 0x32) && aliased(A, 0x33), "a write through one alias is read through the others");
	int waited = wait(pid, &status);
	ok(waited == pid && status == 0, "the child kept its own copy (status %#x)", status);
}

int main(void)
{
	plan(8);
	alias_then_fork();
	fork_then_alias();
	done();
}
