// Unit tests for kernel/elf.c on a real i386 executable built by the
// cross compiler (SAMPLE_ELF), whose expected entry point and segments
// come from readelf (SAMPLE_EXPECT), plus corrupted and truncated copies.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "elf.h"
#include "unit.h"

#define MAXSEG 16

static unsigned char *image;
static uint32_t image_len;
static uint32_t want_entry;
static struct elf_seg want[MAXSEG];
static int nwant;

static void load_sample(void)
{
	FILE *f = fopen(SAMPLE_ELF, "rb");
	if (!f) {
		perror(SAMPLE_ELF);
		exit(2);
	}
	image = malloc(1 << 20);
	image_len = fread(image, 1, 1 << 20, f);
	fclose(f);
	f = fopen(SAMPLE_EXPECT, "r");
	if (!f) {
		perror(SAMPLE_EXPECT);
		exit(2);
	}
	char word[16], flags[8];
	unsigned off, va, filesz, memsz;
	while (fscanf(f, "%15s", word) == 1) {
		if (strcmp(word, "entry") == 0 && fscanf(f, "%x", &want_entry) == 1)
			continue;
		if (fscanf(f, "%x %x %x %x %7s", &off, &va, &filesz, &memsz, flags) != 5 || nwant == MAXSEG)
			exit(2);
		want[nwant++] = (struct elf_seg){ va, memsz, filesz, off,
						  strchr(flags, 'W') != NULL, strchr(flags, 'E') != NULL };
	}
	fclose(f);
}

// Parse the first len bytes from an exact-size copy, so the sanitizer
// catches any read past the end.
static int parse(const unsigned char *img, uint32_t len, uint32_t *entry,
		 struct elf_seg *segs, int max, const char **err)
{
	unsigned char *copy = malloc(len ? len : 1);
	memcpy(copy, img, len);
	*err = NULL;
	int n = elf_parse(copy, len, entry, segs, max, err);
	free(copy);
	return n;
}

// ---- reading and patching fields of a copy of the sample ----

static uint32_t get32(const unsigned char *p, uint32_t off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static void put32(unsigned char *p, uint32_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put16(unsigned char *p, uint32_t off, uint16_t v) { memcpy(p + off, &v, 2); }

enum { E_TYPE = 16, E_MACHINE = 18, E_ENTRY = 24, E_PHOFF = 28, E_PHENTSIZE = 42, E_PHNUM = 44 };
enum { P_TYPE = 0, P_OFFSET = 4, P_VADDR = 8, P_FILESZ = 16, P_MEMSZ = 20 };

// Offset of the field of the k-th PT_LOAD program header.
static uint32_t load_field(int k, uint32_t field)
{
	uint32_t phoff = get32(image, E_PHOFF);
	uint16_t phnum;
	memcpy(&phnum, image + E_PHNUM, 2);
	for (uint32_t i = 0; i < phnum; i++)
		if (get32(image, phoff + 32 * i + P_TYPE) == 1 && k-- == 0)
			return phoff + 32 * i + field;
	exit(2);
}

static unsigned char *patched;

static const char *parse_patched(void)
{
	uint32_t entry;
	struct elf_seg segs[MAXSEG];
	const char *err;
	int n = parse(patched, image_len, &entry, segs, MAXSEG, &err);
	return n < 0 ? err : "ok";
}

static void fresh_copy(void)
{
	memcpy(patched, image, image_len);
}

#define EXPECT_REFUSAL(patch, message) do {                             \
		fresh_copy();                                           \
		patch;                                                  \
		const char *got_ = parse_patched();                     \
		if (!CHECK(strcmp(got_, message) == 0))                 \
			printf("    %s: got \"%s\"\n", #patch, got_);   \
	} while (0)

// ---- tests ----

static void test_sample_parses(void)
{
	CHECK(nwant >= 3);
	uint32_t entry = 0;
	struct elf_seg segs[MAXSEG];
	const char *err;
	int n = parse(image, image_len, &entry, segs, MAXSEG, &err);
	if (!CHECK_EQ(n, nwant))
		return;
	CHECK_EQ(entry, want_entry);
	int have_bss = 0, have_exec = 0;
	for (int i = 0; i < n; i++) {
		CHECK_EQ(segs[i].vaddr, want[i].vaddr);
		CHECK_EQ(segs[i].memsz, want[i].memsz);
		CHECK_EQ(segs[i].filesz, want[i].filesz);
		CHECK_EQ(segs[i].offset, want[i].offset);
		CHECK_EQ(segs[i].writable, want[i].writable);
		CHECK_EQ(segs[i].exec, want[i].exec);
		have_bss |= segs[i].memsz > segs[i].filesz;
		have_exec |= segs[i].exec;
	}
	CHECK(have_bss && have_exec);   // the sample exercises both
	CHECK_EQ(parse(image, image_len, &entry, segs, nwant - 1, &err), -1);
	CHECK(strcmp(err, "too many segments") == 0);
}

// Every prefix parses exactly when it still holds the headers and all
// segment bytes, and never reads past its end.
static void test_truncations(void)
{
	uint32_t need = 52;
	uint16_t phnum;
	memcpy(&phnum, image + E_PHNUM, 2);
	if (get32(image, E_PHOFF) + 32u * phnum > need)
		need = get32(image, E_PHOFF) + 32u * phnum;
	for (int k = 0; k < nwant; k++)
		if (want[k].offset + want[k].filesz > need)
			need = want[k].offset + want[k].filesz;
	CHECK(need < image_len);        // section headers come after
	for (uint32_t len = 0; len <= image_len; len++) {
		uint32_t entry;
		struct elf_seg segs[MAXSEG];
		const char *err;
		int n = parse(image, len, &entry, segs, MAXSEG, &err);
		if (len >= need)
			CHECK_EQ(n, nwant);
		else if (CHECK_EQ(n, -1))
			CHECK(err != NULL && *err);
	}
}

static void test_corruptions(void)
{
	patched = malloc(image_len);
	int last = nwant - 1;           // the data+bss segment
	EXPECT_REFUSAL(patched[1] = 'X', "not an ELF file");
	EXPECT_REFUSAL(patched[4] = 2, "not a 32-bit ELF file");
	EXPECT_REFUSAL(patched[5] = 2, "not a little-endian ELF version 1 file");
	EXPECT_REFUSAL(put16(patched, E_MACHINE, 62), "not i386");
	EXPECT_REFUSAL(put16(patched, E_TYPE, 3), "not a static executable (ET_EXEC)");
	EXPECT_REFUSAL(put16(patched, E_PHENTSIZE, 40), "bad program header size");
	EXPECT_REFUSAL(put32(patched, E_PHOFF, image_len - 40), "program headers outside file");
	EXPECT_REFUSAL(put32(patched, E_PHOFF, 0xFFFFFFF0u), "program headers outside file");
	EXPECT_REFUSAL(put16(patched, E_PHNUM, 0xFFFF), "program headers outside file");
	EXPECT_REFUSAL(put32(patched, load_field(0, P_OFFSET), image_len), "segment outside file");
	EXPECT_REFUSAL(put32(patched, load_field(0, P_OFFSET), 0xFFFFFFFFu), "segment outside file");
	EXPECT_REFUSAL(put32(patched, load_field(0, P_FILESZ), image_len + 1);
		       put32(patched, load_field(0, P_MEMSZ), image_len + 1), "segment outside file");
	EXPECT_REFUSAL(put32(patched, load_field(last, P_FILESZ), want[last].memsz + 1),
		       "segment file size exceeds memory size");
	EXPECT_REFUSAL(put32(patched, load_field(last, P_VADDR), 0xFFFFF000u),
		       "segment wraps the address space");
	EXPECT_REFUSAL(put32(patched, load_field(last, P_VADDR), want[last - 1].vaddr + want[last - 1].memsz - 1),
		       "segments overlap");
	EXPECT_REFUSAL(put32(patched, load_field(0, P_VADDR), want[last].vaddr + 0x100), "segments overlap");
	EXPECT_REFUSAL(put32(patched, E_ENTRY, want[0].vaddr), "entry point outside the program's code");
	EXPECT_REFUSAL(put32(patched, E_ENTRY, 0), "entry point outside the program's code");
	EXPECT_REFUSAL(for (int k = 0; k < nwant; k++) put32(patched, load_field(k, P_TYPE), 0),
		       "no loadable segments");
	// Legal edge cases: a segment ending exactly at 4 GiB, segments that
	// touch without overlapping, an empty PT_LOAD (skipped).
	EXPECT_REFUSAL(put32(patched, load_field(last, P_VADDR), 0xFFFFF000u);
		       put32(patched, load_field(last, P_MEMSZ), 0x1000), "ok");
	EXPECT_REFUSAL(put32(patched, load_field(last, P_VADDR), want[last - 1].vaddr + want[last - 1].memsz), "ok");
	fresh_copy();
	put32(patched, load_field(0, P_FILESZ), 0);
	put32(patched, load_field(0, P_MEMSZ), 0);
	uint32_t entry;
	struct elf_seg segs[MAXSEG];
	const char *err;
	CHECK_EQ(parse(patched, image_len, &entry, segs, MAXSEG, &err), nwant - 1);
}

// Random damage to the headers: never a crash; any accepted result must
// satisfy the promises in elf.h.
static void test_fuzz(void)
{
	unit_seed(2024);
	uint32_t span = get32(image, E_PHOFF) + 32 * 8;
	for (int round = 0; round < 30000; round++) {
		fresh_copy();
		int hits = 1 + unit_rand_below(6);
		for (int h = 0; h < hits; h++)
			patched[unit_rand_below(span)] = unit_rand();
		uint32_t len = unit_rand_below(4) ? image_len : unit_rand_below(image_len + 1);
		uint32_t entry;
		struct elf_seg segs[MAXSEG];
		const char *err;
		int n = parse(patched, len, &entry, segs, MAXSEG, &err);
		if (n < 0) {
			CHECK(err != NULL && *err);
			continue;
		}
		int entry_in_code = 0;
		for (int i = 0; i < n; i++) {
			CHECK(segs[i].memsz > 0 && segs[i].filesz <= segs[i].memsz);
			CHECK((uint64_t)segs[i].offset + segs[i].filesz <= len);
			CHECK((uint64_t)segs[i].vaddr + segs[i].memsz <= 0x100000000ull);
			for (int j = 0; j < i; j++)
				CHECK(segs[i].vaddr >= segs[j].vaddr + (uint64_t)segs[j].memsz ||
				      segs[j].vaddr >= segs[i].vaddr + (uint64_t)segs[i].memsz);
			entry_in_code |= segs[i].exec && entry >= segs[i].vaddr &&
					 entry - segs[i].vaddr < segs[i].memsz;
		}
		CHECK(entry_in_code);
	}
}

int main(void)
{
	load_sample();
	RUN(test_sample_parses);
	RUN(test_truncations);
	RUN(test_corruptions);
	RUN(test_fuzz);
	free(image);
	free(patched);
	return unit_finish();
}
