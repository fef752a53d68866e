/* fuzz_syscalls — a seeded system-call fuzzer that also makes valid calls.
 *
 *   fuzz_syscalls SEED CALLS        (decimal; default 1 and 1000)
 *
 * Each step picks a system call and, five times in eight, arguments the
 * kernel must accept (pointers into the program's own arena, page-aligned ranges
 * in a play region, real child pids, free window addresses, its own
 * descriptors and endpoints), otherwise
 * arguments drawn from edge values and random words.  Forks, threads and
 * window moves are interleaved.  Per call it counts how many got past the
 * argument checks (docs/attack.md) and prints that table at the end.
 *
 * The fuzzer must not kill itself by design: a range it passes to unmap is
 * clipped against its own pages (image, stack, arena), and a pointer the
 * kernel would write through is redirected when it lands on them.  Every
 * result must be >= 0 or an errno the call documents, a valid call must
 * not be refused, and the arena's sentinel must survive.  Exit 0 iff all
 * held; deterministic for a seed (instruction counts vary with ticks).
 */
#include "user.h"

#define ARENA      0x50000000u	/* the fuzzer's own pages: protected */
#define ARENA_PAGES 32u
#define BUF        (ARENA)		/* 4 pages of bytes to read from */
#define OUTBUF     (ARENA + 4 * PAGE_SIZE)	/* 4 pages for the kernel to write */
#define SENTINEL   (ARENA + 8 * PAGE_SIZE)	/* never handed to the kernel */
#define HLT_PAGE   (ARENA + 9 * PAGE_SIZE)	/* hlt everywhere: stray thread entries */
/* pages 10..15: messages (page 10) and the calling thread's stack (12..15) */
#define STACKS     (ARENA + 16 * PAGE_SIZE)	/* MAXLIVE thread stacks */
#define STACK_PAGES 4u
#define MAXLIVE    4		/* live threads, and live forked children */

#define PLAY       0x60000000u	/* where valid map/unmap/window moves go */
#define PLAY_PAGES 1024u

#define NCOUNT     (NSYSCALL + 1)	/* the last row: numbers past the table */
#define OTHER      NSYSCALL

static const char *const names[NCOUNT] = {
	[SYS_exit] = "exit", [SYS_write] = "write", [SYS_getpid] = "getpid",
	[SYS_yield] = "yield", [SYS_sleep] = "sleep", [SYS_ticks] = "ticks",
	[SYS_map] = "map", [SYS_map_frames] = "map_frames", [SYS_unmap] = "unmap",
	[SYS_fork] = "fork", [SYS_thread] = "thread", [SYS_wait] = "wait",
	[SYS_window] = "window", [SYS_window_move] = "window_move",
	[SYS_canary] = "canary", [SYS_getppid] = "getppid", [SYS_mark] = "mark",
	[SYS_copybench] = "copybench", [SYS_log] = "log",
	[SYS_cap_info] = "cap_info", [SYS_cap_alloc] = "cap_alloc", [SYS_cap_split] = "cap_split",
	[SYS_cap_merge] = "cap_merge", [SYS_cap_map] = "cap_map", [SYS_cap_unmap] = "cap_unmap",
	[SYS_cap_close] = "cap_close", [SYS_cap_slab] = "cap_slab", [SYS_ep_create] = "ep_create",
	[SYS_ipc_send] = "ipc_send", [SYS_ipc_recv] = "ipc_recv", [SYS_ipc_call] = "ipc_call",
	[SYS_ipc_reply] = "ipc_reply", [OTHER] = "(no such)",
};

/* Errors that mean "the arguments were refused". */
#define REFUSED(r) ((r) == -EBADF || (r) == -EINVAL || (r) == -EFAULT || \
		    (r) == -ENOSYS || (r) == -ECHILD || (r) == -ESRCH)

static struct {
	uint32_t calls, past, ok;
} tally[NCOUNT];

static uint32_t rng, unexpected, mypid, myppid, mycanary;
static int live_thread[MAXLIVE], live_child[MAXLIVE];
static uint32_t child_status[MAXLIVE], thread_status[MAXLIVE];
static int in_child;

/* The fuzzer's own descriptors: the spawn quota (fd 0; a forked child has
 * none), a slab right, an endpoint to send itself messages on, and one to
 * call itself on.  Random arguments never close, move or
 * merge these away; every other open
 * descriptor is a spare, found by asking the kernel (rescan). */
static int quota_fd = 0, slab_fd = -1, ep_fd = -1, call_fd = -1;
static int spare[NCAP], nspare;

/* ---- randomness -------------------------------------------------------- */

static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
	return rng;
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static uint32_t page_in_play(void) { return PLAY + below(PLAY_PAGES) * PAGE_SIZE; }

/* Small counts most of the time, now and then any word (mostly refused). */
static uint32_t some_npages(void)
{
	switch (below(16)) {
	case 0:  return rnd();
	case 1:  return 0;
	case 2:  return below(1024);
	default: return 1 + below(16);
	}
}

/* An argument word from the edge cases, the program's own places or chance. */
static uint32_t some_word(void)
{
	struct window_info w;
	static const uint32_t edges[] = {
		0, 1, 3, 0xFFF, 0x1000, 0x7FFFFFFF, 0x80000000u, 0xFFFFF000u,
		0xFFFFFFFCu, 0xFFFFFFFFu, 0x40000000u, 0xFFFF0000u, 0x00100000u,
	};
	switch (below(6)) {
	case 0:  return edges[below(sizeof edges / sizeof edges[0])];
	case 1:  return window(&w) == 0 ? w.va + below(3) * 0x800 : 0;
	case 2:  return rnd() & ~0xFFFu;
	case 3:  return below(64);
	case 4:  return page_in_play() + below(2) * below(PAGE_SIZE);
	default: return rnd();
	}
}

/* ---- what the fuzzer must not hand to the kernel ------------------------ */

static int own_range(uint32_t va, uint32_t len)
{
	uint32_t end = va + len;	/* may wrap: then it overlaps the stack */
	uint32_t lo = (uint32_t)__image_start, hi = ((uint32_t)_end + 0xFFF) & ~0xFFFu;

	if (end < va || end > STACK_BOTTOM)
		return 1;
	return (va < hi && end > lo) ||
	       (va < ARENA + ARENA_PAGES * PAGE_SIZE && end > ARENA);
}

/* A pointer the kernel will write len bytes through: keep it off our pages. */
static uint32_t out_ptr(uint32_t p, uint32_t len)
{
	return own_range(p, len) ? OUTBUF + below(PAGE_SIZE) : p;
}

/* ---- one call, counted ---------------------------------------------------- */

/* The descriptor and message calls, 19..31, as a bit each. */
#define CAPS(x) (1u << (x))
#define IN(set, nr) ((nr) >= SYS_cap_info && (nr) <= SYS_ipc_reply && ((set) >> (nr) & 1))
#define IPC_SENDS (CAPS(SYS_ipc_send) | CAPS(SYS_ipc_call))

/* docs/syscalls.md's error column, per call. */
static int known_error(int nr, int r)
{
	switch (r) {
	case -EBADF:  return nr == SYS_write || IN(~0u, nr);
	case -EFAULT: return nr == SYS_write || nr == SYS_map_frames || nr == SYS_thread ||
			     nr == SYS_wait || nr == SYS_window || nr == SYS_mark ||
			     nr == SYS_copybench || nr == SYS_log ||
			     IN(CAPS(SYS_cap_info) | IPC_SENDS | CAPS(SYS_ipc_recv) |
				CAPS(SYS_ipc_reply), nr);
	case -EINVAL: return nr == SYS_map || nr == SYS_map_frames || nr == SYS_unmap ||
			     nr == SYS_thread || nr == SYS_window_move || nr == SYS_mark ||
			     nr == SYS_copybench ||
			     IN(~(CAPS(SYS_cap_info) | CAPS(SYS_cap_close) | CAPS(SYS_ep_create)), nr);
	case -EEXIST: return nr == SYS_map || nr == SYS_map_frames || nr == SYS_cap_map;
	case -ENOMEM: return nr == SYS_map || nr == SYS_map_frames || nr == SYS_fork ||
			     nr == SYS_thread || nr == SYS_unmap || nr == SYS_window_move ||
			     IN(CAPS(SYS_cap_alloc) | CAPS(SYS_cap_split) | CAPS(SYS_cap_map), nr);
	case -EBUSY:  return nr == SYS_window_move || nr == SYS_map_frames ||
			     IN(CAPS(SYS_cap_split) | CAPS(SYS_cap_merge) | CAPS(SYS_cap_slab), nr);
	case -ECHILD: return nr == SYS_wait;
	case -ENOSYS: return nr == OTHER;
	case -ESRCH:  return nr == SYS_ipc_reply;
	case -EACCES: return IN(CAPS(SYS_cap_map) | CAPS(SYS_cap_slab) | IPC_SENDS |
				CAPS(SYS_ipc_recv), nr);
	case -EPERM:  return IN(IPC_SENDS | CAPS(SYS_ipc_reply), nr);
	case -ENOSPC: return IN(CAPS(SYS_cap_alloc) | CAPS(SYS_ep_create), nr);
	case -EMFILE: return IN(CAPS(SYS_cap_alloc) | CAPS(SYS_cap_split) | CAPS(SYS_ep_create) |
				CAPS(SYS_ipc_recv) | CAPS(SYS_ipc_call), nr);
	case -EAGAIN: return IN(CAPS(SYS_ipc_send) | CAPS(SYS_ipc_recv), nr);
	case -EPIPE:  return IN(IPC_SENDS, nr);
	case -EINTR:  return IN(IPC_SENDS | CAPS(SYS_ipc_recv), nr);	/* only when killed */
	case -EOVERFLOW: return nr == SYS_cap_merge;
	default:      return (r >= 0 || nr == SYS_canary) && nr != OTHER;	/* any word */
	}
}

static void complain(const char *fmt, uint32_t a, uint32_t b, uint32_t c)
{
	char line[160];
	int n = snprintf(line, sizeof line, "fuzz: UNEXPECTED ");

	n += snprintf(line + n, sizeof line - n, fmt, a, b, c);
	snprintf(line + n, sizeof line - n, "\n");
	write(1, line, strlen(line));
	unexpected++;
}

/* Makes the call; `valid` says the arguments are ones the kernel must take. */
static int call(int nr, int valid, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
	int row = nr >= 0 && nr < NSYSCALL ? nr : OTHER;
	int r = syscall(nr, a, b, c, d, e);

	if (!in_child) {
		tally[row].calls++;
		tally[row].past += !REFUSED(r);
		tally[row].ok += r >= 0 || row == SYS_canary;
	}
	if (!known_error(row, r))
		complain("call %d(%#x, ...) returned %d", (uint32_t)nr, a, (uint32_t)r);
	else if (valid && REFUSED(r))
		complain("valid call %d(%#x, ...) refused: %d", (uint32_t)nr, a, (uint32_t)r);
	return r;
}

/* unmap, clipped so it never takes the program's own pages.  A range the
 * kernel must refuse as a whole (unaligned, empty, wrapping) goes as it is. */
static void fuzz_unmap(int valid, uint32_t va, uint32_t n)
{
	uint64_t own[][2] = {
		{ (uint32_t)__image_start, ((uint32_t)_end + 0xFFF) & ~0xFFFu },
		{ ARENA, ARENA + ARENA_PAGES * PAGE_SIZE },
		{ STACK_BOTTOM, 1ull << 32 },
	};
	uint64_t from = va, end = (uint64_t)va + ((uint64_t)n << 12);

	if ((va & 0xFFF) || n == 0 || end > 1ull << 32) {
		call(SYS_unmap, 0, va, n, 0, 0, 0);
		return;
	}
	for (size_t i = 0; i < sizeof own / sizeof own[0] && from < end; i++) {
		uint64_t to = end < own[i][0] ? end : own[i][0];
		if (from < to)
			call(SYS_unmap, valid, (uint32_t)from, (uint32_t)((to - from) >> 12), 0, 0, 0);
		if (from < own[i][1])
			from = own[i][1];
	}
}

/* Random maps that succeeded, unmapped again in turn: memory stays bounded. */
static void remember(uint32_t va, uint32_t n)
{
	static uint32_t ring[16][2];
	static unsigned next;
	uint32_t *slot = ring[next++ % 16];

	if (slot[1])
		fuzz_unmap(1, slot[0], slot[1]);
	slot[0] = va, slot[1] = n;
}

/* ---- children and threads --------------------------------------------------- */

static void step(void);
static void rescan(void);

#define ANY_STATUS ~0u	/* a thread started at a stray address: any death */

static void reap(int *slot, uint32_t want)
{
	int pid = *slot;
	int r = call(SYS_wait, 1, (uint32_t)pid, OUTBUF, 0, 0, 0);
	int st = *(volatile int *)OUTBUF;

	if (r == pid && want != ANY_STATUS) {
		tally[SYS_exit].calls++;
		tally[SYS_exit].past += (uint32_t)st == want;
		tally[SYS_exit].ok += (uint32_t)st == want;
		if ((uint32_t)st != want)
			complain("pid %d exited %#x, want %#x", (uint32_t)pid, (uint32_t)st, want);
	}
	*slot = 0;
}

/* A wait for "any child" may reap one the fuzzer tracks. */
static void forget(int pid)
{
	for (int i = 0; i < MAXLIVE; i++) {
		if (live_thread[i] == pid)
			live_thread[i] = 0;
		if (live_child[i] == pid)
			live_child[i] = 0;
	}
}

static void thread_main(void *arg)
{
	uint32_t x = (uint32_t)arg | 1;

	for (int i = 0; i < 8; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		switch (x % 4) {
		case 0: yield(); break;
		case 1: window((struct window_info *)(OUTBUF + 2 * PAGE_SIZE) + (x >> 8) % 32); break;
		case 2: window_move(PLAY + (x >> 8) % PLAY_PAGES * PAGE_SIZE); break;
		default: if (getpid() <= 0) exit(0xEE);
		}
	}
	exit((uint32_t)arg & 0x7F);
}

static void fuzz_thread(int valid)
{
	int i = below(MAXLIVE);
	uint32_t status = below(0x80);
	uint32_t top = STACKS + (i + 1) * STACK_PAGES * PAGE_SIZE;
	uint32_t entry = (uint32_t)thread_main;
	int r;

	if (live_thread[i])
		reap(&live_thread[i], thread_status[i]);
	if (!valid) {
		/* A stray entry must not run the program's code or data: hlt. */
		uint32_t e = some_word();
		entry = own_range(e, 1) || e - PLAY < PLAY_PAGES * PAGE_SIZE ?
			HLT_PAGE + below(PAGE_SIZE) : e;
		uint32_t t = some_word() & ~3u;
		if (below(2) && !own_range(t - 8, 8))
			top = t;	/* the kernel writes the first frame below it */
	}
	r = call(SYS_thread, valid, entry, top, status, 0, 0);
	if (r > 0) {
		live_thread[i] = r;
		thread_status[i] = valid ? status : ANY_STATUS;
	}
}

static void fuzz_fork(void)
{
	int i = below(MAXLIVE), r;

	if (live_child[i])
		reap(&live_child[i], child_status[i]);
	child_status[i] = below(0x80);
	r = call(SYS_fork, 1, 0, 0, 0, 0, 0);
	if (r == 0) {
		in_child = 1;	/* the parent's children and threads are not ours */
		memset(live_child, 0, sizeof live_child);
		memset(live_thread, 0, sizeof live_thread);
		quota_fd = slab_fd = -1;	/* counted descriptors stay with the parent */
		cap_close(call_fd);	/* the parent's calls are not the child's to take */
		call_fd = -1;
		rescan();
		rng ^= 0x9E3779B9u * (uint32_t)getpid();
		for (int n = 0; n < 16; n++)
			step();
		exit(unexpected ? 0xFF : child_status[i]);
	}
	if (r > 0)
		live_child[i] = r;
}

/* ---- descriptors and messages ------------------------------------------------ */

static int protected_fd(uint32_t fd)
{
	return fd == (uint32_t)quota_fd || fd == (uint32_t)slab_fd || fd == (uint32_t)ep_fd ||
	       fd == (uint32_t)call_fd;
}

static uint32_t some_fd(void) { return below(4) ? below(NCAP + 2) : some_word(); }

/* A descriptor argument the kernel may consume: never one of ours. */
static int index_of(int fd);
static uint32_t quota_left(void);
static struct cap_info spare_info[NCAP];

/* Pages go back to the quota only by merging a block (or quota) into it,
 * so below this the fuzzer keeps what it holds and makes no new slabs. */
#define QUOTA_LOW (CAP_SPAWN_QUOTA / 2)

/* A descriptor argument the kernel may consume: never one of ours, nor,
 * while the quota is low, a spare block or quota (that would spend it). */
static uint32_t consumable(uint32_t fd)
{
	int j = fd < NCAP ? index_of((int)fd) : -1;
	uint32_t t = j >= 0 ? spare_info[j].type : 0;

	if (protected_fd(fd) ||
	    ((t == CAPT_MEMORY || t == CAPT_QUOTA) && quota_left() < QUOTA_LOW))
		return fd + NCAP;
	return fd;
}

static void rescan(void)
{
	nspare = 0;
	for (int fd = 0; fd < NCAP; fd++)
		if (!protected_fd(fd) && cap_info(fd, &spare_info[nspare]) == 0)
			spare[nspare++] = fd;
}

/* A spare of the given type (0: any), or -1. */
static int pick_spare(uint32_t type)
{
	int start = below(nspare + 1);

	for (int i = 0; i < nspare; i++) {
		int j = (start + i) % nspare;
		if (!type || spare_info[j].type == type)
			return j;
	}
	return -1;
}

/* A call that may change the table: rescan when it did. */
static int call_t(int nr, int valid, uint32_t a, uint32_t b, uint32_t c)
{
	int r = call(nr, valid, a, b, c, 0, 0);
	if (r >= 0)
		rescan();
	return r;
}

static uint32_t quota_left(void)
{
	struct cap_info ci;
	return quota_fd >= 0 && cap_info(quota_fd, &ci) == 0 ? ci.count : 0;
}

/* A fresh slab right when ours is spent; the old one becomes a spare. */
static int ensure_slab(void)
{
	struct cap_info ci;
	int fd;

	if (slab_fd >= 0 && cap_info(slab_fd, &ci) == 0 && ci.count > 0)
		return 1;
	if (slab_fd >= 0 && quota_left() < QUOTA_LOW)
		return 1;	/* a spent right: ENOSPC */
	if (quota_left() == 0 || (fd = call(SYS_cap_alloc, 1, quota_fd, 0, 0, 0, 0)) < 0)
		return 0;
	if (call(SYS_cap_slab, 1, fd, SLAB_ENDPOINT, 0, 0, 0) < 0) {
		call(SYS_cap_close, 1, fd, 0, 0, 0, 0);
		return 0;
	}
	slab_fd = fd;
	rescan();
	return 1;
}

static int index_of(int fd)
{
	for (int j = 0; j < nspare; j++)
		if (spare[j] == fd)
			return j;
	return -1;
}

/* A mappable spare block of order >= min_order, allocated if there is
 * none: its index, or -1. */
static int some_block(uint32_t min_order)
{
	int start = below(nspare + 1);

	for (int i = 0; i < nspare; i++) {
		int j = (start + i) % nspare;
		if (spare_info[j].type == CAPT_MEMORY && spare_info[j].order >= min_order &&
		    spare_info[j].rights & CAP_READ)
			return j;
	}
	return index_of(call_t(SYS_cap_alloc, 1, quota_fd, min_order + below(2), 0));
}

/* Drop spare j.  Closing a block does not refund the quota, so a block or
 * quota goes back into the quota when that runs low (a mapped block: EBUSY,
 * then it is closed). */
static void drop_spare(int j)
{
	int fd = spare[j];
	uint32_t t = spare_info[j].type;

	if ((t == CAPT_QUOTA || (t == CAPT_MEMORY && quota_left() < QUOTA_LOW)) &&
	    call_t(SYS_cap_merge, 1, quota_fd, fd, 0) == 0)
		return;
	call_t(SYS_cap_close, 1, fd, 0, 0);
}

#define MSG_SEND  ((struct ipc_msg *)(ARENA + 10 * PAGE_SIZE))
#define MSG_RECV  (MSG_SEND + 1)
#define MSG_CALL  (MSG_SEND + 2)	/* the calling thread's */
#define MSG_REPLY (MSG_SEND + 3)
#define CALL_STACK_TOP (ARENA + 16 * PAGE_SIZE)	/* pages 12..15 */

/* A message with up to two of the spares, copied or moved (counted ones
 * can only move), with rights drawn at random: they only shrink. */
static uint32_t valid_msg(struct ipc_msg *m)
{
	memset(m, 0, sizeof *m);
	m->tag = rnd(), m->word[0] = rnd(), m->word[1] = rnd();
	for (uint32_t i = 0, want = below(IPC_MAXCAPS + 1); i < want; i++) {
		int j = pick_spare(0);
		if (j < 0 || (i == 1 && spare[j] == m->cap[0].fd))
			break;
		m->cap[i].fd = spare[j];
		m->cap[i].rights = rnd() & 0xF;
		m->cap[i].flags = spare_info[j].type == CAPT_QUOTA || spare_info[j].type == CAPT_SLAB ||
				  below(2) ? IPC_MOVE : 0;
		m->ncaps = i + 1;
	}
	return (uint32_t)m;
}

/* Any words, descriptors of any kind; what it moves is never ours. */
static uint32_t random_msg(void)
{
	struct ipc_msg *m = MSG_SEND;

	if (below(4) == 0)
		return some_word();	/* the kernel only reads it */
	for (uint32_t i = 0; i < sizeof *m / 4; i++)
		((uint32_t *)m)[i] = rnd();
	m->ncaps = below(4) ? below(IPC_MAXCAPS + 2) : rnd();
	for (int i = 0; i < IPC_MAXCAPS; i++) {
		m->cap[i].fd = some_fd();
		m->cap[i].flags = below(4) ? below(2) : rnd();
		if (m->cap[i].flags & IPC_MOVE || m->cap[i].fd == call_fd)
			m->cap[i].fd = consumable(m->cap[i].fd);	/* nobody else calls there */
	}
	return (uint32_t)m;
}

static uint32_t ipc_flags(void)
{
	return below(4) ? IPC_NONBLOCK : rnd() | IPC_NONBLOCK;	/* never sleeps */
}

/* cap_map a block into a cleared part of the play region and cap_unmap
 * it again: a mapped block could not go back to the quota. */
static void map_block(int j)
{
	uint32_t n = 1u << spare_info[j].order;
	uint32_t va = PLAY + below(PLAY_PAGES - n + 1) * PAGE_SIZE;
	uint32_t flags = spare_info[j].rights & CAP_WRITE && below(2) ? MAP_WRITE : 0;

	fuzz_unmap(1, va, n);
	if (call(SYS_cap_map, 1, spare[j], va, flags, 0, 0) == 0)
		call(SYS_cap_unmap, 1, spare[j], va, 0, 0, 0);
}

/* cap_slab of a one-page block while it is mapped: EBUSY, nothing spent. */
static void slab_mapped(void)
{
	int j = nspare;
	uint32_t va = PLAY + below(PLAY_PAGES) * PAGE_SIZE;

	while (--j >= 0 && !(spare_info[j].type == CAPT_MEMORY && spare_info[j].order == 0 &&
			     spare_info[j].rights & CAP_READ))
		;
	if (j < 0 && (j = index_of(call_t(SYS_cap_alloc, 1, quota_fd, 0, 0))) < 0)
		return;
	fuzz_unmap(1, va, 1);
	if (call(SYS_cap_map, 1, spare[j], va, 0, 0, 0) == 0) {
		call(SYS_cap_slab, 1, spare[j], SLAB_ENDPOINT, 0, 0, 0);
		call(SYS_cap_unmap, 1, spare[j], va, 0, 0, 0);
	}
}

static void call_thread(void *arg)
{
	int r = call(SYS_ipc_call, 1, (uint32_t)arg, (uint32_t)valid_msg(MSG_CALL), 0, 0, 0);
	exit(r == 0 && MSG_CALL->tag == MSG_REPLY->tag ? 0 : 0x7E);
}

/* ipc_call and ipc_reply with no way to sleep forever: a thread calls an
 * endpoint that only this process can receive on (a forked child closes its
 * copy first), the program takes the call without blocking and answers it,
 * and the thread ends. */
static void call_and_reply(void)
{
	int r = -EAGAIN, tid;

	while (nspare > NCAP / 2)	/* room for what the messages carry */
		drop_spare(0);
	if (call_fd < 0 && (!ensure_slab() || (call_fd = call(SYS_ep_create, 1, slab_fd, 0, 0, 0, 0)) < 0)) {
		call_fd = -1;
		return;
	}
	rescan();
	tid = call(SYS_thread, 1, (uint32_t)call_thread, CALL_STACK_TOP, (uint32_t)call_fd, 0, 0);
	for (int tries = 0; tid > 0 && r == -EAGAIN && tries < 1000; tries++)
		if ((r = call(SYS_ipc_recv, 1, call_fd, (uint32_t)MSG_RECV, IPC_NONBLOCK, 0, 0)) == -EAGAIN)
			yield();
		else if (r == 0 && !(MSG_RECV->flags & IPC_CALLED))
			complain("a message that is no call on the call endpoint", 0, 0, 0);
	if (r == 0) {
		rescan();
		valid_msg(MSG_REPLY);
		if (call_t(SYS_ipc_reply, 1, MSG_RECV->id, (uint32_t)MSG_REPLY, 0) != 0)
			r = -1;
	}
	if (tid > 0 && r != 0) {
		complain("the call on endpoint fd %d was not answered: %d", (uint32_t)call_fd, (uint32_t)r, 0);
		call(SYS_cap_close, 1, call_fd, 0, 0, 0, 0);	/* a call still queued fails: EPIPE */
		call_fd = -1;
		rescan();
	}
	if (tid > 0)
		reap(&tid, 0);
}

static void fuzz_cap_valid(int nr)
{
	int j = pick_spare(0), half;
	uint32_t left = quota_left();

	switch (nr) {
	case SYS_cap_info:
		call(nr, 1, (uint32_t)(j >= 0 ? spare[j] : ep_fd), OUTBUF + below(PAGE_SIZE - 16), 0, 0, 0);
		break;
	case SYS_cap_alloc:
		if (nspare >= NCAP / 2)
			drop_spare(j);
		call_t(nr, 1, quota_fd, below(3), 0);
		break;
	case SYS_cap_split:	/* a block into halves, or part of the quota */
		if (below(2) && left > 1)
			call_t(nr, 1, quota_fd, 1 + below(left - 1 < 64 ? left - 1 : 64), 0);
		else if ((j = some_block(1)) >= 0)
			call_t(nr, 1, spare[j], 0, 0);
		break;
	case SYS_cap_merge:	/* two buddies, or a spare quota back */
		if ((j = pick_spare(CAPT_QUOTA)) >= 0 && below(2))
			call_t(nr, 1, quota_fd, spare[j], 0);
		else if ((j = some_block(1)) >= 0) {
			int fd = spare[j];
			if ((half = call_t(SYS_cap_split, 1, fd, 0, 0)) >= 0)
				call_t(nr, 1, fd, half, 0);
		}
		break;
	case SYS_cap_map:
	case SYS_cap_unmap:
		if ((j = some_block(0)) >= 0)
			map_block(j);
		break;
	case SYS_cap_close:	/* a spare quota goes back instead */
		if (j >= 0)
			drop_spare(j);
		break;
	case SYS_cap_slab:	/* a slab's page never returns to the quota */
		if (quota_left() < QUOTA_LOW)
			slab_mapped();
		else if ((j = call_t(SYS_cap_alloc, 1, quota_fd, 0, 0)) >= 0 &&
			 call_t(nr, 1, j, SLAB_ENDPOINT, 0) == 0)
			slab_fd = j, rescan();	/* the old right is a spare now */
		break;
	case SYS_ep_create:
		if (ensure_slab())
			call_t(nr, 1, slab_fd, 0, 0);
		break;
	case SYS_ipc_send:
		call_t(nr, 1, ep_fd, valid_msg(MSG_SEND), IPC_NONBLOCK);
		break;
	case SYS_ipc_recv:
		call_t(nr, 1, ep_fd, (uint32_t)MSG_RECV, IPC_NONBLOCK);
		break;
	default:
		call_and_reply();
	}
}

static void fuzz_cap_random(int nr)
{
	uint32_t fd = some_fd(), w = some_word();
	struct cap_info ci;
	int r;

	switch (nr) {
	case SYS_cap_info:
		call(nr, 0, fd, out_ptr(w, sizeof ci), 0, 0, 0);
		break;
	case SYS_cap_alloc:	/* the quota is spent by valid calls only */
		call_t(nr, 0, consumable(fd), below(4) ? w : below(13), 0);
		break;
	case SYS_cap_split:
		call_t(nr, 0, consumable(fd), below(2) ? 0 : w, 0);
		break;
	case SYS_cap_merge:
		call_t(nr, 0, fd, consumable(some_fd()), 0);
		break;
	case SYS_cap_map:
		r = call(nr, 0, fd, w, below(2) ? MAP_WRITE : rnd(), 0, 0);
		if (r == 0 && cap_info(fd, &ci) == 0)
			remember(w, 1u << ci.order);
		break;
	case SYS_cap_unmap:
		call(nr, 0, fd, w, 0, 0, 0);
		break;
	case SYS_cap_close:
		call_t(nr, 0, consumable(fd), 0, 0);
		break;
	case SYS_cap_slab:
		call_t(nr, 0, consumable(fd), below(2) ? SLAB_ENDPOINT : w, 0);
		break;
	case SYS_ep_create:
		call_t(nr, 0, fd, 0, 0);
		break;
	case SYS_ipc_send:	/* only calls go to the call endpoint */
		call_t(nr, 0, fd == (uint32_t)call_fd ? fd + NCAP : fd, random_msg(), ipc_flags());
		break;
	case SYS_ipc_recv:
		call_t(nr, 0, fd, out_ptr(w, sizeof(struct ipc_msg)), ipc_flags());
		break;
	case SYS_ipc_call:	/* an endpoint would sleep: none */
		if (cap_info(fd, &ci) == 0 && ci.type == CAPT_ENDPOINT)
			fd += NCAP;
		call_t(nr, 0, fd, random_msg(), 0);
		break;
	default:
		call_t(nr, 0, below(2) ? below(1u << 16) : w, random_msg(), 0);
	}
}

/* In a forked child the counted descriptors are gone and there are no
 * threads to call with: random arguments only. */
static void fuzz_cap(int nr, int valid)
{
	if (valid && !in_child)
		fuzz_cap_valid(nr);
	else
		fuzz_cap_random(nr);
}

/* ---- one step: a call with valid or random arguments ------------------------ */

static void fuzz_write(int valid)
{
	uint32_t len = below(4) ? 0 : 1 + below(4);	/* the console is slow */
	if (valid)
		call(SYS_write, 1, 1 + below(2), BUF + below(3 * PAGE_SIZE), len, 0, 0);
	else
		call(SYS_write, 0, below(2) ? some_word() : 1 + below(4), some_word(), below(8), 0, 0);
}

static void fuzz_map(int valid)
{
	uint32_t flags = below(8) & (MAP_WRITE | MAP_LAZY | MAP_SKIP);
	uint32_t va = some_word(), n = some_npages();

	if (valid)
		call(SYS_map, 1, page_in_play(), 1 + below(8), flags, 0, 0);
	else if (below(8) == 0 && call(SYS_map, 0, va & ~0x3FFFFFu, 1024, flags | MAP_LARGE, 0, 0) == 0)
		remember(va & ~0x3FFFFFu, 1024); /* a large page: 4 MiB-aligned */
	else if (call(SYS_map, 0, va, n, below(4) ? flags | (below(4) ? 0 : MAP_LARGE) : rnd(), 0, 0) == 0)
		remember(va, n);
}

static void fuzz_map_frames(int valid)
{
	uint32_t flags = below(2) ? MAP_SKIP : 0;
	uint32_t va = some_word(), n = some_npages();

	if (valid)
		call(SYS_map_frames, 1, page_in_play(), 1 + below(8),
		     BUF + below(4) * PAGE_SIZE, 1 + below(2), flags);
	else if (call(SYS_map_frames, 0, va, n, some_word(), some_npages(),
		      below(4) ? flags | (below(4) ? 0 : MAP_LARGE) : rnd()) == 0)
		remember(va, n);
}

static void fuzz_wait(int valid)
{
	int any = below(4) == 0, r;
	int *slots = below(2) ? live_child : live_thread;
	int i = below(MAXLIVE);

	if (valid && slots[i] && !any) {
		reap(&slots[i], slots == live_child ? child_status[i] : thread_status[i]);
		return;
	}
	if (valid && !any)
		return;			/* nobody to wait for: no valid call */
	r = call(SYS_wait, 0, any ? ~0u : some_word(), out_ptr(some_word(), 4), 0, 0, 0);
	if (r > 0)
		forget(r);
}

static void fuzz_window_move(int valid)
{
	call(SYS_window_move, valid, valid ? page_in_play() : some_word(), 0, 0, 0, 0);
}

/* SYS_mark and SYS_log: a string of up to max bytes when valid, longer
 * (mark refuses, log cuts) or a wild pointer when not. */
static void fuzz_string(int nr, int valid, uint32_t max)
{
	char *s = (char *)OUTBUF + 3 * PAGE_SIZE;
	uint32_t len = valid ? below(max) : below(max + max / 3);

	/* Any byte but NUL and '@': announcements are another test's subject. */
	for (uint32_t i = 0; i < len; i++) {
		s[i] = 1 + below(255);
		if (s[i] == '@')
			s[i] = '#';
	}
	s[len] = 0;
	call(nr, valid, valid || below(2) ? (uint32_t)s : some_word(), 0, 0, 0, 0);
}

static void fuzz_copybench(int valid)
{
	uint32_t op = below(3), len = below(PAGE_SIZE + 1);
	if (valid)
		call(SYS_copybench, 1, op, (op == COPYBENCH_OUT ? OUTBUF : BUF) + below(PAGE_SIZE), len, 0, 0);
	else
		call(SYS_copybench, 0, below(2) ? op : some_word(),
		     op == COPYBENCH_OUT ? out_ptr(some_word(), len) : some_word(),
		     below(2) ? len : some_word(), 0, 0);
}

static void fuzz_simple(int nr)
{
	int r = call(nr, 1, some_word(), some_word(), 0, 0, 0);

	if ((nr == SYS_getpid && r != (int)mypid && !in_child) ||
	    (nr == SYS_getppid && r != (int)myppid && !in_child) ||
	    (nr == SYS_canary && (uint32_t)r != mycanary))
		complain("call %d returned %#x", (uint32_t)nr, (uint32_t)r, 0);
}

static void step(void)
{
	int valid = below(8) < 5;	/* a little over half: refusals abound */
	int nr = 1 + below(NSYSCALL);	/* NSYSCALL: a number past the table */

	switch (nr) {
	case SYS_write:       fuzz_write(valid); break;
	case SYS_sleep:       call(SYS_sleep, 1, below(3), some_word(), 0, 0, 0); break;
	case SYS_map:         fuzz_map(valid); break;
	case SYS_map_frames:  fuzz_map_frames(valid); break;
	case SYS_unmap:
		if (valid)
			fuzz_unmap(1, page_in_play(), 1 + below(16));
		else
			fuzz_unmap(0, some_word(), some_npages());
		break;
	case SYS_fork:        if (!in_child) fuzz_fork(); break;
	case SYS_thread:      if (!in_child) fuzz_thread(valid); break;
	case SYS_wait:        fuzz_wait(valid); break;
	case SYS_window:
		call(SYS_window, valid, valid ? OUTBUF + below(PAGE_SIZE - 12) :
		     out_ptr(some_word(), sizeof(struct window_info)), 0, 0, 0, 0);
		break;
	case SYS_window_move: fuzz_window_move(valid); break;
	case SYS_mark:        fuzz_string(SYS_mark, valid, 90); break;
	case SYS_log:         fuzz_string(SYS_log, valid, 2 * LOG_MAX); break;
	case SYS_copybench:   fuzz_copybench(valid); break;
	case SYS_cap_info ... SYS_ipc_reply: fuzz_cap(nr, valid); break;
	case NSYSCALL:
		call(below(2) ? NSYSCALL + (int)below(100) : (int)(rnd() | 0x80000000u), 0,
		     some_word(), some_word(), some_word(), some_word(), some_word());
		break;
	default:              fuzz_simple(nr); break;
	}
}

/* ---- setting up and reporting ----------------------------------------------- */

static void setup(void)
{
	uint8_t *b;

	if (map(ARENA, ARENA_PAGES, MAP_WRITE) != 0) {
		printf("fuzz: cannot map the arena\n");
		exit(2);
	}
	b = (uint8_t *)BUF;
	for (uint32_t i = 0; i < 4 * PAGE_SIZE; i++)
		b[i] = (uint8_t)(0x20 + below(0x5F));	/* printable: the console stays readable */
	for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
		((uint32_t *)SENTINEL)[i] = 0x5E000000u | i;
	memset((void *)HLT_PAGE, 0xF4, PAGE_SIZE);
	mypid = getpid();
	myppid = getppid();
	mycanary = canary();
	if (!ensure_slab() || (ep_fd = call(SYS_ep_create, 1, slab_fd, 0, 0, 0, 0)) < 0) {
		printf("fuzz: cannot make an endpoint\n");
		exit(2);
	}
	rescan();
}

static int sentinel_intact(void)
{
	for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
		if (((uint32_t *)SENTINEL)[i] != (0x5E000000u | i))
			return 0;
	return 1;
}

static void report(uint32_t seed)
{
	int weak = 0;

	printf("fuzz: seed %u, table: call calls past-checks ok\n", seed);
	for (int i = 0; i < NCOUNT; i++) {
		printf("fuzz: %-12s %7u %7u %7u\n", names[i], tally[i].calls, tally[i].past,
		       tally[i].ok);
		weak += i != OTHER && 2 * tally[i].past < tally[i].calls;
	}
	printf("fuzz: %d calls below half past the checks, %u unexpected results\n", weak,
	       unexpected);
}

int main(int argc, char **argv)
{
	uint32_t seed = arg_decimal(argc, argv, 1, 1);
	uint32_t n = arg_decimal(argc, argv, 2, 1000);
	uint32_t total = 0;

	rng = seed * 2654435761u | 1;
	setup();
	for (uint32_t steps = 1; total < n; steps++) {
		step();
		if (steps % 1024 == 0)
			fuzz_unmap(1, PLAY, PLAY_PAGES);	/* keep memory bounded */
		total = 0;
		for (int i = 1; i < NCOUNT; i++)	/* exit's row counts reaped children */
			total += tally[i].calls;
	}
	for (int i = 0; i < MAXLIVE; i++) {
		if (live_thread[i])
			reap(&live_thread[i], thread_status[i]);
		if (live_child[i])
			reap(&live_child[i], child_status[i]);
	}
	if (!sentinel_intact())
		complain("the arena's sentinel page changed", 0, 0, 0);
	report(seed);
	return unexpected ? 1 : 0;
}
