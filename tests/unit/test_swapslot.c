// Unit tests for kernel/swapslot.c: the slot allocator over a fake disk,
// checked against a plain model of who holds what.

#include <stdlib.h>
#include <string.h>
#include "abi.h"
#include "ata.h"
#include "swapslot.h"
#include "unit.h"

// -- the kernel's side, faked -------------------------------------------------

static uint32_t fake_sectors;
static uint8_t *fake_disk;               // fake_sectors * 512 bytes, or NULL
static int fail_alloc;                   // kcalloc returns NULL
static int corruptions, last_corrupt_slot;

uint32_t disk_sectors(void) { return fake_sectors; }

static int fake_rw(uint32_t lba, uint32_t count)
{
	if (!fake_disk || count == 0 || lba >= fake_sectors || count > fake_sectors - lba)
		return -EINVAL;
	return 0;
}

int disk_read(uint32_t lba, void *buf, uint32_t count)
{
	int r = fake_rw(lba, count);
	if (r == 0)
		memcpy(buf, fake_disk + lba * 512, count * 512);
	return r;
}

int disk_write(uint32_t lba, const void *buf, uint32_t count)
{
	int r = fake_rw(lba, count);
	if (r == 0)
		memcpy(fake_disk + lba * 512, buf, count * 512);
	return r;
}

void *kcalloc(size_t n, size_t sz) { return fail_alloc ? NULL : calloc(n, sz); }
void kfree(void *p) { free(p); }

void swap_corrupt(const char *why, int slot)
{
	(void)why;
	corruptions++;
	last_corrupt_slot = slot;
}

// A disk of `slots` whole slots plus `extra` odd sectors (no data kept
// unless with_data), and the allocator sized for it.
static void disk_of(uint32_t slots, uint32_t extra, int with_data)
{
	free(fake_disk);
	fake_sectors = DISK_SCRATCH_SECTORS + slots * SLOT_SECTORS + extra;
	fake_disk = with_data ? calloc(fake_sectors, 512) : NULL;
	corruptions = 0;
	fail_alloc = 0;
	CHECK_EQ(swap_init(), 0);
}

// -- tests --------------------------------------------------------------------

static void test_no_disk_no_slots(void)
{
	free(fake_disk);
	fake_disk = NULL;
	fake_sectors = 0;
	CHECK_EQ(swap_init(), 0);
	CHECK_EQ(swap_slots_total(), 0);
	CHECK_EQ(swap_slot_alloc(), -ENOSPC);
	fake_sectors = DISK_SCRATCH_SECTORS + SLOT_SECTORS - 1;     // scratch and a part slot
	CHECK_EQ(swap_init(), 0);
	CHECK_EQ(swap_slots_total(), 0);
	CHECK_EQ(swap_slot_alloc(), -ENOSPC);
}

// Every slot once, then none; the odd sectors and the bitmap's tail bits
// never become slots.
static void test_fill_and_empty(void)
{
	enum { N = 100 };                    // not a multiple of 32
	static char seen[N];
	disk_of(N, 5, 0);
	CHECK_EQ(swap_slots_total(), N);
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < N; i++) {
		int s = swap_slot_alloc();
		if (!CHECK(s >= 0 && s < N) || !CHECK(!seen[s]))
			return;
		seen[s] = 1;
		CHECK_EQ(swap_slot_refs(s), 1);
	}
	CHECK_EQ(swap_slots_free(), 0);
	CHECK_EQ(swap_slot_alloc(), -ENOSPC);
	swap_slot_free(37);
	CHECK_EQ(swap_slots_free(), 1);
	CHECK_EQ(swap_slot_alloc(), 37);
	for (int s = 0; s < N; s++)
		swap_slot_free(s);
	CHECK_EQ(swap_slots_free(), N);
	CHECK_EQ(corruptions, 0);
}

// A shared slot stays used until its last reference goes.
static void test_shared_slot(void)
{
	disk_of(4, 0, 0);
	int s = swap_slot_alloc();
	CHECK_EQ(swap_slot_ref(s), 0);
	CHECK_EQ(swap_slot_ref(s), 0);
	CHECK_EQ(swap_slot_refs(s), 3);
	swap_slot_unref(s);
	swap_slot_unref(s);
	CHECK_EQ(swap_slots_free(), 3);
	CHECK_EQ(swap_slot_refs(s), 1);
	swap_slot_unref(s);
	CHECK_EQ(swap_slots_free(), 4);
	CHECK_EQ(swap_slot_refs(s), 0);
	CHECK_EQ(corruptions, 0);
}

static void test_ref_saturates(void)
{
	disk_of(2, 0, 0);
	int s = swap_slot_alloc();
	for (int i = 1; i < SWAP_REF_MAX; i++)
		if (!CHECK_EQ(swap_slot_ref(s), 0))
			return;
	CHECK_EQ(swap_slot_refs(s), SWAP_REF_MAX);
	CHECK_EQ(swap_slot_ref(s), -EOVERFLOW);
	CHECK_EQ(swap_slot_refs(s), SWAP_REF_MAX);
}

// Taking or dropping a reference on a free or missing slot is a kernel
// bug: reported, and nothing changes.
static void test_misuse_is_reported(void)
{
	disk_of(8, 0, 0);
	int s = swap_slot_alloc();
	swap_slot_unref(s + 1);
	CHECK_EQ(corruptions, 1);
	CHECK_EQ(last_corrupt_slot, s + 1);
	CHECK_EQ(swap_slot_ref(-1), -EINVAL);
	CHECK_EQ(swap_slot_ref(8), -EINVAL);
	swap_slot_unref(1 << 30);
	CHECK_EQ(corruptions, 4);
	swap_slot_free(s);
	swap_slot_free(s);                   // a double free
	CHECK_EQ(corruptions, 5);
	CHECK_EQ(swap_slots_free(), 8);
	CHECK_EQ(swap_slot_refs(-3), -EINVAL);
}

// Slot s is the 8 sectors from DISK_SCRATCH_SECTORS + 8s; a free slot is
// neither read nor written.
static void test_pages_land_in_their_sectors(void)
{
	static uint8_t page[4096], back[4096];
	disk_of(3, 0, 1);
	int a = swap_slot_alloc(), b = swap_slot_alloc();
	memset(page, 0xA5, sizeof page);
	CHECK_EQ(swap_write(b, page), 0);
	uint8_t *where = fake_disk + (DISK_SCRATCH_SECTORS + b * SLOT_SECTORS) * 512;
	CHECK(memcmp(where, page, 4096) == 0);
	CHECK(where[-1] == 0 && where[4096] == 0);   // the neighbours are untouched
	CHECK_EQ(swap_read(b, back), 0);
	CHECK(memcmp(back, page, 4096) == 0);
	CHECK_EQ(swap_read(a, back), 0);
	CHECK_EQ(back[0], 0);
	CHECK_EQ(swap_write(2, page), -EINVAL);      // free
	CHECK_EQ(swap_read(3, back), -EINVAL);       // no such slot
	CHECK(fake_disk[(DISK_SCRATCH_SECTORS + 2 * SLOT_SECTORS) * 512] == 0);
}

// Random allocations, shares and releases against a model.
static void test_random_against_model(void)
{
	enum { N = 1000, STEPS = 200000 };
	static int model[N];
	disk_of(N, 7, 0);
	memset(model, 0, sizeof model);
	uint32_t used = 0;
	unit_seed(11);
	for (int i = 0; i < STEPS; i++) {
		uint32_t op = unit_rand_below(3);
		uint32_t s = unit_rand_below(N);
		if (op == 0) {
			int got = swap_slot_alloc();
			if (used == N) {
				if (!CHECK_EQ(got, -ENOSPC))
					return;
				continue;
			}
			if (!CHECK(got >= 0 && got < N && model[got] == 0))
				return;
			model[got] = 1;
			used++;
		} else if (model[s] > 0 && op == 1) {
			CHECK_EQ(swap_slot_ref((int)s), 0);
			model[s]++;
		} else if (model[s] > 0) {
			swap_slot_unref((int)s);
			used -= --model[s] == 0;
		}
		if (!CHECK_EQ(swap_slots_free(), N - used))
			return;
	}
	for (int s = 0; s < N; s++)
		CHECK_EQ(swap_slot_refs(s), model[s]);
	CHECK_EQ(corruptions, 0);
}

// The largest disk ATA's 28-bit LBA reaches still gives SWAP_SLOTS_MAX at
// most; a heap without room leaves no slots.
static void test_limits(void)
{
	free(fake_disk);
	fake_disk = NULL;
	fake_sectors = 0x0FFFFFFF;
	CHECK_EQ(swap_init(), 0);
	CHECK_EQ(swap_slots_total(), SWAP_SLOTS_MAX);
	int s = swap_slot_alloc();
	CHECK(s >= 0 && (uint32_t)s < SWAP_SLOTS_MAX);
	fail_alloc = 1;
	CHECK_EQ(swap_init(), -ENOMEM);
	CHECK_EQ(swap_slots_total(), 0);
	CHECK_EQ(swap_slot_alloc(), -ENOSPC);
	fail_alloc = 0;
}

// A caller that can name only slots below a limit (the pager: 2^20) gets
// the free ones there, also once the search has moved past the limit.
static void test_alloc_below(void)
{
	enum { N = 200, LIMIT = 70 };        // LIMIT not a multiple of 32
	disk_of(N, 0, 0);
	for (int i = 0; i < LIMIT; i++)
		CHECK_EQ(swap_slot_alloc_below(LIMIT), i);
	CHECK_EQ(swap_slot_alloc_below(LIMIT), -ENOSPC);   // slots above are free
	CHECK_EQ(swap_slot_alloc(), LIMIT);                // the search moves on
	for (int i = LIMIT + 1; i < N; i++)
		CHECK_EQ(swap_slot_alloc(), i);
	swap_slot_free(5);
	swap_slot_free(150);
	CHECK_EQ(swap_slot_alloc_below(LIMIT), 5);
	CHECK_EQ(swap_slot_alloc_below(LIMIT), -ENOSPC);
	CHECK_EQ(swap_slot_alloc_below(N + 1000), 150);    // a limit past the end is none
	CHECK_EQ(corruptions, 0);
}

int main(void)
{
	RUN(test_no_disk_no_slots);
	RUN(test_fill_and_empty);
	RUN(test_shared_slot);
	RUN(test_ref_saturates);
	RUN(test_misuse_is_reported);
	RUN(test_pages_land_in_their_sectors);
	RUN(test_random_against_model);
	RUN(test_limits);
	RUN(test_alloc_below);
	fake_sectors = 0;
	swap_init();                         // frees the tables (the sanitizer checks leaks)
	free(fake_disk);
	return unit_finish();
}
