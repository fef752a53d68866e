/* hello — the smallest user program, for smoke tests. */
#include "user.h"

int main(void)
{
	printf("hello from pid %d\n", getpid());
	return 0;
}
