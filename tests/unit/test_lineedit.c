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

static void test_kill_keys(void)
{
	fresh();
	le_start(&le, "");
	type("abc def\x1b[D\x1b[D\x15" "X\n");      // Ctrl-U: kill back to the line start
	CHECK(strcmp(le.line, "Xef") == 0);
	fresh();
	le_start(&le, "");
	type("x = foo  bar  \x17" "baz\n");        // Ctrl-W: the word before the cursor and the blanks after it
	CHECK(strcmp(le.line, "x = foo  baz") == 0);
	fresh();
	le_start(&le, "");
	type("ab cd\x1b[D\x17" "X\n");             // Ctrl-W in mid-word keeps what follows the cursor
	CHECK(strcmp(le.line, "ab Xd") == 0);
	fresh();
	le_start(&le, "");
	type("\x17\x15" "ok\n");                   // at column 0 they do nothing
	CHECK(strcmp(le.line, "ok") == 0);
	fresh();
	le_start(&le, "");
	type("abcdef\x01\x1b[C\x1b[C\x0b" "X\n");  // Ctrl-K: kill to the end
	CHECK(strcmp(le.line, "abX") == 0);
}

static void test_delete_key(void)
{
	fresh();
	le_start(&le, "");
	type("abc\x1b[D\x1b[D\x1b[3~X\n");         // Delete removes the byte under the cursor
	CHECK(strcmp(le.line, "aXc") == 0);
	fresh();
	le_start(&le, "");
	type("abc\x1b[3~\n");                      // at the end of the line it does nothing
	CHECK(strcmp(le.line, "abc") == 0);
}

static void test_home_end_as_terminals_send_them(void)
{
	static const char *keys[][2] = {
		{ "\x1b[H", "\x1b[F" },   // xterm
		{ "\x1bOH", "\x1bOF" },   // xterm, application cursor mode
		{ "\x1b[1~", "\x1b[4~" }, // VT220, tmux, screen
		{ "\x1b[7~", "\x1b[8~" }, // rxvt
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		fresh();
		le_start(&le, "");
		type("12");
		type(keys[i][0]);
		type("0");
		type(keys[i][1]);
		type("3\n");
		CHECK(strcmp(le.line, "0123") == 0);
	}
	fresh();
	le_start(&le, "");
	type("ab\x1b[2~\x1b[5~\x1b[6~\x1b[D" "c\n");   // Insert, PgUp, PgDn: ignored
	CHECK(strcmp(le.line, "acb") == 0);
}

// A completion source standing in for the shell's Lua globals.
static const char *names[] = { "walk", "walkall", "write32", "dumpmem", NULL };
static char asked[LE_MAX];

static void complete(struct lineedit *e, const char *word, size_t len)
{
	snprintf(asked, sizeof asked, "%.*s", (int)len, word);
	const char *stem = word + len;
	while (stem > word && stem[-1] != '.' && stem[-1] != ':')
		stem--;
	for (const char **n = names; *n; n++)
		if (strncmp(*n, stem, (size_t)(word + len - stem)) == 0)
			le_candidate(e, *n);
}

static void test_tab_completes_the_word_before_the_cursor(void)
{
	fresh();
	le.complete = complete;
	le_start(&le, "> ");
	type("x = k.mm.wa");
	echo_len = 0;
	type("\t");
	CHECK(strcmp(asked, "k.mm.wa") == 0);
	CHECK(strcmp(le.line, "x = k.mm.walk") == 0);   // common prefix of walk, walkall
	CHECK(strcmp(echo, "lk") == 0);                  // at the end of the line: just the bytes
	type("(1)\n");
	CHECK(strcmp(le.line, "x = k.mm.walk(1)") == 0);
	fresh();
	le.complete = complete;
	le_start(&le, "");
	type("k.mm.du)\x1b[D\t\n");                     // in the middle of the line
	CHECK(strcmp(asked, "k.mm.du") == 0);
	CHECK(strcmp(le.line, "k.mm.dumpmem)") == 0);
	fresh();
	le.complete = complete;
	le_start(&le, "");
	type("o:wr\t\n");                                // method calls too
	CHECK(strcmp(le.line, "o:write32") == 0);
}

static void test_second_tab_lists_candidates(void)
{
	fresh();
	le.complete = complete;
	le_start(&le, "> ");
	type("k.mm.walk");
	echo_len = 0;
	echo[0] = '\0';
	type("\t");
	CHECK(strcmp(echo, "") == 0);                    // ambiguous, nothing to add: the first Tab is silent
	type("\t");
	CHECK(strcmp(echo, "\nwalk  walkall\n\r> k.mm.walk\x1b[K") == 0);
	CHECK(strcmp(le.line, "k.mm.walk") == 0);
	echo_len = 0;
	type("x\t\t");                                   // no candidates: nothing listed
	CHECK(strcmp(echo, "x") == 0);
}

static void test_tab_without_a_word_or_source_inserts_a_tab(void)
{
	fresh();
	le.complete = complete;
	le_start(&le, "");
	type("\tif x then\n");                           // indentation stays indentation
	CHECK(strcmp(le.line, "\tif x then") == 0);
	fresh();
	le_start(&le, "");
	type("a\tb\n");                                  // no completion source
	CHECK(strcmp(le.line, "a\tb") == 0);
}

static void test_completion_never_overflows_the_line(void)
{
	fresh();
	le.complete = complete;
	le_start(&le, "");
	for (int i = 0; i < LE_MAX - 4; i++)
		le_feed(&le, 'a');
	type(" wa\t");
	CHECK_EQ(le.len, LE_MAX - 1);
	CHECK_EQ(le_feed(&le, '\n'), LE_DONE);
}

// After other output went over it, le_redraw shows prompt and line again
// with the cursor where it was, and editing goes on from there.
static void test_redraw_restores_prompt_line_and_cursor(void)
{
	fresh();
	le_start(&le, "> ");
	type("print(12\x1b[D");
	echo_len = 0;
	le_redraw(&le);
	CHECK(strcmp(echo, "\r> print(12\x1b[K\x1b[1D") == 0);
	CHECK_EQ(type("3\n"), 1);
	CHECK(strcmp(le.line, "print(132") == 0);
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
	RUN(test_kill_keys);
	RUN(test_delete_key);
	RUN(test_home_end_as_terminals_send_them);
	RUN(test_tab_completes_the_word_before_the_cursor);
	RUN(test_second_tab_lists_candidates);
	RUN(test_tab_without_a_word_or_source_inserts_a_tab);
	RUN(test_completion_never_overflows_the_line);
	RUN(test_redraw_restores_prompt_line_and_cursor);
	return unit_finish();
}
