// The guest's ports.
//
// 0x500: the kernel's line channel. Bytes gather into a line until '\n'
// or '\r'. A line starting with '@' is an announcement ("@what key=value
// ..."), logged as NOTE and read by isolation.cc; any other line is a MARK
// label. The kernel writes no other control byte here (debugport.c turns
// them into '?'): text from users goes to 0x503.
// 0x501: exit. The log is finished and Bochs exits with exactly the byte
// written, after letting the UART send the bytes the guest left in it.
// This works with logging off too, since tests rely on the exit status.
// 0x503: user marks, framed by length so that no byte value is special:
// the pid (4 bytes, little-endian), the label's length (1 byte), then the
// label's bytes, kept literally and never parsed: UMARK pid=N label=...
//
// Only CPL 0 may write these ports: a write from any other CPL (which
// the kernel must never allow: IOPL and the TSS I/O bitmap) is flagged and
// otherwise ignored, so user code can neither announce nor exit.
// Logged text is escaped: bytes outside printable ASCII, and '\', are
// written as \xNN, so no byte can end a log line or fake a field.
//
// Bochs's own biosdev device also listens on 0x500 (VGA BIOS messages, so
// the VGA BIOS's banner shows up as MARK events), 0x501 (VGA BIOS panic)
// and 0x503 (VGA BIOS debug messages: Bochs ignores them, see bochsrc).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "pc_system.h"

#define MARKER_PORT 0x500
#define EXIT_PORT   0x501
#define UMARK_PORT  0x503
#define UMARK_HEADER 5     // pid and length
#define LINE_MAX_LEN 240   // longer lines are cut; the log line stays short
#define EXIT_DRAIN_TICKS 1000000   // 20 ms at ips=50M: a 16-byte FIFO
                                   // at 9600 baud empties in ~17 ms

struct channel {
	Bit8u bytes[LINE_MAX_LEN];
	unsigned len;
};

static channel kernel_line, user_mark;

// The user mark being received: header bytes seen, pid, label length.
static struct {
	unsigned header;
	Bit32u pid;
	unsigned len;
} umark;

static void put(channel *ch, Bit8u c)
{
	if (ch->len < LINE_MAX_LEN)
		ch->bytes[ch->len++] = c;
}

// The channel's bytes, escaped, NUL-terminated into out.
static void escaped(const channel *ch, char out[4 * LINE_MAX_LEN + 1])
{
	char *o = out;
	for (unsigned k = 0; k < ch->len; k++) {
		Bit8u c = ch->bytes[k];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			*o++ = (char) c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o = '\0';
}

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
	} else if (strcmp(what, "stack") == 0) {
		isolation_stack(value_of(pairs, "lo"), value_of(pairs, "hi"));
	} else if (strcmp(what, "mode") == 0) {
		char name[32] = "";
		const char *p = strstr(pairs, " name=");
		if (p != NULL)
			sscanf(p + 6, "%31[^ ]", name);
		isolation_mode(name);
	}
}

// '\r' ends a line too: the VGA BIOS ends its lines with "\r\n" or a lone
// '\r', and its leftovers must not glue onto the kernel's first line.
// Empty lines are dropped.
static void marker_byte(Bit8u c)
{
	if (c != '\n' && c != '\r') {
		put(&kernel_line, c);
		return;
	}
	if (kernel_line.len == 0)
		return;
	char text[4 * LINE_MAX_LEN + 1];
	escaped(&kernel_line, text);
	if (text[0] == '@')
		announcement(text + 1);
	else
		trace_event("MARK", "label=%s", text);
	kernel_line.len = 0;
}

static void user_mark_byte(Bit8u c)
{
	if (umark.header < UMARK_HEADER) {
		if (umark.header < 4)
			umark.pid |= (Bit32u) c << (8 * umark.header);
		else
			umark.len = c;
		umark.header++;
	} else {
		put(&user_mark, c);
		umark.len--;
	}
	if (umark.header < UMARK_HEADER || umark.len > 0)
		return;
	char text[4 * LINE_MAX_LEN + 1];
	escaped(&user_mark, text);
	trace_event("UMARK", "pid=%u label=%s", umark.pid, text);
	user_mark.len = 0;
	umark.header = 0;
	umark.pid = 0;
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

// A write to one of our ports from outside ring 0: once per instruction
// in a row (a loop of OUTs is one FLAG).
static void user_port(BX_CPU_C *c, Bit16u port, unsigned cpl)
{
	static Bit32u last_eip = 0xffffffff;
	Bit32u eip = (Bit32u) c->prev_rip;
	if (!trace_on || eip == last_eip)
		return;
	last_eip = eip;
	trace_event("FLAG", "kind=user-port cpl=%u cs=0x%x eip=0x%x cr3=0x%x port=0x%x",
		cpl, c->sregs[BX_SEG_REG_CS].selector.value, eip,
		(Bit32u) c->cr3 & 0xfffff000u, port);
}

void guest_outp(Bit16u port, unsigned val)
{
	if (port != MARKER_PORT && port != EXIT_PORT && port != UMARK_PORT)
		return;
	BX_CPU_C *c = BX_CPU(0);
	unsigned cpl = c->sregs[BX_SEG_REG_CS].selector.rpl;
	if (cpl != 0) {
		user_port(c, port, cpl);
		return;
	}
	if (port == EXIT_PORT)
		guest_exit(val & 0xff);
	else if (!trace_on)
		return;
	else if (port == MARKER_PORT)
		marker_byte(val & 0xff);
	else
		user_mark_byte(val & 0xff);
}
