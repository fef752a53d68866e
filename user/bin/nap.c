/* nap — sleeps for the ticks given (decimal, default 50), then prints the
 * kernel's canary word and exits 0: a process that stays alive while the
 * shell changes its window, and a witness that the canary kept its value. */
#include "user.h"

static uint32_t decimal(const char *s)
{
	uint32_t n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint32_t)(*s++ - '0');
	return n;
}

int main(int argc, char **argv)
{
	sleep(argc > 1 ? decimal(argv[1]) : 50);
	printf("canary %#010x\n", canary());
	return 0;
}
