// The unit-test framework's runner (see unit.h).

#include <stdio.h>
#include "unit.h"

#define MAX_REPORTS_PER_TEST 10     // a failing loop must not flood the log

static int passed, failed;
static int test_failures;
static const char *current = "(none)";
static uint64_t rng_state = 88172645463325252ull;

static void report_failure(void)
{
	test_failures++;
	if (test_failures == MAX_REPORTS_PER_TEST + 1)
		printf("  ... further failures in %s not shown\n", current);
}

int unit_check(int cond, const char *what, const char *file, int line)
{
	if (!cond) {
		if (test_failures < MAX_REPORTS_PER_TEST)
			printf("  FAIL %s: %s:%d: %s\n", current, file, line, what);
		report_failure();
	}
	return cond;
}

int unit_check_eq(uint64_t a, uint64_t b, const char *as, const char *bs,
		  const char *file, int line)
{
	if (a != b) {
		if (test_failures < MAX_REPORTS_PER_TEST)
			printf("  FAIL %s: %s:%d: %s == %s (0x%llx != 0x%llx)\n", current,
			       file, line, as, bs, (unsigned long long)a, (unsigned long long)b);
		report_failure();
	}
	return a == b;
}

void unit_run(const char *name, void (*test)(void))
{
	current = name;
	test_failures = 0;
	test();
	if (test_failures == 0) {
		passed++;
		printf("  ok   %s\n", name);
	} else {
		failed++;
		printf("  FAIL %s (%d failed checks)\n", name, test_failures);
	}
	fflush(stdout);
}

int unit_finish(void)
{
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}

void unit_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

uint32_t unit_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

uint32_t unit_rand_below(uint32_t n)
{
	return (uint32_t)(((uint64_t)unit_rand() * n) >> 32);
}
