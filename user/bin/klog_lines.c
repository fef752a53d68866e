/* klog_lines — writes lines into the kernel's message ring (SYS_log): a
 * plain one, one full of control bytes, one longer than LOG_MAX, and two
 * it cannot read (a null pointer, and the window, which the kernel must
 * not read on the user's behalf).  It prints only what each call
 * returned, never the text, so the text reaches the console only if the
 * kernel put it there.  tests/system/test_diag.py reads k.dmesg(). */
#include "user.h"

static char long_line[LOG_MAX + 41];

int main(void)
{
	struct window_info w = { 0 };
	memset(long_line, 'L', sizeof long_line - 1);
	long_line[LOG_MAX - 1] = 'E';   /* the last byte kept */
	long_line[LOG_MAX] = 'X';       /* the first byte cut */
	printf("plain %d\n", klog("klog plain line"));
	printf("control %d\n", klog("klog ctl:\x01\x1b[31m\ttab\\back\x7f\xff\r\nfake [pid 1] end"));
	printf("long %d\n", klog(long_line));
	printf("null %d\n", klog((const char *)0));
	window(&w);
	printf("window %d\n", w.pages ? klog((const char *)w.va) : -EFAULT);
	return 0;
}
