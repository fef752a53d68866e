// Page-table walker (see pgwalk.h). Entries are read one word at a time
// through read32; nothing here touches memory directly.

#include "pgwalk.h"

#define FRAME(e)        ((e) & 0xFFFFF000u)
#define LARGE_FRAME(e)  ((e) & 0xFFC00000u)
#define PDX(va)         ((va) >> 22)
#define PTX(va)         (((va) >> 12) & 0x3FFu)

static uint32_t read_pde(uint32_t cr3, uint32_t va, pg_read32_fn read32, void *ctx)
{
	return read32(FRAME(cr3) + PDX(va) * 4, ctx);
}

int pg_walk(uint32_t cr3, uint32_t va, struct pg_walk *out, pg_read32_fn read32, void *ctx)
{
	*out = (struct pg_walk){ .va = va };
	out->pde = read_pde(cr3, va, read32, ctx);
	if (!(out->pde & PG_P))
		return -1;
	if (out->pde & PG_PS) {
		out->large = 1;
		out->pa = LARGE_FRAME(out->pde) | (va & 0x3FFFFFu);
		out->writable = (out->pde & PG_W) != 0;
		out->user = (out->pde & PG_U) != 0;
		out->present = 1;
		return 0;
	}
	out->pte = read32(FRAME(out->pde) + PTX(va) * 4, ctx);
	if (!(out->pte & PG_P))
		return -1;
	out->pa = FRAME(out->pte) | (va & 0xFFFu);
	out->writable = (out->pde & out->pte & PG_W) != 0;
	out->user = (out->pde & out->pte & PG_U) != 0;
	out->present = 1;
	return 0;
}

// The range being grown and where the output goes.
struct collector {
	struct pg_range cur;
	int open;
	int (*cb)(const struct pg_range *, void *);
	void *cbctx;
};

static int flush(struct collector *c)
{
	if (!c->open)
		return 0;
	c->open = 0;
	return c->cb(&c->cur, c->cbctx);
}

// Add the mapped span [lo, hi_incl] -> pa with flags; extend the open
// range if it continues it, else emit the open one and start anew.
static int add_span(struct collector *c, uint32_t lo, uint32_t hi_incl, uint32_t pa, uint32_t flags)
{
	if (c->open && c->cur.hi_incl + 1 == lo && c->cur.flags == flags &&
	    c->cur.pa + (lo - c->cur.lo) == pa) {
		c->cur.hi_incl = hi_incl;
		return 0;
	}
	int r = flush(c);
	c->cur = (struct pg_range){ lo, hi_incl, pa, flags };
	c->open = 1;
	return r;
}

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

// Walk the 4 KiB pages of one page table that fall in [lo, hi_incl]
// (both inside the same 4 MiB slot).
static int table_spans(struct collector *c, uint32_t pde, uint32_t lo, uint32_t hi_incl,
		       pg_read32_fn read32, void *ctx)
{
	for (uint32_t va = lo & ~0xFFFu;; va += 0x1000) {
		uint32_t pte = read32(FRAME(pde) + PTX(va) * 4, ctx);
		if (pte & PG_P) {
			uint32_t flags = (pte & PG_FLAGS & ~(PG_PS | PG_W | PG_U)) | (pde & pte & (PG_W | PG_U));
			uint32_t from = max_u32(va, lo);
			int r = add_span(c, from, min_u32(va + 0xFFF, hi_incl), FRAME(pte) + (from - va), flags);
			if (r)
				return r;
		} else {
			int r = flush(c);
			if (r)
				return r;
		}
		if (va + 0xFFF >= hi_incl)
			return 0;
	}
}

int pg_ranges(uint32_t cr3, uint32_t lo, uint32_t hi_incl,
	      int (*cb)(const struct pg_range *, void *), void *cbctx,
	      pg_read32_fn read32, void *ctx)
{
	struct collector c = { .cb = cb, .cbctx = cbctx };
	if (lo > hi_incl)
		return 0;
	for (uint32_t va = lo;;) {
		uint32_t pde = read_pde(cr3, va, read32, ctx);
		uint32_t end = min_u32(va | 0x3FFFFFu, hi_incl);    // this PDE's part
		int r = 0;
		if (!(pde & PG_P))
			r = flush(&c);
		else if (pde & PG_PS)
			r = add_span(&c, va, end, LARGE_FRAME(pde) | (va & 0x3FFFFFu), pde & PG_FLAGS);
		else
			r = table_spans(&c, pde, va, end, read32, ctx);
		if (r)
			return r;
		if (end == hi_incl)
			return flush(&c);
		va = end + 1;
	}
}

void pg_pageinfo(uint32_t cr3, struct pg_info *out, pg_read32_fn read32, void *ctx)
{
	*out = (struct pg_info){ .translation_pages = 1 };
	for (uint32_t i = 0; i < 1024; i++) {
		uint32_t pde = read32(FRAME(cr3) + i * 4, ctx);
		if (!(pde & PG_P))
			continue;
		uint32_t user = (pde & PG_U) != 0;
		out->pde_present++;
		if (pde & PG_PS) {
			out->pages_4m++;
			out->user_4m += user;
			continue;
		}
		out->pde_tables++;
		out->translation_pages++;
		out->user_tables += user;
		for (uint32_t j = 0; j < 1024; j++) {
			uint32_t pte = read32(FRAME(pde) + j * 4, ctx);
			out->pages_4k += (pte & PG_P) != 0;
			out->user_4k += user && (pte & (PG_P | PG_U)) == (PG_P | PG_U);
		}
	}
}

const char *pg_flag_names(uint32_t flags, char *buf, size_t n)
{
	static const char *const names[] = { "P", "W", "U", "PWT", "PCD", "A", "D", "PS", "G" };
	size_t len = 0;
	if (n == 0)
		return buf;
	for (unsigned bit = 0; bit < sizeof names / sizeof names[0]; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		for (const char *s = len ? " " : ""; *s && len + 1 < n; s++)
			buf[len++] = *s;
		for (const char *s = names[bit]; *s && len + 1 < n; s++)
			buf[len++] = *s;
	}
	buf[len] = '\0';
	return buf;
}
