/* tap.c — a small Test Anything Protocol producer.
 *
 *   plan(n); ok(cond, "what"); ...; done();
 *
 * Each line goes out in one write so lines from several processes never
 * interleave mid-line.  done() exits 0 only if every test passed and the
 * number run matches the plan.  Only the process that called plan()
 * should call ok(): a forked child reports through its exit status.
 */
#include "user.h"

extern const char *__progname;	/* argv[0], from crt0 */

static int planned, run, failed;

/* The comment names the program so a reader of the console can tell
 * whose TAP stream follows. */
void plan(int n)
{
	planned = n;
	printf("# program %s pid %d\n1..%d\n",
	       __progname ? __progname : "?", getpid(), n);
}

int ok(int cond, const char *fmt, ...)
{
	char line[256];
	int len;
	va_list ap;

	run++;
	if (!cond)
		failed++;
	len = snprintf(line, sizeof line, "%sok %d - ", cond ? "" : "not ", run);
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
	va_end(ap);
	printf("%s\n", line);
	return cond;
}

/* A test that cannot hold here: TAP counts it as run and passed. */
void skip(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	run++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	printf("ok %d # SKIP %s\n", run, line);
}

/* The shared layout (kernel command line mode=shared) has no window and
 * keeps the kernel's range for itself; a program whose premise is the
 * window or the whole 4 GiB says so and skips everything. */
void skip_all_if_shared(void)
{
	struct window_info w;

	if (window(&w) == 0 && w.pages == 0) {
		printf("# program %s pid %d\n1..0 # SKIP shared layout: no window, "
		       "the kernel's range is not the user's\n", __progname ? __progname : "?", getpid());
		exit(0);
	}
}

void diag(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	printf("# %s\n", line);
}

void done(void)
{
	if (run != planned)
		diag("planned %d tests but ran %d", planned, run);
	if (failed)
		diag("failed %d of %d", failed, run);
	exit(failed == 0 && run == planned ? 0 : 1);
}
