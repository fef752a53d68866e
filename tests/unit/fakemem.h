// Fake physical memory for the page-table walkers' unit tests: FAKE_PAGES
// pages (define it before including this) at FAKE_BASE, read through
// fake_read32 as the walkers read RAM. Reads outside it, or unaligned,
// return 0 and are counted in bad_reads, which a test then checks is 0.

#ifndef BOUNCE_FAKEMEM_H
#define BOUNCE_FAKEMEM_H

#include <stdint.h>
#include "unit.h"

#define FAKE_BASE 0x10000000u           // fake memory's physical address

static uint32_t mem[FAKE_PAGES][1024];
static int bad_reads;

static uint32_t fake_read32(uint32_t pa, void *ctx)
{
	CHECK(ctx == mem);
	if (pa % 4 || pa < FAKE_BASE || pa - FAKE_BASE >= sizeof mem) {
		bad_reads++;
		return 0;
	}
	return mem[(pa - FAKE_BASE) / 4096][(pa % 4096) / 4];
}

#endif
