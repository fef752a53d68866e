// ustar archive reading (see tar.h).  A header is one 512-byte block;
// the member's data follows, padded to a whole block.  Numbers are
// octal text; the checksum is the sum of the header's bytes with its own
// field counted as blanks.

#include <string.h>
#include "tar.h"

// Header field offsets and sizes (POSIX.1 ustar).
#define H_NAME      0
#define H_NAME_LEN  100
#define H_SIZE      124
#define H_SIZE_LEN  12
#define H_CHKSUM    148
#define H_CHKSUM_LEN 8
#define H_TYPE      156
#define H_MAGIC     257
#define H_PREFIX    345

// The octal number in the n-byte field f, ended by NUL or blank (leading
// blanks allowed); -1 if it has no digit, a stray character or does not
// fit in 32 bits (GNU's base-256 sizes, high bit set, are refused here).
static int64_t octal(const char *f, int n)
{
	int i = 0, digits = 0;
	uint32_t v = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v > UINT32_MAX >> 3)
			return -1;
		v = v << 3 | (uint32_t)(f[i] - '0');
	}
	if (!digits || (i < n && f[i] != 0 && f[i] != ' '))
		return -1;
	return v;
}

static int zero_block(const char *h)
{
	for (int i = 0; i < TAR_BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

static uint32_t checksum(const char *h)
{
	uint32_t sum = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		sum += i >= H_CHKSUM && i < H_CHKSUM + H_CHKSUM_LEN ? ' ' : (unsigned char)h[i];
	return sum;
}

static int fail(const char **err, const char *why)
{
	*err = why;
	return -1;
}

int tar_next(char *a, uint32_t len, uint32_t *off, struct tar_member *m, const char **err)
{
	for (;;) {
		if (*off > len || len - *off < TAR_BLOCK)
			return 0;
		char *h = a + *off;
		if (zero_block(h))
			return 0;
		if (memcmp(h + H_MAGIC, "ustar", 5) != 0)
			return fail(err, "bad magic");
		if (octal(h + H_CHKSUM, H_CHKSUM_LEN) != checksum(h))
			return fail(err, "bad checksum");
		int64_t size = octal(h + H_SIZE, H_SIZE_LEN);
		if (size < 0)
			return fail(err, "bad size");
		uint32_t data = *off + TAR_BLOCK;
		if ((uint32_t)size > len - data)
			return fail(err, "member outside archive");
		// The next header: past the data's padding, or the end.
		uint32_t pad = (TAR_BLOCK - (uint32_t)size % TAR_BLOCK) % TAR_BLOCK;
		uint32_t next = pad > len - data - (uint32_t)size ? len : data + (uint32_t)size + pad;
		if (h[H_TYPE] != '0' && h[H_TYPE] != 0) {
			*off = next;
			continue;
		}
		if (!memchr(h + H_NAME, 0, H_NAME_LEN) || h[H_PREFIX] != 0)
			return fail(err, "name too long");
		*m = (struct tar_member){ h + H_NAME, (const unsigned char *)a + data, (uint32_t)size };
		*off = next;
		return 1;
	}
}
