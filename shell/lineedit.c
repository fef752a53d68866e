/* lineedit.c — line editing over a serial line (see lineedit.h).
 *
 * Keys: printable bytes insert at the cursor; Backspace (BS or DEL) deletes
 * before it; Left/Right (ESC [ D / ESC [ C, or Ctrl-B / Ctrl-F) move it;
 * Home/End (ESC [ H / ESC [ F, Ctrl-A / Ctrl-E) jump; Up/Down (ESC [ A /
 * ESC [ B, or Ctrl-P / Ctrl-N) walk the history; CR or LF (CR LF counts as
 * one) ends the line.  Typing at the end of the line echoes just the byte,
 * so pasted or scripted input costs no redraws; any other change redraws
 * the line with ANSI sequences.
 */
#include <stdio.h>
#include <string.h>

#include "lineedit.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 0x1b

static void put(struct lineedit *le, const char *s)
{
	le->write(s, strlen(s));
}

/* Carriage return, prompt, line, clear to end of screen line, cursor back into place. */
static void redraw(struct lineedit *le)
{
	char back[16];
	put(le, "\r");
	put(le, le->prompt);
	le->write(le->line, le->len);
	put(le, "\x1b[K");
	if (le->cursor < le->len) {
		snprintf(back, sizeof back, "\x1b[%uD", (unsigned)(le->len - le->cursor));
		put(le, back);
	}
}

static void set_line(struct lineedit *le, const char *s)
{
	le->len = le->cursor = strlen(s);
	memcpy(le->line, s, le->len + 1);
}

void le_init(struct lineedit *le, void (*write)(const char *s, size_t n))
{
	memset(le, 0, sizeof *le);
	le->write = write;
	le->prompt = "";
}

void le_start(struct lineedit *le, const char *prompt)
{
	le->prompt = prompt;
	le->len = le->cursor = 0;
	le->line[0] = '\0';
	le->browse = 0;
	le->escape = 0;
	put(le, prompt);
}

void le_remember(struct lineedit *le, const char *line)
{
	if (line[0] == '\0')
		return;
	if (le->nhistory > 0 && strcmp(le->history[(le->nhistory - 1) % LE_HISTORY], line) == 0)
		return;
	snprintf(le->history[le->nhistory % LE_HISTORY], LE_MAX, "%s", line);
	le->nhistory++;
}

/* Show the history entry `back` lines before the newest (0 = the draft). */
static void browse_to(struct lineedit *le, unsigned back)
{
	unsigned kept = le->nhistory < LE_HISTORY ? le->nhistory : LE_HISTORY;
	if (back > kept)
		return;
	if (le->browse == 0)
		memcpy(le->draft, le->line, le->len + 1);
	le->browse = back;
	set_line(le, back == 0 ? le->draft : le->history[(le->nhistory - back) % LE_HISTORY]);
	redraw(le);
}

static void insert(struct lineedit *le, char c)
{
	if (le->len + 1 >= LE_MAX)
		return;
	memmove(le->line + le->cursor + 1, le->line + le->cursor, le->len - le->cursor + 1);
	le->line[le->cursor++] = c;
	le->len++;
	if (le->cursor == le->len)
		le->write(&c, 1);
	else
		redraw(le);
}

static void backspace(struct lineedit *le)
{
	if (le->cursor == 0)
		return;
	memmove(le->line + le->cursor - 1, le->line + le->cursor, le->len - le->cursor + 1);
	le->cursor--;
	le->len--;
	if (le->cursor == le->len)
		put(le, "\b \b");
	else
		redraw(le);
}

static void move_to(struct lineedit *le, size_t cursor)
{
	if (cursor > le->len || cursor == le->cursor)
		return;
	le->cursor = cursor;
	redraw(le);
}

/* The final byte of ESC [ x or ESC O x. */
static void escape_key(struct lineedit *le, int c)
{
	switch (c) {
	case 'A': browse_to(le, le->browse + 1); break;
	case 'B': if (le->browse > 0) browse_to(le, le->browse - 1); break;
	case 'C': move_to(le, le->cursor + 1); break;
	case 'D': if (le->cursor > 0) move_to(le, le->cursor - 1); break;
	case 'H': move_to(le, 0); break;
	case 'F': move_to(le, le->len); break;
	}
}

enum le_result le_feed(struct lineedit *le, int c)
{
	int after_cr = le->after_cr;
	le->after_cr = 0;
	if (le->escape == 1) {
		le->escape = (c == '[' || c == 'O') ? 2 : 0;
		return LE_MORE;
	}
	if (le->escape == 2) {
		if (c >= '0' && c <= '9')    /* parameters, e.g. ESC [ 1 ; 5 C */
			return LE_MORE;
		if (c == ';')
			return LE_MORE;
		le->escape = 0;
		escape_key(le, c);
		return LE_MORE;
	}
	switch (c) {
	case '\n':
		if (after_cr)
			return LE_MORE;
		/* fall through */
	case '\r':
		le->after_cr = c == '\r';
		put(le, "\n");
		return LE_DONE;
	case ESC: le->escape = 1; break;
	case '\b': case 0x7f: backspace(le); break;
	case CTRL('A'): move_to(le, 0); break;
	case CTRL('E'): move_to(le, le->len); break;
	case CTRL('B'): escape_key(le, 'D'); break;
	case CTRL('F'): escape_key(le, 'C'); break;
	case CTRL('P'): escape_key(le, 'A'); break;
	case CTRL('N'): escape_key(le, 'B'); break;
	default:
		if (c >= 0x20 || c == '\t')
			insert(le, (char)c);
	}
	return LE_MORE;
}
