/* bigwrite — one write() of 128 KiB to the console (tests/system/test_console.py).
 *
 * The text is 2048 numbered lines of 64 bytes, so a reader can tell an
 * intact prefix from a garbled one.  Marks around the call let the
 * instrumentation log time it; then the program says what write returned
 * and exits 0 or, given the argument "fault", dies on a null pointer
 * while its output is still queued (the kernel's report must come after
 * it).
 */
#include "user.h"

#define LINE 64
#define LINES 2048

static char text[LINE * LINES];

int main(int argc, char **argv)
{
	static const char fill[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int i = 0; i < LINES; i++) {
		char *l = text + i * LINE;
		snprintf(l, LINE, "L%06d ", i);
		memcpy(l + 8, fill, LINE - 9);
		l[LINE - 1] = '\n';
	}
	trace_mark("bigwrite start");
	int r = write(1, text, sizeof text);
	trace_mark("bigwrite end");
	printf("bigwrite: write returned %d\n", r);
	if (argc > 1 && strcmp(argv[1], "fault") == 0)
		*(volatile int *)0 = 1;
	return 0;
}
