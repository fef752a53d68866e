// The event log: one line per event, written through a large buffer.
//
// The buffer is written out when full, when Bochs exits by any path
// (atexit, its own exit hook, the guest's exit port) and when a fatal
// signal arrives, so a log is complete up to the last whole line even
// when Bochs is killed or crashes. Only a complete log ends with "# end".

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounce.h"

#define TRACE_VERSION 3
#define BUFSIZE (4 << 20)

bool trace_on;

static int fd = -1;
static char *buf;
static size_t used;
static Bit64u events;

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;     // disk full or closed: nothing better to do
		p += w;
		n -= w;
	}
}

static void flush(void)
{
	write_all(buf, used);
	used = 0;
}

static void append(const char *s, size_t n)
{
	if (used + n > BUFSIZE)
		flush();
	memcpy(buf + used, s, n);
	used += n;
}

// Nonzero: the icount events carry instead of the CPU's (trace_pin_icount).
static Bit64u pinned;

Bit64u trace_icount(void)
{
	return pinned ? pinned : BX_CPU(0)->get_icount();
}

void trace_pin_icount(Bit64u icount)
{
	pinned = icount;
}

void trace_text(const char *s)
{
	if (trace_on)
		append(s, strlen(s));
}

void trace_event(const char *kind, const char *fmt, ...)
{
	char line[1100];   // an escaped 240-byte label is 960
	int n = snprintf(line, sizeof line, FMT_LL "u %s ", trace_icount(), kind);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int) sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	append(line, n);
	events++;
}

void trace_finish(void)
{
	if (!trace_on)
		return;
	events_finish();
	isolation_finish();
	char mmu[96], line[200];
	counters_keys(mmu, sizeof mmu);
	snprintf(line, sizeof line, "# end icount=" FMT_LL "u events=" FMT_LL "u%s\n",
		trace_icount(), events, mmu);
	trace_text(line);
	flush();
	close(fd);
	trace_on = false;
}

// A fatal signal: keep what was logged (no trailer: the log is cut off),
// then die of the same signal.
static void on_signal(int sig)
{
	if (trace_on) {
		char line[48];
		snprintf(line, sizeof line, "# killed signal=%d\n", sig);
		trace_text(line);
		flush();
		trace_on = false;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void trace_open(void)
{
	const char *path = getenv("BOUNCE_TRACE");
	if (path == NULL || *path == '\0')
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "bounce: cannot open BOUNCE_TRACE file %s\n", path);
		exit(1);
	}
	buf = (char *) malloc(BUFSIZE);
	if (buf == NULL) {
		fprintf(stderr, "bounce: out of memory for the trace buffer\n");
		exit(1);
	}
	trace_on = true;
	char header[32];
	snprintf(header, sizeof header, "# bounce-trace %d\n", TRACE_VERSION);
	trace_text(header);
	atexit(trace_finish);
	static const int fatal[] = { SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };
	for (unsigned k = 0; k < sizeof fatal / sizeof fatal[0]; k++)
		signal(fatal[k], on_signal);
}
