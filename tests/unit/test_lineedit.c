// Unit tests for shell/lineedit.c: bytes in, the edited line and the echo out.

#include <stdio.h>
#include <string.h>
#include "lineedit.h"
#include "unit.h"

static char echo[8192];
static size_t echo_len;

static void capture(const char *s, size_t n)
{
	if (echo_len + n < sizeof echo) {
		memcpy(echo + echo_len, s, n);
		echo_len += n;
	}
	echo[echo_len] = '\0';
}

static struct lineedit le;

static void fresh(void)
{
	le_init(&le, capture);
	echo_len = 0;
	echo[0] = '\0';
}

// Feed a string; returns how many lines it finished (the last one in le.line).
static int type(const char *s)
{
	int done = 0;
	for (; *s; s++)
		if (le_feed(&le, (unsigned char)*s) == LE_DONE) {
			le_remember(&le, le.line);
			done++;
		}
	return done;
}

static void test_plain_line_echoes_bytes(void)
{
	fresh();
	le_start(&le, "> ");
	CHECK_EQ(type("print(1)\n"), 1);
	CHECK(strcmp(le.line, "print(1)") == 0);
	CHECK(strcmp(echo, "> print(1)\n") == 0);
}

static void test_crlf_is_one_line_and_cr_alone_ends_a_line(void)
{
	fresh();
	le_start(&le, "> ");
	CHECK_EQ(type("a\r\n"), 1);
	CHECK(strcmp(le.line, "a") == 0);
	le_start(&le, "> ");
	CHECK_EQ(type("b\r"), 1);
	CHECK(strcmp(le.line, "b") == 0);
	le_start(&le, "> ");
	CHECK_EQ(type("\n"), 0);          // the LF of that CR LF
	CHECK_EQ(type("\n"), 1);          // a second LF is an empty line
	CHECK(strcmp(le.line, "") == 0);
}

static void test_backspace_and_del_delete_before_cursor(void)
{
	fresh();
	le_start(&le, "");
	type("abcd\b\x7f" "x\n");
	CHECK(strcmp(le.line, "abx") == 0);
	fresh();
	le_start(&le, "");
	type("\b\bok\n");                 // backspace at column 0 does nothing
	CHECK(strcmp(le.line, "ok") == 0);
}

static void test_left_right_insert_in_the_middle(void)
{
	fresh();
	le_start(&le, "");
	type("ac\x1b[Db\n");              // left, insert
	CHECK(strcmp(le.line, "abc") == 0);
	fresh();
	le_start(&le, "");
	type("abc\x1b[D\x1b[D\x1b[C\bX\n"); // left left right, delete 'b', insert X
	CHECK(strcmp(le.line, "aXc") == 0);
	fresh();
	le_start(&le, "");
	type("12\x1b[H0\x1b[F3\n");        // home, end
	CHECK(strcmp(le.line, "0123") == 0);
	fresh();
	le_start(&le, "");
	type("yz\x01x\x05!\n");            // Ctrl-A, Ctrl-E
	CHECK(strcmp(le.line, "xyz!") == 0);
	fresh();
	le_start(&le, "");
	type("ab\x1b[1;5Dc\n");            // parameters are skipped: Ctrl-Left acts as Left
	CHECK(strcmp(le.line, "acb") == 0);
}

static void test_redraw_puts_cursor_back(void)
{
	fresh();
	le_start(&le, "$ ");
	type("ac\x1b[D");
	echo_len = 0;
	type("b");
	CHECK(strcmp(echo, "\r$ abc\x1b[K\x1b[1D") == 0);
}

static void test_history_up_down(void)
{
	fresh();
	le_start(&le, "");
	type("one\n");
	le_start(&le, "");
	type("two\n");
	le_start(&le, "");
	type("dra");
	type("\x1b[A");
	CHECK(strcmp(le.line, "two") == 0);
	type("\x1b[A");
	CHECK(strcmp(le.line, "one") == 0);
	type("\x1b[A");                    // past the oldest: stays
	CHECK(strcmp(le.line, "one") == 0);
	type("\x1b[B\x1b[B");
	CHECK(strcmp(le.line, "dra") == 0); // back to the draft
	type("\x1b[A!\n");
	CHECK(strcmp(le.line, "two!") == 0);
}

static void test_history_skips_empty_and_repeats_and_wraps(void)
{
	fresh();
	le_remember(&le, "");
	CHECK_EQ(le.nhistory, 0);
	le_remember(&le, "x");
	le_remember(&le, "x");
	CHECK_EQ(le.nhistory, 1);
	char line[16];
	for (int i = 0; i < LE_HISTORY + 5; i++) {
		snprintf(line, sizeof line, "l%d", i);
		le_remember(&le, line);
	}
	le_start(&le, "");
	for (int i = 0; i < LE_HISTORY + 3; i++)
		type("\x1b[A");
	snprintf(line, sizeof line, "l%d", 5);  // the oldest one the ring still holds
	CHECK(strcmp(le.line, line) == 0);
}

static void test_long_line_is_truncated_not_overflowed(void)
{
	fresh();
	le_start(&le, "");
	for (int i = 0; i < LE_MAX + 100; i++)
		le_feed(&le, 'a');
	CHECK_EQ(le_feed(&le, '\n'), LE_DONE);
	CHECK_EQ(strlen(le.line), LE_MAX - 1);
}

int main(void)
{
	RUN(test_plain_line_echoes_bytes);
	RUN(test_crlf_is_one_line_and_cr_alone_ends_a_line);
	RUN(test_backspace_and_del_delete_before_cursor);
	RUN(test_left_right_insert_in_the_middle);
	RUN(test_redraw_puts_cursor_back);
	RUN(test_history_up_down);
	RUN(test_history_skips_empty_and_repeats_and_wraps);
	RUN(test_long_line_is_truncated_not_overflowed);
	return unit_finish();
}
