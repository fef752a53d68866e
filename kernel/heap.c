// The kernel heap: TLSF (two-level segregated fit) over one arena.
//
// Each block starts with a two-word header. Free blocks sit on a free
// list chosen by their size: the first level is the power of two, the
// second splits it into 16 slices. Two bitmaps say which lists are
// non-empty, so finding a fitting block is a few bit scans. A free block
// is always merged with free neighbours, so two free blocks never touch.
// The arena ends with a size-0 "used" sentinel header.

#include <stdint.h>
#include <string.h>
#include "heap.h"

struct block {
	size_t prev_size;       // size of the block below; valid only if it is free
	size_t size;            // this block's bytes, header included, | flags
	struct block *next_free, *prev_free;    // free blocks only: overlaps payload
};

#define HDR         (2 * sizeof(size_t))
#define ALIGN       HDR
#define F_FREE      ((size_t)1)
#define F_PREV_FREE ((size_t)2)
#define MIN_BLOCK   sizeof(struct block)
#define MAX_BLOCK   ((size_t)1 << 30)

#define SL_LOG      4
#define SL_COUNT    (1 << SL_LOG)
#define FL_COUNT    32
// Sizes below 1 << FL_SHIFT go to first level 0, one list per ALIGN step.
#define FL_SHIFT    (SL_LOG + (HDR == 16 ? 4 : 3))

static char *arena_start;
static struct block *sentinel;
static uint32_t fl_bitmap, sl_bitmap[FL_COUNT];
static struct block *lists[FL_COUNT][SL_COUNT];
static size_t free_bytes, live_allocs;

static size_t bsize(const struct block *b) { return b->size & ~(F_FREE | F_PREV_FREE); }
static int is_free(const struct block *b) { return (b->size & F_FREE) != 0; }
static struct block *next_block(struct block *b) { return (struct block *)((char *)b + bsize(b)); }
static void *payload(struct block *b) { return (char *)b + HDR; }
static unsigned top_bit(size_t s) { return 31 - __builtin_clz((uint32_t)s); }

static void size_class(size_t size, unsigned *fl, unsigned *sl)
{
	if (size < ((size_t)1 << FL_SHIFT)) {
		*fl = 0;
		*sl = size / ALIGN;
	} else {
		unsigned t = top_bit(size);
		*sl = (size >> (t - SL_LOG)) ^ SL_COUNT;
		*fl = t - FL_SHIFT + 1;
	}
}

static void list_insert(struct block *b)
{
	unsigned fl, sl;
	size_class(bsize(b), &fl, &sl);
	b->prev_free = NULL;
	b->next_free = lists[fl][sl];
	if (b->next_free)
		b->next_free->prev_free = b;
	lists[fl][sl] = b;
	fl_bitmap |= 1u << fl;
	sl_bitmap[fl] |= 1u << sl;
	free_bytes += bsize(b);
}

static void list_remove(struct block *b)
{
	unsigned fl, sl;
	size_class(bsize(b), &fl, &sl);
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		lists[fl][sl] = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (!lists[fl][sl]) {
		sl_bitmap[fl] &= ~(1u << sl);
		if (!sl_bitmap[fl])
			fl_bitmap &= ~(1u << fl);
	}
	free_bytes -= bsize(b);
}

// A free block from the first non-empty list at or above (fl, sl).
static struct block *first_list_from(unsigned fl, unsigned sl)
{
	uint32_t sl_map = sl < SL_COUNT ? sl_bitmap[fl] & (~0u << sl) : 0;
	if (!sl_map) {
		uint32_t fl_map = fl + 1 < FL_COUNT ? fl_bitmap & (~0u << (fl + 1)) : 0;
		if (!fl_map)
			return NULL;
		fl = __builtin_ctz(fl_map);
		sl_map = sl_bitmap[fl];
	}
	return lists[fl][__builtin_ctz(sl_map)];
}

// A free block of at least size bytes. The fast path rounds size up to
// the next class so any block found fits; only if that fails is the
// request's own class searched, block by block, for one that is enough.
static struct block *find_fit(size_t size)
{
	unsigned fl, sl;
	if (size >= ((size_t)1 << FL_SHIFT)) {
		size_class(size + ((size_t)1 << (top_bit(size) - SL_LOG)) - 1, &fl, &sl);
		struct block *b = first_list_from(fl, sl);
		if (b)
			return b;
	}
	size_class(size, &fl, &sl);
	for (struct block *b = lists[fl][sl]; b; b = b->next_free)
		if (bsize(b) >= size)
			return b;
	return first_list_from(fl, sl + 1);
}

// Turn b (not on a list, its lower neighbour in use) into a free block,
// merged with the free neighbour above if there is one.
static void make_free(struct block *b)
{
	struct block *next = next_block(b);
	size_t size = bsize(b);
	if (is_free(next)) {
		list_remove(next);
		size += bsize(next);
	}
	b->size = size | F_FREE;
	next = next_block(b);
	next->prev_size = size;
	next->size |= F_PREV_FREE;
	list_insert(b);
}

// Cut a used block down to need bytes, freeing the tail if it is big enough.
static void trim(struct block *b, size_t need)
{
	size_t size = bsize(b);
	if (size - need < MIN_BLOCK)
		return;
	b->size = need | (b->size & F_PREV_FREE);
	struct block *rest = next_block(b);
	rest->size = size - need;
	make_free(rest);
}

// Block size for an n-byte request, or 0 if it is too big.
static size_t block_size_for(size_t n)
{
	if (n > MAX_BLOCK - HDR - ALIGN)
		return 0;
	size_t need = (n + HDR + ALIGN - 1) & ~(ALIGN - 1);
	return need < MIN_BLOCK ? MIN_BLOCK : need;
}

void heap_init(void *base, size_t bytes)
{
	uintptr_t end = (uintptr_t)base + bytes;
	if (end < (uintptr_t)base)
		end = UINTPTR_MAX;
	uintptr_t lo = ((uintptr_t)base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	uintptr_t hi = end & ~(uintptr_t)(ALIGN - 1);
	memset(lists, 0, sizeof lists);
	memset(sl_bitmap, 0, sizeof sl_bitmap);
	fl_bitmap = 0;
	free_bytes = live_allocs = 0;
	arena_start = (char *)lo;
	if (hi < lo || hi - lo < HDR + MIN_BLOCK) {
		sentinel = NULL;        // too small for even one block
		return;
	}
	if (hi - lo > MAX_BLOCK + HDR)
		hi = lo + MAX_BLOCK + HDR;
	sentinel = (struct block *)(hi - HDR);
	sentinel->size = 0;
	struct block *all = (struct block *)lo;
	all->size = (char *)sentinel - arena_start;
	make_free(all);
}

void *kmalloc(size_t n)
{
	size_t need = block_size_for(n);
	struct block *b = need && sentinel ? find_fit(need) : NULL;
	if (!b)
		return NULL;
	list_remove(b);
	b->size &= ~F_FREE;
	next_block(b)->size &= ~F_PREV_FREE;
	trim(b, need);
	live_allocs++;
	return payload(b);
}

// The block of a pointer kmalloc returned, or NULL after reporting it.
static struct block *checked_block(void *p)
{
	char *c = p;
	if (!sentinel || ((uintptr_t)c & (ALIGN - 1)) || c < arena_start + HDR || c >= (char *)sentinel) {
		heap_corrupt("pointer outside the heap");
		return NULL;
	}
	struct block *b = (struct block *)(c - HDR);
	if (is_free(b)) {
		heap_corrupt("double free");
		return NULL;
	}
	size_t size = bsize(b);
	struct block *next = (struct block *)(c - HDR + size);
	if (size < MIN_BLOCK || (size & (ALIGN - 1)) || size > (size_t)((char *)sentinel - (char *)b) ||
	    (next->size & F_PREV_FREE) || (next != sentinel && bsize(next) < MIN_BLOCK)) {
		heap_corrupt("not a heap block (bad pointer or overrun)");
		return NULL;
	}
	return b;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct block *b = checked_block(p);
	if (!b)
		return;
	live_allocs--;
	if (b->size & F_PREV_FREE) {
		struct block *prev = (struct block *)((char *)b - b->prev_size);
		list_remove(prev);
		prev->size = (bsize(prev) + bsize(b)) | F_FREE;
		b = prev;
	}
	make_free(b);
}

void *krealloc(void *p, size_t n)
{
	if (!p)
		return kmalloc(n);
	if (n == 0) {
		kfree(p);
		return NULL;
	}
	struct block *b = checked_block(p);
	size_t need = block_size_for(n);
	if (!b || !need)
		return NULL;
	struct block *next = next_block(b);
	if (need > bsize(b) && is_free(next) && bsize(b) + bsize(next) >= need) {
		list_remove(next);      // grow in place into the free block above
		b->size += bsize(next);
		next_block(b)->size &= ~F_PREV_FREE;
	}
	if (need <= bsize(b)) {
		trim(b, need);
		return p;
	}
	void *q = kmalloc(n);
	if (q) {
		memcpy(q, p, bsize(b) - HDR);
		kfree(p);
	}
	return q;
}

void *kcalloc(size_t n, size_t sz)
{
	if (sz && n > (size_t)-1 / sz)
		return NULL;
	void *p = kmalloc(n * sz);
	if (p)
		memset(p, 0, n * sz);
	return p;
}

void heap_info(struct heap_info *out)
{
	size_t arena = sentinel ? (size_t)((char *)sentinel - arena_start) : 0;
	size_t largest = 0;
	if (fl_bitmap) {
		unsigned fl = top_bit(fl_bitmap);
		for (struct block *b = lists[fl][top_bit(sl_bitmap[fl])]; b; b = b->next_free)
			if (bsize(b) > largest)
				largest = bsize(b);
	}
	out->arena = arena;
	out->free = free_bytes;
	out->used = arena - free_bytes;
	out->largest_free = largest ? largest - HDR : 0;
	out->allocs = live_allocs;
}
