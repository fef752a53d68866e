/* nullcalls — n null system calls (getpid), optionally with the window
 * moved to va first: what scripts/lua/measure.lua and tests/system/test_emu.py
 * count with k.emu.counters() around it.
 *
 *     nullcalls N [VA]     exit status 0; 2 if the window cannot move to VA
 */
#include "user.h"

static uint32_t number(const char *s)
{
	uint32_t v = 0, base = 10;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		uint32_t d = *s >= 'a' ? (uint32_t)(*s - 'a' + 10) : (uint32_t)(*s - '0');
		v = v * base + d;
	}
	return v;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? number(argv[1]) : 0;
	if (argc > 2 && window_move(number(argv[2])) < 0)
		return 2;
	for (uint32_t i = 0; i < n; i++)
		getpid();
	return 0;
}
