// Buddy allocator over a caller-provided frame array (see buddy.h).
//
// Every frame is either the head of a block (it records the block's order
// and state) or a TAIL inside some block. Splitting turns the upper half's
// first frame into a head; merging turns the higher buddy's head into a
// tail. So walking heads from frame 0 by block size visits every block.
// Blocks are naturally aligned in physical frame numbers, so the buddy of
// the order-k block at frame number f is f ^ 2^k.

#include "buddy.h"
#include "kassert.h"

enum frame_state {
	RESERVED,   // never released (order 0)
	TAIL,       // inside a block whose head is below
	FREE,       // head of a free block, on free_list[order]
	PAGE,       // head of a buddy_alloc'd block, refcounted
	BLOCK,      // head of a b_malloc'd block
};

#define NIL 0xFFFFFFFFu

struct frame {
	union {
		struct { uint32_t next, prev; } link;   // FREE
		uint32_t refs;                          // PAGE
	} u;
	uint8_t state;
	uint8_t order;
};

static struct frame *frames;
static uint32_t base_pfn, nframes;
static uint32_t free_list[BUDDY_MAX_ORDER + 1];
static struct buddy_info counts;

size_t buddy_meta_bytes(uint32_t npages)
{
	return (size_t)npages * sizeof(struct frame);
}

static uint32_t pa_of(uint32_t i) { return (base_pfn + i) << 12; }

// Index of the frame at pa, or NIL if pa is not a managed page address.
static uint32_t index_of(uint32_t pa)
{
	uint32_t pfn = pa >> 12;
	if ((pa & 0xFFF) || pfn < base_pfn || pfn - base_pfn >= nframes)
		return NIL;
	return pfn - base_pfn;
}

static void list_push(uint32_t i, unsigned order)
{
	struct frame *f = &frames[i];
	f->state = FREE;
	f->order = order;
	f->u.link.prev = NIL;
	f->u.link.next = free_list[order];
	if (free_list[order] != NIL)
		frames[free_list[order]].u.link.prev = i;
	free_list[order] = i;
	counts.free_blocks[order]++;
}

static void list_remove(uint32_t i)
{
	struct frame *f = &frames[i];
	if (f->u.link.prev != NIL)
		frames[f->u.link.prev].u.link.next = f->u.link.next;
	else
		free_list[f->order] = f->u.link.next;
	if (f->u.link.next != NIL)
		frames[f->u.link.next].u.link.prev = f->u.link.prev;
	counts.free_blocks[f->order]--;
}

void buddy_init(uint32_t base_pa, uint32_t npages, void *meta)
{
	frames = meta;
	base_pfn = base_pa >> 12;
	nframes = npages;
	for (uint32_t i = 0; i < npages; i++)
		frames[i] = (struct frame){ .state = RESERVED, .order = 0 };
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		free_list[k] = NIL;
	counts = (struct buddy_info){ 0 };
}

// Put the block at frame i back, merging with free buddies of equal order.
static void free_block(uint32_t i, unsigned order)
{
	counts.free_pages += 1u << order;
	counts.used_pages = counts.total_pages - counts.free_pages;
	while (order < BUDDY_MAX_ORDER) {
		uint32_t b = ((base_pfn + i) ^ (1u << order)) - base_pfn;
		if (b >= nframes || frames[b].state != FREE || frames[b].order != order)
			break;
		list_remove(b);
		uint32_t lo = b < i ? b : i;
		frames[lo == i ? b : i].state = TAIL;
		i = lo;
		order++;
	}
	list_push(i, order);
}

// Release the largest block starting at pfn in one step if it lies below
// hi and is reserved throughout: boot releases most of RAM, and page by
// page (each merging with its buddies) that costs many instructions more.
static int release_whole(uint32_t pfn, uint32_t hi)
{
	uint32_t n = 1u << BUDDY_MAX_ORDER, i = pfn - base_pfn;
	if ((pfn & (n - 1)) || hi - pfn < n)
		return 0;
	for (uint32_t j = 0; j < n; j++)
		if (frames[i + j].state != RESERVED)
			return 0;
	for (uint32_t j = 1; j < n; j++)
		frames[i + j].state = TAIL;
	counts.total_pages += n;
	free_block(i, BUDDY_MAX_ORDER);
	return 1;
}

void buddy_release(uint32_t lo_pa, uint32_t hi_pa)
{
	uint32_t lo = (lo_pa >> 12) + ((lo_pa & 0xFFF) != 0);
	uint32_t hi = hi_pa >> 12;
	if (lo == 0)
		lo = 1;
	if (lo < base_pfn)
		lo = base_pfn;
	if (hi > base_pfn + nframes)
		hi = base_pfn + nframes;
	for (uint32_t pfn = lo; pfn < hi; pfn++) {
		if (release_whole(pfn, hi)) {
			pfn += (1u << BUDDY_MAX_ORDER) - 1;
			continue;
		}
		if (frames[pfn - base_pfn].state != RESERVED)
			continue;
		counts.total_pages++;
		free_block(pfn - base_pfn, 0);
	}
}

// Take a free block of exactly 2^order pages, splitting a bigger one.
static uint32_t take_block(unsigned order, enum frame_state state)
{
	unsigned k = order;
	while (k <= BUDDY_MAX_ORDER && free_list[k] == NIL)
		k++;
	if (k > BUDDY_MAX_ORDER)
		return NIL;
	uint32_t i = free_list[k];
	list_remove(i);
	while (k > order) {
		k--;
		list_push(i + (1u << k), k);
	}
	frames[i].state = state;
	frames[i].order = order;
	counts.free_pages -= 1u << order;
	counts.used_pages = counts.total_pages - counts.free_pages;
	return i;
}

uint32_t buddy_alloc(unsigned order)
{
	if (order > BUDDY_MAX_ORDER)
		return 0;
	uint32_t i = take_block(order, PAGE);
	if (i == NIL)
		return 0;
	frames[i].u.refs = 1;
	return pa_of(i);
}

uint32_t buddy_alloc_frames(unsigned order)
{
	if (order > BUDDY_MAX_ORDER)
		return 0;
	uint32_t i = take_block(order, PAGE);
	if (i == NIL)
		return 0;
	for (uint32_t j = i; j < i + (1u << order); j++) {
		frames[j].state = PAGE;
		frames[j].order = 0;
		frames[j].u.refs = 1;
	}
	return pa_of(i);
}

uint32_t page_alloc(void)
{
	return buddy_alloc(0);
}

// The refcounted block starting at pa, or NIL after reporting it.
static uint32_t page_block(uint32_t pa, const char *why)
{
	uint32_t i = index_of(pa);
	if (i == NIL || frames[i].state != PAGE) {
		buddy_corrupt(why, pa);
		return NIL;
	}
	return i;
}

void buddy_free(uint32_t pa)
{
	uint32_t i = page_block(pa, "buddy_free: not an allocated block");
	if (i == NIL)
		return;
	if (frames[i].u.refs != 1) {
		buddy_corrupt("buddy_free: block is shared", pa);
		return;
	}
	free_block(i, frames[i].order);
}

void page_ref(uint32_t pa)
{
	uint32_t i = page_block(pa, "page_ref: not an allocated page");
	if (i == NIL)
		return;
	KASSERT(frames[i].u.refs > 0 && frames[i].u.refs + 1 != 0);
	frames[i].u.refs++;
}

unsigned page_unref(uint32_t pa)
{
	uint32_t i = page_block(pa, "page_unref: not an allocated page");
	if (i == NIL)
		return 0;
	KASSERT(frames[i].u.refs > 0); /* never below zero: a free block is not PAGE */
	unsigned left = --frames[i].u.refs;
	if (left == 0)
		free_block(i, frames[i].order);
	return left;
}

unsigned page_refcount(uint32_t pa)
{
	uint32_t i = index_of(pa);
	return i != NIL && frames[i].state == PAGE ? frames[i].u.refs : 0;
}

int buddy_owns(uint32_t pa)
{
	uint32_t i = index_of(pa & ~0xFFFu);
	if (i == NIL)
		return 0;
	// A reserved frame is never inside a block, so it is its own head.
	return frames[i].state != RESERVED;
}

void buddy_info(struct buddy_info *out)
{
	*out = counts;
}

// ---- b_ blocks: contiguous runs split and coalesced (docs/memory.md) ----

static unsigned order_for_pages(uint32_t pages)
{
	unsigned k = 0;
	while ((1u << k) < pages)
		k++;
	return k;
}

uint32_t b_malloc(uint32_t bytes)
{
	uint32_t pages = bytes / PAGE_SIZE_BYTES + (bytes % PAGE_SIZE_BYTES != 0);
	if (pages > (1u << BUDDY_MAX_ORDER))
		return 0;
	uint32_t i = take_block(order_for_pages(pages ? pages : 1), BLOCK);
	return i == NIL ? 0 : pa_of(i);
}

static uint32_t b_block_index(uint32_t pa)
{
	uint32_t i = index_of(pa);
	return i != NIL && frames[i].state == BLOCK ? i : NIL;
}

int b_free(uint32_t pa)
{
	uint32_t i = b_block_index(pa);
	if (i == NIL)
		return -1;
	free_block(i, frames[i].order);
	return 0;
}

static int is_pow2(unsigned n) { return n >= 2 && (n & (n - 1)) == 0; }

int b_split(uint32_t pa, unsigned n, uint32_t *out)
{
	if (!is_pow2(n))
		return B_ESPLITN;
	uint32_t i = b_block_index(pa);
	if (i == NIL)
		return B_EBLOCK;
	unsigned shift = order_for_pages(n);
	if (shift > frames[i].order)
		return B_ETOOMANY;
	unsigned order = frames[i].order - shift;
	for (unsigned p = 0; p < n; p++) {
		uint32_t j = i + (p << order);
		frames[j].state = BLOCK;
		frames[j].order = order;
		out[p] = pa_of(j);
	}
	return 0;
}

uint32_t b_coalesce(unsigned n, const uint32_t *pas)
{
	if (!is_pow2(n))
		return 0;
	// The lowest piece must start the merged block; every other piece
	// must be a b_ block of the same order at its own slot in it.
	uint32_t lo = NIL;
	for (unsigned p = 0; p < n; p++) {
		uint32_t i = b_block_index(pas[p]);
		if (i == NIL)
			return 0;
		if (lo == NIL || i < lo)
			lo = i;
	}
	unsigned order = frames[lo].order;
	unsigned merged = order + order_for_pages(n);
	if (merged > BUDDY_MAX_ORDER || ((base_pfn + lo) & ((1u << merged) - 1)))
		return 0;
	for (unsigned slot = 0; slot < n; slot++) {
		uint32_t j = lo + (slot << order);
		if (j >= nframes || frames[j].state != BLOCK || frames[j].order != order)
			return 0;
	}
	// n distinct slots are all live blocks; pas[] must name exactly them.
	for (unsigned p = 0; p < n; p++) {
		uint32_t i = index_of(pas[p]);
		if (((i - lo) & ((1u << order) - 1)) || i - lo >= (n << order))
			return 0;
		for (unsigned q = 0; q < p; q++)
			if (pas[q] == pas[p])
				return 0;
	}
	for (unsigned slot = 1; slot < n; slot++)
		frames[lo + (slot << order)].state = TAIL;
	frames[lo].order = merged;
	return pa_of(lo);
}

int b_blocks(uint32_t *pa, uint32_t *bytes, int max)
{
	int count = 0;
	for (uint32_t i = 0; i < nframes; i += 1u << frames[i].order) {
		if (frames[i].state != BLOCK)
			continue;
		if (count < max) {
			pa[count] = pa_of(i);
			bytes[count] = PAGE_SIZE_BYTES << frames[i].order;
		}
		count++;
	}
	return count;
}
