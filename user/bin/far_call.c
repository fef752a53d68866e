/* far_call — a far call through the selector given (hex, e.g. 0x3b):
 * past the GDT, to a system descriptor, to a kernel segment.  Each one
 * must fault (#GP or #NP) and the kernel kill the process with a report
 * that decodes the selector (docs/diagnostics.md).  Should the call come
 * back, the program says so and exits 1. */
#include "user.h"

static uint32_t hex(const char *s)
{
	uint32_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' ? (*s | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			return n;
		n = n * 16 + (uint32_t)d;
	}
}

int main(int argc, char **argv)
{
	struct { uint32_t off; uint16_t sel; } __attribute__((packed)) far = { 0, 0 };
	if (argc < 2) {
		printf("usage: far_call <selector>\n");
		return 2;
	}
	far.sel = (uint16_t)hex(argv[1]);
	printf("far_call: lcall through selector %#x\n", far.sel);
	__asm__ volatile("lcall *%0" : : "m"(far) : "memory");
	printf("far_call: the call returned\n");
	return 1;
}
