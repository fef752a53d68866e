// The guest's two ports.
//
// 0x500: a byte channel. Bytes gather into a line until '\n'. A line
// starting with '@' is an announcement ("@what key=value ..."), logged as
// NOTE and read by isolation.cc; any other line is a MARK label.
// 0x501: exit. The log is finished and Bochs exits with exactly the byte
// written, after letting the UART send the bytes the guest left in it.
// This works with logging off too, since tests rely on the exit status.
//
// Bochs's own biosdev device also listens on 0x500 (VGA BIOS messages, so
// the VGA BIOS's banner shows up as MARK events) and 0x501 (VGA BIOS panic).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "pc_system.h"

#define MARKER_PORT 0x500
#define EXIT_PORT   0x501
#define LINE_MAX_LEN 240   // longer lines are cut; the log line stays short
#define EXIT_DRAIN_TICKS 1000000   // 20 ms at ips=50M: a 16-byte FIFO
                                   // at 9600 baud empties in ~17 ms

static char line[LINE_MAX_LEN + 1];
static unsigned len;

// The value of "key=" in an announcement's text, or 0 if absent.
static Bit32u value_of(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; (p = strstr(p, key)) != NULL; p += klen) {
		bool word_start = (p == text || p[-1] == ' ');
		if (word_start && p[klen] == '=')
			return (Bit32u) strtoul(p + klen + 1, NULL, 0);
	}
	return 0;
}

// "@what k=v ..." -> NOTE what=what k=v ..., and tell isolation.cc.
static void announcement(const char *text)
{
	char what[32];
	size_t n = strcspn(text, " ");
	if (n >= sizeof what)
		n = sizeof what - 1;
	memcpy(what, text, n);
	what[n] = '\0';
	const char *pairs = text + strcspn(text, " ");
	trace_event("NOTE", "what=%s%s", what, pairs);

	if (strcmp(what, "kernel") == 0) {
		isolation_kernel(value_of(pairs, "cr3"));
	} else if (strcmp(what, "window") == 0) {
		isolation_window(value_of(pairs, "cr3"), value_of(pairs, "va"),
			value_of(pairs, "pages"));
	} else if (strcmp(what, "mode") == 0) {
		char name[32] = "";
		const char *p = strstr(pairs, " name=");
		if (p != NULL)
			sscanf(p + 6, "%31[^ ]", name);
		isolation_mode(name);
	}
}

static void marker_byte(Bit8u c)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		if (len < LINE_MAX_LEN)
			line[len++] = (c >= 0x20 && c < 0x7f) ? c : '?';
		return;
	}
	line[len] = '\0';
	if (line[0] == '@')
		announcement(line + 1);
	else
		trace_event("MARK", "label=%s", line);
	len = 0;
}

static void guest_exit(unsigned status)
{
	if (trace_on)
		trace_event("EXIT", "status=%u", status);
	trace_finish();
	// Run the device timers (not the CPU) a little longer so the UART
	// sends what the guest left in it, then exit from inside this hook:
	// Bochs's own handler for this port (the VGA BIOS panic port) must
	// never see the write.
	bx_pc_system.tickn(EXIT_DRAIN_TICKS);
	fflush(NULL);
	exit(status);
}

void guest_outp(Bit16u port, unsigned val)
{
	if (port == MARKER_PORT && trace_on)
		marker_byte(val & 0xff);
	else if (port == EXIT_PORT)
		guest_exit(val & 0xff);
}
