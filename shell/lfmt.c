/* lfmt.c — the snprintf behind Lua's number formatting (l_sprintf).
 *
 * The kernel's snprintf is stb_sprintf: digit for digit like glibc, but it
 * spells infinities and NaNs "Inf" and "NaN" and ignores a NaN's sign.
 * Host lua5.4 prints glibc's "inf", "-inf", "nan", "-nan" ("INF", "NAN" for
 * %E %F %G %A), so a non-finite value under a float conversion is written
 * here as glibc would: sign from the value or the '+'/' ' flags, padded to
 * the width with spaces (glibc ignores '0' and the precision for them).
 * Lua passes one conversion per call and it ends the format.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lfmt.h"

static int is_float_conversion(char c)
{
	return c != '\0' && strchr("aAeEfFgG", c) != NULL;
}

static int format_nonfinite(char *buf, size_t size, const char *fmt, double x)
{
	int left = 0, plus = 0, space = 0, width = 0;
	const char *p = fmt + 1;
	for (; *p != '\0' && strchr("-+ #0", *p) != NULL; p++) {
		left |= *p == '-';
		plus |= *p == '+';
		space |= *p == ' ';
	}
	for (; *p >= '0' && *p <= '9'; p++)
		width = width * 10 + (*p - '0');

	const char *sign = signbit(x) ? "-" : plus ? "+" : space ? " " : "";
	int upper = fmt[strlen(fmt) - 1] <= 'Z';
	const char *name = isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
	char text[8];
	snprintf(text, sizeof text, "%s%s", sign, name);
	return snprintf(buf, size, left ? "%-*s" : "%*s", width, text);
}

int lfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	size_t len = strlen(fmt);
	if (len > 0 && is_float_conversion(fmt[len - 1])) {
		double x = va_arg(ap, double);
		n = isfinite(x) ? snprintf(buf, size, fmt, x) : format_nonfinite(buf, size, fmt, x);
	} else {
		n = vsnprintf(buf, size, fmt, ap);
	}
	va_end(ap);
	return n;
}
