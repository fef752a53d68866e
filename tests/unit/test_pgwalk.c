// Unit tests for kernel/pgwalk.c against page directories built in a fake
// physical memory: one hand-made layout with known answers, and random
// layouts checked page by page against a direct translation.

#include <stdlib.h>
#include <string.h>
#include "pgwalk.h"
#include "unit.h"

#define FAKE_PAGES  1100
#include "fakemem.h"
#define CR3         FAKE_BASE

static uint32_t *table(int n) { return mem[n]; }
static uint32_t table_pa(int n) { return FAKE_BASE + n * 4096u; }

// ---- the hand-made layout ----

static const struct pg_range hand_ranges[] = {
	{ 0x00000000, 0x00001FFF, 0x00005000, PG_P | PG_W | PG_U },
	{ 0x00002000, 0x00002FFF, 0x00009000, PG_P | PG_W | PG_U },
	{ 0x00004000, 0x00004FFF, 0x0000A000, PG_P },
	{ 0x00005000, 0x00005FFF, 0x0000B000, PG_P | PG_A },
	{ 0x003FF000, 0x003FFFFF, 0x003FF000, PG_P | PG_W | PG_U },
	{ 0x00400000, 0x00BFFFFF, 0x00400000, PG_P | PG_W | PG_PS },
	{ 0x00C00000, 0x00FFFFFF, 0x01000000, PG_P | PG_W | PG_PS },
	{ 0x01400000, 0x01400FFF, 0x00007000, PG_P | PG_W },
	{ 0xFFFFE000, 0xFFFFFFFF, 0x12344000, PG_P | PG_U | PG_D },
};

static void build_hand_layout(void)
{
	memset(mem, 0, sizeof mem);
	uint32_t *pd = table(0), *t0 = table(1), *t5 = table(2), *tlast = table(3);
	pd[0] = table_pa(1) | PG_P | PG_W | PG_U;
	t0[0] = 0x5000 | PG_P | PG_W | PG_U;
	t0[1] = 0x6000 | PG_P | PG_W | PG_U;    // continues the page before
	t0[2] = 0x9000 | PG_P | PG_W | PG_U;    // frame jumps
	t0[4] = 0xA000 | PG_P;
	t0[5] = 0xB000 | PG_P | PG_A;           // contiguous frame, other flags
	t0[1023] = 0x3FF000 | PG_P | PG_W | PG_U;
	pd[1] = 0x00400000 | PG_P | PG_W | PG_PS;   // 4 KiB then 4 MiB: not merged
	pd[2] = 0x00800000 | PG_P | PG_W | PG_PS;   // continues pd[1]
	pd[3] = 0x01000000 | PG_P | PG_W | PG_PS;   // frame jumps
	pd[5] = table_pa(2) | PG_P | PG_W;          // PDE denies user access
	t5[0] = 0x7000 | PG_P | PG_W | PG_U | 0x80; // PAT bit is not PS
	pd[1023] = table_pa(3) | PG_P | PG_W | PG_U;
	tlast[1022] = 0x12344000 | PG_P | PG_U | PG_D;
	tlast[1023] = 0x12345000 | PG_P | PG_U | PG_D;
	bad_reads = 0;
}

struct range_list { struct pg_range r[64]; int n; int stop_at; };

static int collect(const struct pg_range *r, void *ctx)
{
	struct range_list *l = ctx;
	if (l->n < 64)
		l->r[l->n] = *r;
	l->n++;
	return l->n == l->stop_at ? 7 : 0;
}

static void check_ranges(uint32_t lo, uint32_t hi, const struct pg_range *want, int nwant)
{
	struct range_list got = { .n = 0 };
	CHECK_EQ(pg_ranges(CR3 | 0x18, lo, hi, collect, &got, fake_read32, mem), 0);
	if (!CHECK_EQ(got.n, nwant))
		return;
	for (int i = 0; i < nwant; i++) {
		CHECK_EQ(got.r[i].lo, want[i].lo);
		CHECK_EQ(got.r[i].hi_incl, want[i].hi_incl);
		CHECK_EQ(got.r[i].pa, want[i].pa);
		CHECK_EQ(got.r[i].flags, want[i].flags);
	}
}

static void test_walk_hand_layout(void)
{
	build_hand_layout();
	struct pg_walk w;
	CHECK_EQ(pg_walk(CR3, 0x1234, &w, fake_read32, mem), 0);
	CHECK_EQ(w.pa, 0x6234);
	CHECK(w.present && w.writable && w.user && !w.large);
	CHECK_EQ(w.pte, 0x6000 | PG_P | PG_W | PG_U);
	CHECK_EQ(pg_walk(CR3, 0x3000, &w, fake_read32, mem), -1);  // hole in a table
	CHECK(!w.present);
	CHECK_EQ(w.pde, table_pa(1) | PG_P | PG_W | PG_U);
	CHECK_EQ(w.pte, 0);
	CHECK_EQ(pg_walk(CR3, 0x500123, &w, fake_read32, mem), 0);
	CHECK_EQ(w.pa, 0x500123);
	CHECK(w.large && w.writable && !w.user);
	CHECK_EQ(w.pte, 0);
	CHECK_EQ(pg_walk(CR3, 0x1400010, &w, fake_read32, mem), 0);
	CHECK_EQ(w.pa, 0x7010);
	CHECK(w.writable && !w.user);
	CHECK_EQ(pg_walk(CR3, 0x1800000, &w, fake_read32, mem), -1); // no table
	CHECK_EQ(w.pde, 0);
	CHECK_EQ(w.va, 0x1800000);
	CHECK_EQ(pg_walk(CR3 | 0xFFF, 0xFFFFFFFF, &w, fake_read32, mem), 0);
	CHECK_EQ(w.pa, 0x12345FFF);
	CHECK(!w.writable && w.user);
	CHECK_EQ(bad_reads, 0);
}

static void test_ranges_hand_layout(void)
{
	build_hand_layout();
	int all = sizeof hand_ranges / sizeof hand_ranges[0];
	check_ranges(0, 0xFFFFFFFF, hand_ranges, all);
	// Clipped at both ends, in the middle of pages and of a 4 MiB page.
	const struct pg_range clipped[] = {
		{ 0x00001800, 0x00001FFF, 0x00006800, PG_P | PG_W | PG_U },
		hand_ranges[1], hand_ranges[2], hand_ranges[3], hand_ranges[4],
		{ 0x00400000, 0x00600FFE, 0x00400000, PG_P | PG_W | PG_PS },
	};
	check_ranges(0x1800, 0x600FFE, clipped, 6);
	const struct pg_range inner[] = { { 0x500800, 0x500FFF, 0x500800, PG_P | PG_W | PG_PS } };
	check_ranges(0x500800, 0x500FFF, inner, 1);
	const struct pg_range top[] = { { 0xFFFFF000, 0xFFFFFFFF, 0x12345000, PG_P | PG_U | PG_D } };
	check_ranges(0xFFFFF000, 0xFFFFFFFF, top, 1);
	check_ranges(0xFFFFFFFF, 0xFFFFFFFF, (struct pg_range[]){ { 0xFFFFFFFF, 0xFFFFFFFF, 0x12345FFF, PG_P | PG_U | PG_D } }, 1);
	check_ranges(0x2000000, 0xFFFFDFFF, NULL, 0);       // nothing mapped
	check_ranges(0x5000, 0x4000, NULL, 0);              // empty interval
	// The callback stops the walk with its own value.
	struct range_list got = { .stop_at = 2 };
	CHECK_EQ(pg_ranges(CR3, 0, 0xFFFFFFFF, collect, &got, fake_read32, mem), 7);
	CHECK_EQ(got.n, 2);
	CHECK_EQ(bad_reads, 0);
}

static void test_pageinfo_hand_layout(void)
{
	build_hand_layout();
	struct pg_info info;
	pg_pageinfo(CR3, &info, fake_read32, mem);
	CHECK_EQ(info.pde_present, 6);
	CHECK_EQ(info.pde_tables, 3);
	CHECK_EQ(info.pages_4m, 3);
	CHECK_EQ(info.pages_4k, 9);
	CHECK_EQ(info.translation_pages, 4);
	CHECK_EQ(info.user_tables, 2);  // pd[5] denies user access
	CHECK_EQ(info.user_4k, 6);      // t0[4], t0[5] lack U
	CHECK_EQ(info.user_4m, 0);      // the 4 MiB pages are supervisor pages
	mem[0][1] |= PG_U;
	pg_pageinfo(CR3, &info, fake_read32, mem);
	CHECK_EQ(info.user_4m, 1);
	CHECK_EQ(bad_reads, 0);
}

static void test_flag_names(void)
{
	char buf[64];
	CHECK(strcmp(pg_flag_names(PG_P | PG_W | PG_U | PG_A | PG_D, buf, sizeof buf), "P W U A D") == 0);
	CHECK(strcmp(pg_flag_names(PG_FLAGS | 0xFFFFF000, buf, sizeof buf), "P W U PWT PCD A D PS G") == 0);
	CHECK(strcmp(pg_flag_names(0, buf, sizeof buf), "") == 0);
	CHECK(strcmp(pg_flag_names(PG_P | PG_W | PG_U, buf, 4), "P W") == 0);
	CHECK(strcmp(pg_flag_names(PG_PCD, buf, 3), "PC") == 0);
	CHECK(strcmp(pg_flag_names(PG_P, buf, 1), "") == 0);
	buf[0] = 'x';
	pg_flag_names(PG_P, buf, 0);
	CHECK_EQ(buf[0], 'x');
}

// ---- random layouts against a direct translation ----

struct leaf { int present; uint32_t frame, flags; };

// The translation of page number vpn, straight from the arrays.
static struct leaf reference(uint32_t vpn)
{
	uint32_t pde = table(0)[vpn >> 10];
	struct leaf l = { 0, 0, 0 };
	if (!(pde & PG_P))
		return l;
	if (pde & PG_PS)
		return (struct leaf){ 1, (pde & 0xFFC00000u) + (vpn & 0x3FF) * 4096, pde & 0x1FF };
	uint32_t pte = mem[(pde - FAKE_BASE) >> 12][vpn & 0x3FF];
	if (!(pte & PG_P))
		return l;
	uint32_t uw = pde & pte & (PG_W | PG_U);
	return (struct leaf){ 1, pte & 0xFFFFF000u, (pte & (PG_P | PG_PWT | PG_PCD | PG_A | PG_D | PG_G)) | uw };
}

static uint32_t random_flags(void)
{
	static const uint32_t choices[] = { PG_P, PG_P | PG_W, PG_P | PG_W | PG_U, PG_P | PG_U | PG_A };
	return choices[unit_rand_below(4)];
}

static void build_random_layout(void)
{
	memset(mem, 0, sizeof mem);
	int next_table = 1;
	uint32_t frame = 0;
	for (int d = 0; d < 1024; d++) {
		uint32_t kind = unit_rand_below(10);
		if (kind < 5)
			continue;
		if (kind < 6) {
			uint32_t big = unit_rand_below(3) ? (uint32_t)d << 22 : unit_rand() & 0xFFC00000u;
			table(0)[d] = big | PG_PS | random_flags();
			continue;
		}
		table(0)[d] = table_pa(next_table) | random_flags();
		uint32_t *t = table(next_table++);
		uint32_t flags = random_flags();
		for (int e = 0; e < 1024; e++) {
			if (unit_rand_below(50) == 0)
				frame = unit_rand() & 0xFFFFF000u;  // a jump
			if (unit_rand_below(40) == 0)
				flags = random_flags();
			if (unit_rand_below(30) != 0)
				t[e] = frame | flags;
			frame += 4096;
		}
	}
	bad_reads = 0;
}

struct checker { uint32_t lo, hi_incl; uint32_t next_va; uint64_t pages; int ok, first; struct pg_range prev; };

// Each range: in order, inside [lo, hi], matching the reference at every
// page, and not mergeable with the range before it.
static int check_range(const struct pg_range *r, void *ctx)
{
	struct checker *c = ctx;
	int ok = r->lo <= r->hi_incl && r->lo >= c->lo && r->hi_incl <= c->hi_incl;
	if (!c->first)
		ok = ok && r->lo > c->prev.hi_incl &&
		     !(c->prev.hi_incl + 1 == r->lo && c->prev.flags == r->flags &&
		       c->prev.pa + (r->lo - c->prev.lo) == r->pa);
	// Every page before this range and after the previous one is unmapped.
	for (uint32_t vpn = c->next_va >> 12; ok && !c->first && vpn < (r->lo >> 12); vpn++)
		ok = !reference(vpn).present;
	for (uint32_t vpn = r->lo >> 12; ok && vpn <= r->hi_incl >> 12; vpn++) {
		struct leaf l = reference(vpn);
		uint32_t va = vpn << 12 < r->lo ? r->lo : vpn << 12;
		ok = l.present && l.flags == r->flags && l.frame + (va & 0xFFF) == r->pa + (va - r->lo);
		c->pages++;
	}
	c->ok &= ok;
	c->first = 0;
	c->prev = *r;
	c->next_va = r->hi_incl + 1;
	return ok ? 0 : 1;
}

static void check_random_window(uint32_t lo, uint32_t hi)
{
	struct checker c = { .lo = lo, .hi_incl = hi, .ok = 1, .first = 1 };
	pg_ranges(CR3, lo, hi, check_range, &c, fake_read32, mem);
	CHECK(c.ok);
	uint64_t mapped = 0;
	for (uint64_t vpn = lo >> 12; vpn <= hi >> 12; vpn++)
		mapped += reference(vpn).present;
	CHECK_EQ(c.pages, mapped);
}

static void test_random_layouts(void)
{
	unit_seed(99);
	for (int round = 0; round < 6; round++) {
		build_random_layout();
		check_random_window(0, 0xFFFFFFFF);
		for (int w = 0; w < 20; w++) {
			uint32_t a = unit_rand(), b = unit_rand();
			check_random_window(a < b ? a : b, a < b ? b : a);
		}
		for (int i = 0; i < 2000; i++) {
			uint32_t va = unit_rand();
			struct pg_walk w;
			struct leaf l = reference(va >> 12);
			int r = pg_walk(CR3, va, &w, fake_read32, mem);
			CHECK_EQ(r, l.present ? 0 : -1);
			if (l.present) {
				CHECK_EQ(w.pa, l.frame | (va & 0xFFF));
				CHECK_EQ(w.writable, (l.flags & PG_W) != 0);
				CHECK_EQ(w.user, (l.flags & PG_U) != 0);
			}
		}
		struct pg_info info;
		pg_pageinfo(CR3, &info, fake_read32, mem);
		uint32_t leaves = 0;
		for (uint32_t vpn = 0; vpn < (1u << 20); vpn++)
			leaves += reference(vpn).present && !(table(0)[vpn >> 10] & PG_PS);
		CHECK_EQ(info.pages_4k, leaves);
		CHECK_EQ(info.translation_pages, 1 + info.pde_tables);
		CHECK_EQ(bad_reads, 0);
	}
}

int main(void)
{
	RUN(test_walk_hand_layout);
	RUN(test_ranges_hand_layout);
	RUN(test_pageinfo_hand_layout);
	RUN(test_flag_names);
	RUN(test_random_layouts);
	return unit_finish();
}
