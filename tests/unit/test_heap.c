// Unit tests for kernel/heap.c, with a model of every live allocation.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "heap.h"
#include "unit.h"

#define ARENA   (1u << 20)
#define HDR     (2 * sizeof(size_t))    // the documented alignment and header
#define MAXLIVE 4096

static unsigned char *arena_mem;
static unsigned char *arena;            // deliberately misaligned by 3
static int corrupt_calls;
static const char *corrupt_why = "";

void heap_corrupt(const char *why)
{
	corrupt_why = why;
	corrupt_calls++;
}

static void setup(void)
{
	free(arena_mem);
	arena_mem = malloc(ARENA + 64);
	arena = arena_mem + 3;
	memset(arena_mem, 0xEE, ARENA + 64);
	heap_init(arena, ARENA);
	corrupt_calls = 0;
}

static int inside_arena(const void *p, size_t n)
{
	const unsigned char *c = p;
	return c >= arena && c + n <= arena + ARENA;
}

static unsigned char pattern(uint32_t tag, size_t i) { return (unsigned char)(tag + i * 31); }

static void fill(unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(tag, i);
}

static int intact(const unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(tag, i))
			return 0;
	return 1;
}

static void test_fresh_heap(void)
{
	setup();
	struct heap_info info;
	heap_info(&info);
	CHECK(info.arena > ARENA - 4 * HDR && info.arena <= ARENA);
	CHECK_EQ(info.free, info.arena);
	CHECK_EQ(info.used, 0);
	CHECK_EQ(info.allocs, 0);
	CHECK_EQ(info.largest_free, info.arena - HDR);
	// The largest free block really can be had, whole, and then nothing.
	void *all = kmalloc(info.largest_free);
	CHECK(all != NULL && inside_arena(all, info.largest_free));
	CHECK(kmalloc(1) == NULL);
	heap_info(&info);
	CHECK_EQ(info.free, 0);
	CHECK_EQ(info.allocs, 1);
	kfree(all);
	heap_info(&info);
	CHECK_EQ(info.free, info.arena);
	// Tiny arenas hold nothing but do not crash.
	heap_init(arena, 8);
	CHECK(kmalloc(1) == NULL);
	heap_info(&info);
	CHECK_EQ(info.arena, 0);
}

static void test_alignment_and_distinct(void)
{
	setup();
	static void *p[300];
	for (size_t n = 0; n < 300; n++) {
		p[n] = kmalloc(n);
		CHECK(p[n] != NULL);
		CHECK_EQ((uintptr_t)p[n] % HDR, 0);
		CHECK(inside_arena(p[n], n));
		fill(p[n], n, n);
	}
	for (size_t n = 0; n < 300; n++)
		CHECK(intact(p[n], n, n));
	for (size_t n = 0; n < 300; n += 2)
		kfree(p[n]);
	for (size_t n = 1; n < 300; n += 2)
		CHECK(intact(p[n], n, n));
	for (size_t n = 1; n < 300; n += 2)
		kfree(p[n]);
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, 0);
	CHECK_EQ(info.free, info.arena);
	CHECK_EQ(info.largest_free, info.arena - HDR);  // fully coalesced
	CHECK_EQ(corrupt_calls, 0);
}

static void test_exhaustion(void)
{
	setup();
	static void *p[ARENA / 16];
	int n = 0;
	while ((p[n] = kmalloc(100 + n % 200)) != NULL)
		n++;
	CHECK(n > (int)(ARENA / 400));
	CHECK(kmalloc(ARENA) == NULL);
	CHECK(kmalloc((size_t)-1) == NULL);
	CHECK(kmalloc((size_t)-1 - 64) == NULL);
	CHECK(krealloc(p[0], (size_t)-1) == NULL);
	CHECK(kcalloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
	CHECK(kcalloc(3, (size_t)-1 / 2) == NULL);
	for (int i = n - 1; i > 0; i -= 2)      // every other, then the rest
		kfree(p[i]);
	for (int i = n - 2; i >= 0; i -= 2)
		kfree(p[i]);
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, 0);
	CHECK_EQ(info.largest_free, info.arena - HDR);
	CHECK_EQ(corrupt_calls, 0);
}

static void test_realloc_and_calloc(void)
{
	setup();
	unsigned char *a = krealloc(NULL, 10);
	CHECK(a != NULL);
	fill(a, 10, 7);
	unsigned char *wall = kmalloc(32);      // so a cannot grow in place
	for (size_t n = 20; n < 70000; n = n * 3 / 2) {
		a = krealloc(a, n);
		if (!CHECK(a != NULL) || !CHECK(intact(a, 10, 7)))
			return;
	}
	a = krealloc(a, 5);                     // shrink keeps the prefix
	CHECK(intact(a, 5, 7));
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, 2);
	CHECK(krealloc(a, 0) == NULL);          // frees
	heap_info(&info);
	CHECK_EQ(info.allocs, 1);
	kfree(wall);
	// A failed krealloc leaves the block alone.
	unsigned char *b = kmalloc(64);
	fill(b, 64, 9);
	CHECK(krealloc(b, 2 * ARENA) == NULL);
	CHECK(intact(b, 64, 9));
	kfree(b);
	// kcalloc zeroes memory that was dirty.
	unsigned char *d = kmalloc(4000);
	memset(d, 0xFF, 4000);
	kfree(d);
	unsigned char *z = kcalloc(1000, 4);
	int zero = 1;
	for (int i = 0; i < 4000; i++)
		zero &= z[i] == 0;
	CHECK(zero);
	kfree(z);
	CHECK_EQ(corrupt_calls, 0);
}

static void test_bad_frees(void)
{
	setup();
	unsigned char *a = kmalloc(100), *b = kmalloc(100);
	kfree(a);
	kfree(a);                       // double free
	CHECK_EQ(corrupt_calls, 1);
	CHECK(strcmp(corrupt_why, "double free") == 0);
	kfree(b + HDR);                 // inside a block
	CHECK_EQ(corrupt_calls, 2);
	kfree(b + 1);                   // misaligned
	kfree(arena_mem + ARENA + 32);  // outside
	int local;
	kfree(&local);
	CHECK_EQ(corrupt_calls, 5);
	CHECK(krealloc(a, 10) == NULL); // realloc of a freed block
	CHECK_EQ(corrupt_calls, 6);
	// The heap is still sound.
	kfree(b);
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, 0);
	CHECK_EQ(info.largest_free, info.arena - HDR);
	CHECK_EQ(corrupt_calls, 6);
}

// Random malloc/free/realloc with contents and placement checked.
struct live { unsigned char *p; size_t n; uint32_t tag; };
static struct live live[MAXLIVE];
static int nlive;

static size_t random_size(void)
{
	uint32_t r = unit_rand_below(100);
	if (r < 70)
		return unit_rand_below(65);
	if (r < 97)
		return unit_rand_below(4097);
	return unit_rand_below(65537);
}

static int by_address(const void *a, const void *b)
{
	const struct live *x = a, *y = b;
	return x->p < y->p ? -1 : x->p > y->p;
}

static void check_all_live(void)
{
	static struct live sorted[MAXLIVE];
	size_t bytes = 0;
	memcpy(sorted, live, nlive * sizeof live[0]);
	qsort(sorted, nlive, sizeof sorted[0], by_address);
	for (int i = 0; i < nlive; i++) {
		CHECK(inside_arena(sorted[i].p, sorted[i].n));
		CHECK(intact(sorted[i].p, sorted[i].n, sorted[i].tag));
		if (i > 0)
			CHECK(sorted[i - 1].p + sorted[i - 1].n + HDR <= sorted[i].p);
		bytes += sorted[i].n;
	}
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, nlive);
	CHECK_EQ(info.used + info.free, info.arena);
	CHECK(info.used >= bytes + nlive * HDR);
}

// A failure is only acceptable if the heap really has no block that big.
static void check_refusal(size_t n)
{
	struct heap_info info;
	heap_info(&info);
	CHECK(info.largest_free < n);
}

static void stress_step(void)
{
	uint32_t op = unit_rand_below(10);
	if (nlive < MAXLIVE && (nlive == 0 || op < 4)) {
		size_t n = random_size();
		unsigned char *p = kmalloc(n);
		if (!p) {
			check_refusal(n);
			return;
		}
		CHECK_EQ((uintptr_t)p % HDR, 0);
		live[nlive] = (struct live){ p, n, unit_rand() };
		fill(p, n, live[nlive].tag);
		nlive++;
	} else if (op < 7) {
		int i = unit_rand_below(nlive);
		CHECK(intact(live[i].p, live[i].n, live[i].tag));
		kfree(live[i].p);
		live[i] = live[--nlive];
	} else {
		int i = unit_rand_below(nlive);
		size_t n = unit_rand_below(2) ? live[i].n + random_size() : unit_rand_below(live[i].n + 1);
		unsigned char *p = krealloc(live[i].p, n);
		if (n == 0) {
			CHECK(p == NULL);
			live[i] = live[--nlive];
			return;
		}
		if (!p) {
			check_refusal(n);
			CHECK(intact(live[i].p, live[i].n, live[i].tag));
			return;
		}
		size_t keep = n < live[i].n ? n : live[i].n;
		CHECK(intact(p, keep, live[i].tag));
		live[i].p = p;
		live[i].n = n;
		fill(p, n, live[i].tag);
	}
}

static void test_model_stress(void)
{
	setup();
	unit_seed(4242);
	nlive = 0;
	for (int step = 0; step < 300000; step++) {
		stress_step();
		if (step % 5000 == 0)
			check_all_live();
	}
	check_all_live();
	while (nlive > 0)
		kfree(live[--nlive].p);
	struct heap_info info;
	heap_info(&info);
	CHECK_EQ(info.allocs, 0);
	CHECK_EQ(info.free, info.arena);
	CHECK_EQ(info.largest_free, info.arena - HDR);
	CHECK_EQ(corrupt_calls, 0);
}

// Lua's pattern: strings and tables grown by doubling, many short-lived
// small objects. Prints a rate; asserts only that the heap drains.
static void test_lua_pattern_rate(void)
{
	setup();
	unit_seed(7);
	static void *objs[1024];
	struct timespec t0, t1;
	long ops = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 1024; i++, ops++)
			objs[i] = kmalloc(16 + unit_rand_below(48));
		void *grow = NULL;
		for (size_t n = 16; n <= 16384; n *= 2, ops++)
			grow = krealloc(grow, n);
		for (int i = 0; i < 1024; i += 1 + (round & 1), ops++)
			kfree(objs[i]);
		for (int i = 1 - (round & 1); i < 1024 && (round & 1) == 0; i += 2, ops++)
			kfree(objs[i]);
		kfree(grow);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("  heap: %ld operations, %.1f ns each (host, test build)\n", ops, s * 1e9 / ops);
	struct heap_info info;
	heap_info(&info);
	CHECK(info.allocs < 1024 * 200);
}

int main(void)
{
	RUN(test_fresh_heap);
	RUN(test_alignment_and_distinct);
	RUN(test_exhaustion);
	RUN(test_realloc_and_calloc);
	RUN(test_bad_frees);
	RUN(test_model_stress);
	RUN(test_lua_pattern_rate);
	free(arena_mem);
	return unit_finish();
}
