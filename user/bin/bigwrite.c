/* bigwrite — long console writes (tests/system/test_console.py).
 *
 * The text is 2048 numbered lines of 64 bytes (128 KiB), so a reader can
 * tell an intact prefix from a garbled one.  Marks around each call let
 * the instrumentation log time it.
 *
 *   bigwrite        one write() of the text; says what it returned; exits 0
 *   bigwrite fault  the same, then dies on a null pointer while its output
 *                   is still queued (the kernel's report must come after it)
 *   bigwrite cap    the same, then writes on to 100 bytes short of the
 *                   256 KiB the kernel keeps for k.proc.wait, then 256 bytes
 *                   that do not fit and 4 that would (what is kept must
 *                   stay a prefix)
 *   bigwrite long   one write() of 64 MiB: the text's pages aliased 512
 *                   times with map_frames (an hour and a half of the
 *                   emulated line: only kill ends it)
 */
#include "user.h"

#define LINE 64
#define LINES 2048
#define LONG_VA 0x50000000u
#define LONG_PAGES ((64u << 20) / PAGE_SIZE)

static char text[LINE * LINES] __attribute__((aligned(PAGE_SIZE)));

static void fill(void)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int i = 0; i < LINES; i++) {
		char *l = text + i * LINE;
		snprintf(l, LINE, "L%06d ", i);
		memcpy(l + 8, chars, LINE - 9);
		l[LINE - 1] = '\n';
	}
}

static int timed_write(const void *buf, uint32_t len)
{
	trace_mark("bigwrite start");
	int r = write(1, buf, len);
	trace_mark("bigwrite end");
	return r;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	fill();
	if (strcmp(mode, "long") == 0) {
		if (map_frames(LONG_VA, LONG_PAGES, (uint32_t)text, sizeof text / PAGE_SIZE, 0) < 0)
			return 1;
		printf("bigwrite: write returned %d\n", timed_write((void *)LONG_VA, LONG_PAGES * PAGE_SIZE));
		return 0;
	}
	int line = printf("bigwrite: write returned %d\n", timed_write(text, sizeof text));
	if (strcmp(mode, "fault") == 0)
		*(volatile int *)0 = 1;
	if (strcmp(mode, "cap") == 0) {
		write(1, text, sizeof text - line - 100);
		write(1, text, 256);
		write(1, "end\n", 4);
	}
	return 0;
}
