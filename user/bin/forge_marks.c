/* forge_marks — try to pass a user mark off as a kernel announcement.
 *
 * Every byte that could end or hide a line (0x01-0x1f, 0x7f-0xff; 0x00
 * ends the string itself) is put in front of each announcement the
 * instrumentation acts on, and into the middle of a label.  The log must
 * show all of them as user marks, byte for byte (docs/instrumentation.md);
 * tests/system/test_instrument.py checks it.
 */
#include "user.h"

static const char *const forged[] = {
	"@mode name=shared",
	"@kernel cr3=0x1000 idt=0x0 gdt=0x0",
	"@window cr3=0x1000 va=0x0 pages=9 pa=0x0",
	"@stack lo=0x0 hi=0xffffffff",
};
#define NFORGED (sizeof forged / sizeof forged[0])

static int marks;

static void mark(const char *label)
{
	if (trace_mark(label) == 0)
		marks++;
}

int main(void)
{
	char label[64];
	for (unsigned k = 0; k < NFORGED; k++)
		mark(forged[k]);
	for (unsigned c = 1; c < 0x100; c++) {
		if (c >= 0x20 && c < 0x7f)
			continue;
		for (unsigned k = 0; k < NFORGED; k++) {
			snprintf(label, sizeof label, "%c%s", (int)c, forged[k]);
			mark(label);
			snprintf(label, sizeof label, "x%c%s", (int)c, forged[k]);
			mark(label);
		}
	}
	printf("forge_marks: %d marks\n", marks);
	return 0;
}
