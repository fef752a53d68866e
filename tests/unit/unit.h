// A tiny unit-test framework for host-compiled kernel code.
//
// A test is a void function full of CHECKs; it passes when none of them
// fails. main() runs the tests with RUN() and returns unit_finish(), which
// prints "unit: N passed, M failed" (counting tests) and the exit status.

#ifndef BOUNCE_UNIT_H
#define BOUNCE_UNIT_H

#include <stdint.h>

#define CHECK(cond) unit_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) unit_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define RUN(test) unit_run(#test, test)

// Both return cond / (a == b) so a test can stop early on failure.
int unit_check(int cond, const char *what, const char *file, int line);
int unit_check_eq(uint64_t a, uint64_t b, const char *as, const char *bs,
		  const char *file, int line);
void unit_run(const char *name, void (*test)(void));
int unit_finish(void);

// Deterministic pseudo-random numbers (xorshift), so failures reproduce.
void unit_seed(uint64_t seed);
uint32_t unit_rand(void);
uint32_t unit_rand_below(uint32_t n);   // uniform in [0, n), n > 0

#endif
