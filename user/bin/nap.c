/* nap — sleeps for the ticks given (decimal, default 50), then prints the
 * kernel's canary word and exits 0: a process that stays alive while the
 * shell changes its window, and a witness that the canary kept its value. */
#include "user.h"

int main(int argc, char **argv)
{
	sleep(arg_decimal(argc, argv, 1, 50));
	printf("canary %#010x\n", canary());
	return 0;
}
