// Unit tests for kernel/freepage.c: a space whose every page is taken
// but one, the free page placed everywhere relative to the start point.

#include <string.h>
#include "freepage.h"
#include "mmu.h"
#include "unit.h"

#define NTABLES   1024
#define FAKE_PAGES (1 + NTABLES)
#include "fakemem.h"
#define CR3       FAKE_BASE             // the directory, then table i at page 1 + i

// Every page present (the frames do not matter), every table present.
static void fill_space(void)
{
	for (uint32_t d = 0; d < 1024; d++) {
		mem[0][d] = (FAKE_BASE + (1 + d) * 4096) | PTE_P | PTE_W | PTE_U;
		for (uint32_t i = 0; i < 1024; i++)
			mem[1 + d][i] = ((d * 1024 + i) << 12) | PTE_P | PTE_W | PTE_U;
	}
	bad_reads = 0;
}

static uint32_t *entry(uint32_t va) { return &mem[1 + PDX(va)][PTX(va)]; }

static int find(uint32_t start, uint32_t *va)
{
	*va = 0xDEADBEEF;
	return free_page_find(CR3, start, 1, fake_read32, mem, va);
}

// The one free page at hole is found from start.
static void check_found(uint32_t hole, uint32_t start)
{
	uint32_t va;
	fill_space();
	*entry(hole) = 0;
	if (!CHECK_EQ(find(start, &va), 0))
		return;
	CHECK_EQ(va, hole);
	CHECK_EQ(bad_reads, 0);
}

static void test_full_space_has_none(void)
{
	uint32_t va;
	fill_space();
	CHECK_EQ(find(0, &va), -1);
	CHECK_EQ(find(0x12345678, &va), -1);
	CHECK_EQ(find(0xFFFFF000, &va), -1);
	CHECK_EQ(bad_reads, 0);
}

static void test_hole_around_the_start(void)
{
	const uint32_t starts[] = { 0, 0x1000, 0x00400000, 0x12345000, 0x123FF000, 0x7FFFF000,
				    0x80000000, 0xFFC00000, 0xFFFFE000, 0xFFFFF000 };
	for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
		uint32_t st = starts[s], region = st & ~(LARGE_PGSIZE - 1);
		check_found(st, st);                                  // the start itself
		if (st != region)
			check_found(st - PGSIZE, st);                 // just below, same region
		check_found(region, st);                              // the region's first page
		check_found(region + LARGE_PGSIZE - PGSIZE, st);      // its last page
		check_found(region ^ 0x80000000u, st);                // far away
		check_found((region - LARGE_PGSIZE) + 0x3FF000, st);  // the region before, at its end
		check_found(0, st);
		check_found(0xFFFFF000, st);
	}
}

static void test_unaligned_start_counts_its_page(void)
{
	check_found(0x12345000, 0x12345FFF);
	check_found(0x12344000, 0x12345001);
}

static void test_lazy_and_missing_tables_are_free(void)
{
	uint32_t va;
	fill_space();
	*entry(0x50000000) = PTE_LAZY | PTE_W;
	CHECK_EQ(find(0x60000000, &va), 0);
	CHECK_EQ(va, 0x50000000);
	fill_space();
	*entry(0x50001000) = 0x1234000 | PTE_W;     // not present, but not free either
	CHECK_EQ(find(0, &va), -1);
	fill_space();
	mem[0][PDX(0x30000000)] = 0;                 // a whole region with no table
	CHECK_EQ(find(0x30200000, &va), 0);
	CHECK_EQ(va, 0x30200000);
	CHECK_EQ(find(0x30400000, &va), 0);         // all the way round
	CHECK_EQ(va, 0x30000000);
	CHECK_EQ(bad_reads, 0);
}

// A large page is taken whole: its frame holds data, not entries, even
// when that data looks like free entries.
static void test_large_pages_are_not_free(void)
{
	uint32_t va;
	fill_space();
	memset(mem[1 + PDX(0x30000000)], 0, 4096);   // zeros, as a fresh large page holds
	mem[0][PDX(0x30000000)] |= PTE_PS;
	CHECK_EQ(find(0x30000000, &va), -1);
	CHECK_EQ(bad_reads, 0);
}

// The search goes upwards from the start: of two holes, the first one up.
static void test_nearest_above_first(void)
{
	uint32_t va;
	fill_space();
	*entry(0x20000000) = 0;
	*entry(0x40000000) = 0;
	CHECK_EQ(find(0x30000000, &va), 0);
	CHECK_EQ(va, 0x40000000);
	CHECK_EQ(find(0x40001000, &va), 0);
	CHECK_EQ(va, 0x20000000);
}

// A run of two (the K = 2 window, docs/window.md): two free pages next to
// each other in one region; a pair split by a region boundary is none.
static void test_pairs(void)
{
	uint32_t va;
	fill_space();
	*entry(0x50000000) = 0;
	*entry(0x503FF000) = 0;
	*entry(0x50400000) = 0;                      // across the boundary: no pair
	CHECK_EQ(free_page_find(CR3, 0, 2, fake_read32, mem, &va), -1);
	*entry(0x70001000) = PTE_LAZY;
	*entry(0x70002000) = 0;
	CHECK_EQ(free_page_find(CR3, 0x60000000, 2, fake_read32, mem, &va), 0);
	CHECK_EQ(va, 0x70001000);
	CHECK_EQ(free_page_find(CR3, 0x70002000, 2, fake_read32, mem, &va), 0);
	CHECK_EQ(va, 0x70001000);                    // found last, its second page at the start
	CHECK_EQ(bad_reads, 0);
}

int main(void)
{
	RUN(test_full_space_has_none);
	RUN(test_hole_around_the_start);
	RUN(test_unaligned_start_counts_its_page);
	RUN(test_lazy_and_missing_tables_are_free);
	RUN(test_nearest_above_first);
	RUN(test_large_pages_are_not_free);
	RUN(test_pairs);
	return unit_finish();
}
