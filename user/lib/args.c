/* args.c — a program's numeric arguments. */
#include "user.h"

/* argv[i] as an unsigned decimal number; dflt when there is no argv[i]
 * or it is not one (empty, a sign, other characters). */
uint32_t arg_decimal(int argc, char **argv, int i, uint32_t dflt)
{
	const char *s = i < argc ? argv[i] : "";
	uint32_t v = 0;

	if (!*s)
		return dflt;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint32_t)(*s - '0');
	return *s ? dflt : v;
}
