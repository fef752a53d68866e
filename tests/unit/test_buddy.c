// Unit tests for kernel/buddy.c: the buddy allocator, page refcounts and
// the b_ blocks, checked against an independent model of frames.

#include <stdlib.h>
#include <string.h>
#include "buddy.h"
#include "unit.h"

#define BASE    0x00100000u     // 1 MiB: aligned for order 8, not for 9 and 10
#define NPAGES  3001u
#define PG      4096u

static void *meta;
static int corrupt_calls;
static const char *corrupt_why;

void buddy_corrupt(const char *why, uint32_t pa)
{
	(void)pa;
	corrupt_calls++;
	corrupt_why = why;
}

// ---- the model: which frames are released, which are in use, which
// frames head a live block (and of what kind and order) ----

enum { NONE, PAGE_HEAD, BLOCK_HEAD };
static uint8_t released[NPAGES], used[NPAGES], head[NPAGES], horder[NPAGES];

static uint32_t idx(uint32_t pa) { return (pa - BASE) / PG; }

static void setup(uint32_t lo, uint32_t hi)
{
	free(meta);
	meta = malloc(buddy_meta_bytes(NPAGES));
	memset(meta, 0xA5, buddy_meta_bytes(NPAGES));   // init must not trust it
	buddy_init(BASE, NPAGES, meta);
	buddy_release(lo, hi);
	memset(released, 0, sizeof released);
	memset(used, 0, sizeof used);
	memset(head, 0, sizeof head);
	for (uint32_t i = 0; i < NPAGES; i++) {
		uint32_t pa = BASE + i * PG;
		released[i] = pa >= lo && pa + PG <= hi;
	}
	corrupt_calls = 0;
}

static int frame_free(uint64_t pfn)
{
	uint64_t first = BASE / PG;
	if (pfn < first || pfn >= first + NPAGES)
		return 0;
	return released[pfn - first] && !used[pfn - first];
}

// The unique fully coalesced shape of the model's free frames: an aligned
// block counts when all its frames are free and its parent's are not.
static void shape(uint64_t pfn, unsigned order, uint32_t *count)
{
	int all = 1;
	for (uint64_t p = pfn; p < pfn + (1u << order) && all; p++)
		all = frame_free(p);
	if (all)
		count[order]++;
	else if (order > 0) {
		shape(pfn, order - 1, count);
		shape(pfn + (1u << (order - 1)), order - 1, count);
	}
}

static void expected_shape(uint32_t *count)
{
	memset(count, 0, sizeof(uint32_t) * (BUDDY_MAX_ORDER + 1));
	uint64_t top = 1u << BUDDY_MAX_ORDER;
	for (uint64_t pfn = BASE / PG / top * top; pfn < BASE / PG + NPAGES; pfn += top)
		shape(pfn, BUDDY_MAX_ORDER, count);
}

static int model_free_pages(void)
{
	int n = 0;
	for (uint32_t i = 0; i < NPAGES; i++)
		n += released[i] && !used[i];
	return n;
}

static void check_against_model(void)
{
	struct buddy_info info;
	uint32_t want[BUDDY_MAX_ORDER + 1];
	buddy_info(&info);
	expected_shape(want);
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		CHECK_EQ(info.free_blocks[k], want[k]);
	CHECK_EQ(info.free_pages, model_free_pages());
	CHECK_EQ(info.used_pages + info.free_pages, info.total_pages);
}

// Record a fresh block in the model after checking it is aligned, managed
// and overlaps nothing.
static int model_take(uint32_t pa, unsigned order, int kind)
{
	if (!CHECK(pa != 0) || !CHECK(pa % (PG << order) == 0) ||
	    !CHECK(pa >= BASE && idx(pa) + (1u << order) <= NPAGES))
		return 0;
	for (uint32_t i = idx(pa); i < idx(pa) + (1u << order); i++) {
		if (!CHECK(released[i] && !used[i]))
			return 0;
		used[i] = 1;
	}
	head[idx(pa)] = kind;
	horder[idx(pa)] = order;
	return 1;
}

static void model_drop(uint32_t pa)
{
	for (uint32_t i = idx(pa); i < idx(pa) + (1u << horder[idx(pa)]); i++)
		used[i] = 0;
	head[idx(pa)] = NONE;
}

// ---- tests ----

static void test_release_shape(void)
{
	// Unaligned ends: the partial pages at both ends stay reserved.
	setup(BASE + 3 * PG - 100, BASE + (NPAGES - 5) * PG + 0x800);
	struct buddy_info info;
	buddy_info(&info);
	CHECK_EQ(info.total_pages, NPAGES - 8 + 1 - 1);
	CHECK_EQ(info.used_pages, 0);
	check_against_model();
	CHECK(!buddy_owns(BASE + PG));
	CHECK(buddy_owns(BASE + 3 * PG));
	CHECK(buddy_owns(BASE + 3 * PG + 123));
	CHECK(!buddy_owns(BASE + (NPAGES - 4) * PG));
	CHECK(!buddy_owns(BASE + NPAGES * PG));
	CHECK(!buddy_owns(BASE - PG));
	// Releasing again changes nothing.
	buddy_release(BASE, BASE + NPAGES * PG + PG);
	buddy_info(&info);
	CHECK_EQ(info.total_pages, NPAGES);     // now really everything
	for (uint32_t i = 0; i < NPAGES; i++)
		released[i] = 1;
	check_against_model();
	buddy_release(BASE, BASE + NPAGES * PG);
	buddy_info(&info);
	CHECK_EQ(info.total_pages, NPAGES);
}

static void test_page_zero_never_given(void)
{
	uint8_t m[16 * sizeof(uint32_t) * 4];
	CHECK(buddy_meta_bytes(16) <= sizeof m);
	buddy_init(0, 16, m);
	buddy_release(0, 16 * PG);
	struct buddy_info info;
	buddy_info(&info);
	CHECK_EQ(info.total_pages, 15);
	CHECK(!buddy_owns(0));
	for (int n = 0; n < 15; n++)
		CHECK(page_alloc() != 0);
	CHECK_EQ(page_alloc(), 0);
	CHECK_EQ(buddy_alloc(BUDDY_MAX_ORDER + 1), 0);
}

static void test_alignment_and_exhaustion(void)
{
	for (unsigned order = 0; order <= BUDDY_MAX_ORDER; order++) {
		setup(BASE, BASE + NPAGES * PG);
		int got = 0;
		uint32_t pa;
		while ((pa = buddy_alloc(order)) != 0) {
			if (!model_take(pa, order, PAGE_HEAD))
				return;
			CHECK_EQ(page_refcount(pa), 1);
			got++;
		}
		// Exhausted: the model has no free aligned block this big left.
		uint32_t want[BUDDY_MAX_ORDER + 1];
		expected_shape(want);
		for (unsigned k = order; k <= BUDDY_MAX_ORDER; k++)
			CHECK_EQ(want[k], 0);
		CHECK(got > 0);
		check_against_model();
		// Free everything back: fully coalesced again.
		for (uint32_t i = 0; i < NPAGES; i++)
			if (head[i] == PAGE_HEAD) {
				buddy_free(BASE + i * PG);
				model_drop(BASE + i * PG);
			}
		check_against_model();
		CHECK_EQ(corrupt_calls, 0);
	}
}

static void test_split_and_coalesce_order(void)
{
	setup(BASE, BASE + 1024 * PG);  // frames 256..1279: orders 8, 9, 8
	check_against_model();
	uint32_t a = page_alloc();
	// Splitting: one page out of the lowest order-8 block leaves 1,2,..,128.
	struct buddy_info info;
	buddy_info(&info);
	for (unsigned k = 0; k < 8; k++)
		CHECK_EQ(info.free_blocks[k], 1);
	model_take(a, 0, PAGE_HEAD);
	check_against_model();
	buddy_free(a);
	model_drop(a);
	check_against_model();
}

static void test_refcounts(void)
{
	setup(BASE, BASE + 64 * PG);
	uint32_t pa = page_alloc();
	CHECK_EQ(page_refcount(pa), 1);
	page_ref(pa);
	page_ref(pa);
	CHECK_EQ(page_refcount(pa), 3);
	CHECK_EQ(page_unref(pa), 2);
	buddy_free(pa);             // shared: refused
	CHECK_EQ(corrupt_calls, 1);
	CHECK_EQ(page_unref(pa), 1);
	CHECK_EQ(page_unref(pa), 0);
	CHECK_EQ(page_refcount(pa), 0);
	struct buddy_info info;
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 0);
	page_unref(pa);             // already free
	page_ref(pa);
	CHECK_EQ(corrupt_calls, 3);
	// A multi-page block is refcounted as a whole.
	uint32_t big = buddy_alloc(3);
	page_ref(big);
	CHECK_EQ(page_unref(big), 1);
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 8);
	CHECK_EQ(page_unref(big), 0);
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 0);
	CHECK_EQ(corrupt_calls, 3);
}

// A block of separately counted frames: aligned, each page refcounted on
// its own, and whole again (one free block) once the last page goes.
static void test_alloc_frames(void)
{
	setup(BASE, BASE + 64 * PG);
	struct buddy_info before, info;
	buddy_info(&before);
	uint32_t pa = buddy_alloc_frames(3);
	CHECK(pa != 0 && (pa / PG) % 8 == 0);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_EQ(page_refcount(pa + i * PG), 1);
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 8);
	page_ref(pa + 5 * PG);
	for (uint32_t i = 0; i < 8; i++)
		page_unref(pa + i * PG);
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 1);
	CHECK_EQ(page_unref(pa + 5 * PG), 0);
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 0);
	CHECK(memcmp(info.free_blocks, before.free_blocks, sizeof info.free_blocks) == 0);
	CHECK_EQ(buddy_alloc_frames(BUDDY_MAX_ORDER + 1), 0);
	CHECK_EQ(corrupt_calls, 0);
}

static void test_freeing_non_blocks(void)
{
	setup(BASE, BASE + 64 * PG);
	uint32_t big = buddy_alloc(2);
	buddy_free(big + PG);       // inside a block
	buddy_free(big + 1);        // not page aligned
	buddy_free(BASE + 4096 * PG); // not managed
	CHECK_EQ(corrupt_calls, 3);
	CHECK_EQ(page_refcount(big), 1);
	CHECK_EQ(page_refcount(big + PG), 0);
	buddy_free(big);
	buddy_free(big);            // double free
	CHECK_EQ(corrupt_calls, 4);
	CHECK(corrupt_why != NULL);
	// b_ and refcounted blocks do not mix.
	uint32_t b = b_malloc(PG);
	uint32_t p = page_alloc();
	CHECK_EQ(b_free(p), -1);
	buddy_free(b);
	CHECK_EQ(corrupt_calls, 5);
	CHECK_EQ(b_free(b + 1), -1);
	CHECK_EQ(b_free(b), 0);
	CHECK_EQ(b_free(b), -1);
	CHECK_EQ(page_refcount(p), 1);
}

static void test_b_malloc_sizes(void)
{
	static const struct { uint32_t bytes; int pages; } cases[] = {
		{ 0, 1 }, { 1, 1 }, { 4096, 1 }, { 4097, 2 }, { 8192, 2 }, { 8193, 4 },
		{ 32768, 8 }, { 4u << 20, 1024 }, { (4u << 20) + 1, 0 }, { 8u << 20, 0 },
		{ 0xFFFFFFFFu, 0 },
	};
	for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		setup(BASE, BASE + NPAGES * PG);
		uint32_t pa = b_malloc(cases[c].bytes);
		if (cases[c].pages == 0) {
			CHECK_EQ(pa, 0);
			continue;
		}
		CHECK(pa != 0 && pa % (PG * cases[c].pages) == 0);
		uint32_t bpa, bytes;
		CHECK_EQ(b_blocks(&bpa, &bytes, 1), 1);
		CHECK_EQ(bpa, pa);
		CHECK_EQ(bytes, PG * cases[c].pages);
		struct buddy_info info;
		buddy_info(&info);
		CHECK_EQ(info.used_pages, cases[c].pages);
	}
}

// Seed 002's check_b_utils, scaled to our 4 MiB maximum.
static void test_b_split_coalesce(void)
{
	setup(BASE, BASE + NPAGES * PG);
	uint32_t blk = b_malloc(32768);
	uint32_t piece[8];
	CHECK_EQ(b_split(blk, 8, piece), 0);
	for (int p = 0; p < 8; p++)
		CHECK_EQ(piece[p], blk + p * PG);
	uint32_t pa[16], bytes[16];
	CHECK_EQ(b_blocks(pa, bytes, 16), 8);
	CHECK_EQ(bytes[7], PG);
	// Pieces 1 and 2 are neighbours but not buddies: refused.
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ piece[1], piece[2] }), 0);
	// 2,3 then 0,1 (given in any order), then the two halves.
	uint32_t hi = b_coalesce(2, (uint32_t[]){ piece[3], piece[2] });
	CHECK_EQ(hi, piece[2]);
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ piece[0], piece[2] }), 0); // sizes differ
	uint32_t lo = b_coalesce(2, (uint32_t[]){ piece[0], piece[1] });
	CHECK_EQ(lo, blk);
	uint32_t half = b_coalesce(2, (uint32_t[]){ hi, lo });
	CHECK_EQ(half, blk);
	CHECK_EQ(b_blocks(pa, bytes, 16), 5);  // the half and pieces 4..7
	CHECK_EQ(bytes[0], 4 * PG);
	CHECK_EQ(pa[1], piece[4]);
	CHECK_EQ(b_coalesce(4, (uint32_t[]){ piece[4], piece[5], piece[6], piece[7] }), piece[4]);
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ blk, piece[4] }), blk);
	CHECK_EQ(b_blocks(pa, bytes, 16), 1);
	CHECK_EQ(bytes[0], 32768);
	// Error codes.
	CHECK_EQ(b_split(blk, 3, piece), B_ESPLITN);
	CHECK_EQ(b_split(blk, 1, piece), B_ESPLITN);
	CHECK_EQ(b_split(blk, 0, piece), B_ESPLITN);
	CHECK_EQ(b_split(blk + PG, 2, piece), B_EBLOCK);
	CHECK_EQ(b_split(blk, 16, piece), B_ETOOMANY);
	CHECK_EQ(b_coalesce(3, piece), 0);
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ blk, blk }), 0);
	// Two whole blocks that are buddies but one is a refcounted page.
	setup(BASE, BASE + 2 * PG);
	uint32_t b = b_malloc(1), p = page_alloc();
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ b, p }), 0);
	CHECK_EQ(b_free(b), 0);
	buddy_free(p);
	model_take(b_malloc(8192), 1, BLOCK_HEAD);  // fully coalesced again
	CHECK_EQ(corrupt_calls, 0);
	// A merge would have to cross the managed range's aligned edge.
	setup(BASE + PG, BASE + 3 * PG);
	uint32_t x = b_malloc(1), y = b_malloc(1);
	CHECK_EQ(b_coalesce(2, (uint32_t[]){ x, y }), 0);
}

// Random operations on all kinds of blocks, checked against the model.
static uint32_t live[NPAGES];
static int nlive;

static void forget_live(int n)
{
	live[n] = live[--nlive];
}

static void stress_alloc(void)
{
	unsigned order = unit_rand_below(4) ? unit_rand_below(3) : unit_rand_below(BUDDY_MAX_ORDER + 1);
	int kind = unit_rand_below(2) ? PAGE_HEAD : BLOCK_HEAD;
	uint32_t pa;
	if (kind == PAGE_HEAD)
		pa = buddy_alloc(order);
	else
		pa = b_malloc(order ? (PG << (order - 1)) + 1 + unit_rand_below(PG << (order - 1)) : unit_rand_below(PG + 1));
	if (pa == 0) {
		uint32_t want[BUDDY_MAX_ORDER + 1];
		expected_shape(want);
		for (unsigned k = order; k <= BUDDY_MAX_ORDER; k++)
			CHECK_EQ(want[k], 0);
		return;
	}
	if (model_take(pa, order, kind))
		live[nlive++] = pa;
}

static void stress_release(int n)
{
	uint32_t pa = live[n];
	if (head[idx(pa)] == PAGE_HEAD) {
		int refs = 1 + unit_rand_below(3);
		for (int r = 1; r < refs; r++)
			page_ref(pa);
		for (int r = refs - 1; r > 0; r--)
			CHECK_EQ(page_unref(pa), r);
		if (unit_rand_below(2))
			buddy_free(pa);
		else
			CHECK_EQ(page_unref(pa), 0);
	} else {
		CHECK_EQ(b_free(pa), 0);
	}
	model_drop(pa);
	forget_live(n);
}

static void stress_split(int n)
{
	uint32_t pa = live[n];
	unsigned order = horder[idx(pa)];
	if (head[idx(pa)] != BLOCK_HEAD || order == 0)
		return;
	unsigned shift = 1 + unit_rand_below(order);
	uint32_t out[1u << BUDDY_MAX_ORDER];
	CHECK_EQ(b_split(pa, 1u << shift, out), 0);
	model_drop(pa);
	forget_live(n);
	for (unsigned p = 0; p < (1u << shift); p++) {
		CHECK_EQ(out[p], pa + (p << (order - shift)) * PG);
		if (model_take(out[p], order - shift, BLOCK_HEAD))
			live[nlive++] = out[p];
	}
}

// Try to merge the aligned group around a random b_ block; the model
// predicts whether the allocator must accept.
static void stress_coalesce(int n)
{
	uint32_t pa = live[n];
	unsigned order = horder[idx(pa)];
	if (head[idx(pa)] != BLOCK_HEAD || order == BUDDY_MAX_ORDER)
		return;
	unsigned shift = 1 + unit_rand_below(BUDDY_MAX_ORDER - order);
	uint32_t group = PG << (order + shift);
	uint32_t first = pa / group * group;
	unsigned count = 1u << shift;
	uint32_t pas[1u << BUDDY_MAX_ORDER];
	int ok = 1;
	for (unsigned p = 0; p < count; p++) {
		pas[p] = first + (p << order) * PG;
		ok = ok && pas[p] >= BASE && idx(pas[p]) < NPAGES &&
		     head[idx(pas[p])] == BLOCK_HEAD && horder[idx(pas[p])] == order;
	}
	for (unsigned p = count - 1; p > 0; p--) {      // shuffle
		unsigned q = unit_rand_below(p + 1);
		uint32_t t = pas[p]; pas[p] = pas[q]; pas[q] = t;
	}
	uint32_t got = b_coalesce(count, pas);
	CHECK_EQ(got, ok ? first : 0);
	if (!ok || got != first)
		return;
	for (unsigned p = 0; p < count; p++) {
		model_drop(pas[p]);
		for (int l = 0; l < nlive; l++)
			if (live[l] == pas[p]) {
				forget_live(l);
				break;
			}
	}
	if (model_take(first, order + shift, BLOCK_HEAD))
		live[nlive++] = first;
}

static void test_random_stress(void)
{
	unit_seed(12345);
	setup(BASE + 7 * PG, BASE + (NPAGES - 3) * PG);
	nlive = 0;
	for (int step = 0; step < 40000; step++) {
		uint32_t op = unit_rand_below(10);
		if (nlive == 0 || op < 4)
			stress_alloc();
		else if (op < 7)
			stress_release(unit_rand_below(nlive));
		else if (op < 8)
			stress_split(unit_rand_below(nlive));
		else
			stress_coalesce(unit_rand_below(nlive));
		if (step % 97 == 0)
			check_against_model();
	}
	CHECK(nlive > 0);
	int listed = b_blocks(live, live, 0), blocks = 0;
	for (uint32_t i = 0; i < NPAGES; i++)
		blocks += head[i] == BLOCK_HEAD;
	CHECK_EQ(listed, blocks);
	while (nlive > 0)
		stress_release(nlive - 1);
	check_against_model();
	struct buddy_info info;
	buddy_info(&info);
	CHECK_EQ(info.used_pages, 0);
	CHECK_EQ(corrupt_calls, 0);
}

int main(void)
{
	RUN(test_release_shape);
	RUN(test_page_zero_never_given);
	RUN(test_alignment_and_exhaustion);
	RUN(test_split_and_coalesce_order);
	RUN(test_refcounts);
	RUN(test_alloc_frames);
	RUN(test_freeing_non_blocks);
	RUN(test_b_malloc_sizes);
	RUN(test_b_split_coalesce);
	RUN(test_random_stress);
	free(meta);
	return unit_finish();
}
