// Unit tests for user/lib/args.c: a program's numeric arguments.

#include "user.h"
#include "unit.h"

static char *argv[] = { "prog", "42", "", "-1", "12abc", "4294967295", "007" };
static const int argc = sizeof argv / sizeof argv[0];

static void test_numbers(void)
{
	CHECK_EQ(arg_decimal(argc, argv, 1, 9), 42);
	CHECK_EQ(arg_decimal(argc, argv, 5, 9), 4294967295u);
	CHECK_EQ(arg_decimal(argc, argv, 6, 9), 7);
}

static void test_not_numbers_give_the_default(void)
{
	CHECK_EQ(arg_decimal(argc, argv, 2, 9), 9);
	CHECK_EQ(arg_decimal(argc, argv, 3, 9), 9);
	CHECK_EQ(arg_decimal(argc, argv, 4, 9), 9);
}

static void test_missing_gives_the_default(void)
{
	CHECK_EQ(arg_decimal(argc, argv, argc, 9), 9);
	CHECK_EQ(arg_decimal(1, argv, 1, 0), 0);
}

int main(void)
{
	RUN(test_numbers);
	RUN(test_not_numbers_give_the_default);
	RUN(test_missing_gives_the_default);
	return unit_finish();
}
