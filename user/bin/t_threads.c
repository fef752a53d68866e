/* t_threads — threads share one address space, and so one window.
 *
 * Four threads (SYS_thread) count on their own stacks, write tags into a
 * page the main thread mapped, and the last one moves the window; the main
 * thread waits for each, sees every count and tag, and finds the window
 * where the thread put it.
 */
#include "user.h"

#define NTHREADS 4
#define STACK_PAGES 4
#define STACKS 0x60000000u
#define SHARED 0x61000000u
#define ROUNDS 1000
#define MOVED_WINDOW 0x62000000u

static volatile uint32_t counter[NTHREADS];

static void worker(void *arg)
{
	uint32_t id = (uint32_t)arg;

	for (int i = 0; i < ROUNDS; i++) {
		counter[id]++;
		if (i % 100 == 0)
			yield();	/* let the others run in between */
	}
	((volatile uint32_t *)SHARED)[id] = 0xC0DE0000u | id;
	if (id == NTHREADS - 1)
		window_move(MOVED_WINDOW);
	exit(10 + id);
}

int main(void)
{
	int tid[NTHREADS], created = 0, reaped = 0, counted = 0, tagged = 0;
	struct window_info w;

	skip_all_if_shared();
	plan(6);
	ok(map(STACKS, NTHREADS * STACK_PAGES, MAP_WRITE) == 0 && map(SHARED, 1, MAP_WRITE) == 0,
	   "thread stacks and a shared page mapped");
	for (int i = 0; i < NTHREADS; i++) {
		uint32_t top = STACKS + (i + 1) * STACK_PAGES * PAGE_SIZE;
		tid[i] = thread(worker, (void *)top, (void *)(uint32_t)i);
		created += tid[i] > 0 && tid[i] != getpid();
	}
	ok(created == NTHREADS, "%d threads created", created);
	for (int i = 0; i < NTHREADS; i++) {
		int status = -1;
		reaped += wait(tid[i], &status) == tid[i] && status == 10 + i;
	}
	ok(reaped == NTHREADS, "%d threads exited with their own status", reaped);
	for (int i = 0; i < NTHREADS; i++) {
		counted += counter[i] == ROUNDS;
		tagged += ((volatile uint32_t *)SHARED)[i] == (0xC0DE0000u | i);
	}
	ok(counted == NTHREADS, "the main thread sees every thread's %d increments", ROUNDS);
	ok(tagged == NTHREADS, "the main thread sees every thread's tag in the shared page");
	int asked = window(&w);
	ok(asked == 0 && w.va == MOVED_WINDOW, "a thread moved the window for all: it is at %#x", w.va);
	done();
}
