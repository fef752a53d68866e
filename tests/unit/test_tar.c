// Unit tests for kernel/tar.c: an archive GNU tar wrote (SAMPLE_TAR, of
// the files SAMPLE_A and SAMPLE_B, as iso/mkiso.sh writes the disc's),
// hand-made headers, and corrupted and truncated copies.  Every walk runs
// on an exact-size copy, so the sanitizer catches any read past the end.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tar.h"
#include "unit.h"

#define MAX_MEMBERS 8

struct file { char *bytes; uint32_t len; };

static struct file read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	struct file r = { malloc(1 << 20), 0 };
	r.len = fread(r.bytes, 1, 1 << 20, f);
	fclose(f);
	return r;
}

static struct file sample, file_a, file_b;

// A walk of a copy of the first len bytes of img: the members found (with
// their offsets into the archive, names copied out) and how it ended.
struct walk {
	int n, status;
	const char *err;
	char name[MAX_MEMBERS][100];
	uint32_t data_off[MAX_MEMBERS], len[MAX_MEMBERS];
};

static struct walk walk(const char *img, uint32_t len)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, img, len);
	struct walk w = { 0 };
	uint32_t off = 0;
	struct tar_member m;
	while ((w.status = tar_next(copy, len, &off, &m, &w.err)) == 1 && w.n < MAX_MEMBERS) {
		CHECK((const char *)m.data >= copy && m.len <= len &&
		      (uint32_t)((const char *)m.data - copy) <= len - m.len);
		CHECK(m.name >= copy && m.name < copy + len && memchr(m.name, 0, copy + len - m.name));
		snprintf(w.name[w.n], sizeof w.name[0], "%s", m.name);
		w.data_off[w.n] = (const char *)m.data - copy;
		w.len[w.n++] = m.len;
	}
	free(copy);
	return w;
}

// ---- hand-made headers ----

static void octal_field(char *f, int n, uint32_t v)
{
	snprintf(f, n, "%0*o", n - 1, v);
}

static void seal(char *h)
{
	memset(h + 148, ' ', 8);
	uint32_t sum = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
}

// A header at h for a member name of size bytes, type t.
static void header(char *h, const char *name, uint32_t size, char t)
{
	memset(h, 0, TAR_BLOCK);
	memcpy(h, name, strlen(name));
	octal_field(h + 100, 8, 0644);
	octal_field(h + 124, 12, size);
	h[156] = t;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	seal(h);
}

// ---- the tests ----

static void test_gnu_tar_archive(void)
{
	struct walk w = walk(sample.bytes, sample.len);
	CHECK_EQ(w.status, 0);
	if (!CHECK_EQ(w.n, 2))
		return;
	CHECK(strcmp(w.name[0], "sample_prog.c") == 0);
	CHECK(strcmp(w.name[1], "unit.h") == 0);
	CHECK_EQ(w.len[0], file_a.len);
	CHECK_EQ(w.len[1], file_b.len);
	CHECK(memcmp(sample.bytes + w.data_off[0], file_a.bytes, file_a.len) == 0);
	CHECK(memcmp(sample.bytes + w.data_off[1], file_b.bytes, file_b.len) == 0);
	CHECK_EQ(w.data_off[0], TAR_BLOCK);
}

static void test_empty_and_end(void)
{
	char zeros[2 * TAR_BLOCK] = { 0 };
	struct walk w = walk(zeros, 0);
	CHECK_EQ(w.status, 0);
	CHECK_EQ(w.n, 0);
	w = walk(zeros, sizeof zeros);
	CHECK_EQ(w.status, 0);
	CHECK_EQ(w.n, 0);
	w = walk(zeros, TAR_BLOCK - 1);     // no whole header: the end
	CHECK_EQ(w.status, 0);
}

// The last member's padding (and the end blocks) may be missing.
static void test_unpadded_last_member(void)
{
	char a[TAR_BLOCK + 3];
	header(a, "x", 3, '0');
	memcpy(a + TAR_BLOCK, "abc", 3);
	struct walk w = walk(a, sizeof a);
	CHECK_EQ(w.status, 0);
	if (CHECK_EQ(w.n, 1))
		CHECK_EQ(w.len[0], 3);
}

static void test_directories_skipped(void)
{
	char a[4 * TAR_BLOCK] = { 0 };
	header(a, "dir/", 0, '5');
	header(a + TAR_BLOCK, "dir/f", 5, '0');
	memcpy(a + 2 * TAR_BLOCK, "hello", 5);
	struct walk w = walk(a, sizeof a);
	CHECK_EQ(w.status, 0);
	if (CHECK_EQ(w.n, 1))
		CHECK(strcmp(w.name[0], "dir/f") == 0);
}

// Each corruption of a one-member archive, and the error it must give.
static void expect_error(char *a, uint32_t len, const char *why)
{
	struct walk w = walk(a, len);
	CHECK_EQ(w.status, -1);
	CHECK_EQ(w.n, 0);
	if (!CHECK(w.err && strcmp(w.err, why) == 0))
		fprintf(stderr, "  wanted \"%s\", got \"%s\"\n", why, w.err ? w.err : "(none)");
}

static void test_malformed_headers(void)
{
	char a[3 * TAR_BLOCK];
	memset(a, 0, sizeof a);

	header(a, "f", 10, '0');
	a[257] = 'X';
	seal(a);
	expect_error(a, sizeof a, "bad magic");

	header(a, "f", 10, '0');
	a[0] = 'g';                         // after the checksum was taken
	expect_error(a, sizeof a, "bad checksum");

	header(a, "f", 10, '0');
	memcpy(a + 148, "       ", 8);      // no digit at all
	expect_error(a, sizeof a, "bad checksum");

	header(a, "f", 0, '0');
	memcpy(a + 124, "00000000019", 12);   // not octal
	seal(a);
	expect_error(a, sizeof a, "bad size");

	header(a, "f", 0, '0');
	memcpy(a + 124, "77777777777", 12);   // 8 GiB - 1: beyond 32 bits
	seal(a);
	expect_error(a, sizeof a, "bad size");

	header(a, "f", 0, '0');
	memset(a + 124, 0, 12);
	a[124] = (char)0x80;                // GNU base-256
	a[135] = 1;
	seal(a);
	expect_error(a, sizeof a, "bad size");

	header(a, "f", 2 * TAR_BLOCK + 1, '0');
	expect_error(a, sizeof a, "member outside archive");

	header(a, "f", 0xFFFFFFFFu, '0');
	expect_error(a, sizeof a, "member outside archive");

	header(a, "f", 1, '0');
	memset(a, 'n', 100);                // no NUL in the name field
	seal(a);
	expect_error(a, sizeof a, "name too long");

	header(a, "f", 1, '0');
	memcpy(a + 345, "dir", 3);          // a prefix: the name is longer
	seal(a);
	expect_error(a, sizeof a, "name too long");
}

// Every truncation of the GNU archive: members found lie inside, and the
// walk ends (0 or -1) without reading past the end.
static void test_truncations(void)
{
	for (uint32_t len = 0; len <= sample.len; len++) {
		struct walk w = walk(sample.bytes, len);
		CHECK(w.status == 0 || w.status == -1);
		if (len < TAR_BLOCK + file_a.len)
			CHECK_EQ(w.n, 0);
	}
}

static void test_fuzz(void)
{
	unit_seed(12);
	char *a = malloc(sample.len);
	for (int round = 0; round < 20000; round++) {
		memcpy(a, sample.bytes, sample.len);
		for (int k = 1 + unit_rand_below(4); k > 0; k--)
			a[unit_rand_below(TAR_BLOCK)] = unit_rand();
		seal(a);                        // past the checksum, into the fields
		struct walk w = walk(a, unit_rand_below(sample.len + 1));
		CHECK(w.status == 0 || w.status == -1);
		CHECK(w.status == 0 || (w.err && *w.err));
	}
	free(a);
}

int main(void)
{
	sample = read_file(SAMPLE_TAR);
	file_a = read_file(SAMPLE_A);
	file_b = read_file(SAMPLE_B);
	RUN(test_gnu_tar_archive);
	RUN(test_empty_and_end);
	RUN(test_unpadded_last_member);
	RUN(test_directories_skipped);
	RUN(test_malformed_headers);
	RUN(test_truncations);
	RUN(test_fuzz);
	free(sample.bytes);
	free(file_a.bytes);
	free(file_b.bytes);
	return unit_finish();
}
