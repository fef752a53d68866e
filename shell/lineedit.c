/* lineedit.c — line editing over a serial line (see lineedit.h).
 *
 * Keys: printable bytes insert at the cursor; Backspace (BS or DEL) deletes
 * before it; Left/Right (ESC [ D / ESC [ C, or Ctrl-B / Ctrl-F) move it;
 * Home/End (ESC [ H / ESC [ F, ESC O H / ESC O F, ESC [ 1 ~ / ESC [ 4 ~,
 * ESC [ 7 ~ / ESC [ 8 ~: terminals disagree; Ctrl-A / Ctrl-E) jump; Delete
 * (ESC [ 3 ~) deletes under the cursor; Ctrl-U, Ctrl-K kill to the start,
 * to the end; Ctrl-W kills the word before the cursor; Up/Down (ESC [ A /
 * ESC [ B, or Ctrl-P / Ctrl-N) walk the history; Tab completes through the
 * complete callback (a second Tab lists the candidates); CR or LF (CR LF
 * counts as one) ends the line.  Typing at the end of the line echoes just
 * the bytes, so pasted or scripted input costs no redraws; any other change
 * redraws the line with ANSI sequences.
 */
#include <ctype.h>
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
void le_redraw(struct lineedit *le)
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
	le_redraw(le);
}

/* Insert n bytes at the cursor, as many as fit. */
static void insert(struct lineedit *le, const char *s, size_t n)
{
	if (n > LE_MAX - 1 - le->len)
		n = LE_MAX - 1 - le->len;
	if (n == 0)
		return;
	memmove(le->line + le->cursor + n, le->line + le->cursor, le->len - le->cursor + 1);
	memcpy(le->line + le->cursor, s, n);
	le->cursor += n;
	le->len += n;
	if (le->cursor == le->len)
		le->write(s, n);
	else
		le_redraw(le);
}

/* Delete line[from, to) and leave the cursor at from. */
static void erase(struct lineedit *le, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(le->line + from, le->line + to, le->len - to + 1);
	le->len -= to - from;
	le->cursor = from;
	le_redraw(le);
}

/* Where the word before the cursor starts: blanks, then non-blanks, as a shell's Ctrl-W. */
static size_t word_start(const struct lineedit *le)
{
	size_t i = le->cursor;
	while (i > 0 && isspace((unsigned char)le->line[i - 1]))
		i--;
	while (i > 0 && !isspace((unsigned char)le->line[i - 1]))
		i--;
	return i;
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
		le_redraw(le);
}

static void move_to(struct lineedit *le, size_t cursor)
{
	if (cursor > le->len || cursor == le->cursor)
		return;
	le->cursor = cursor;
	le_redraw(le);
}

/* Bytes of a name that Tab completes: Lua identifiers and field or method paths. */
static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':';
}

void le_candidate(struct lineedit *le, const char *name)
{
	const char *stem = le->line + le->cursor - le->stem_len;
	size_t n = strlen(name);
	if (n >= LE_MAX || strncmp(name, stem, le->stem_len) != 0)
		return;
	if (le->listing) {
		put(le, le->ncandidates == 0 ? "\n" : "  ");
		put(le, name);
	} else if (le->ncandidates == 0) {
		memcpy(le->common, name, n + 1);
	} else {
		size_t i = 0;
		while (le->common[i] != '\0' && le->common[i] == name[i])
			i++;
		le->common[i] = '\0';
	}
	le->ncandidates++;
}

/* Tab: extend the name before the cursor by what all candidates share; if
 * the previous key was a Tab that left it ambiguous, list them instead.
 * Without a name (indentation) or a callback, a Tab is a tab. */
static void tab(struct lineedit *le, int again)
{
	size_t start = le->cursor;
	while (start > 0 && name_char(le->line[start - 1]))
		start--;
	if (le->complete == NULL || start == le->cursor) {
		insert(le, "\t", 1);
		return;
	}
	le->stem_len = 0;
	while (le->stem_len < le->cursor - start &&
	       strchr(".:", le->line[le->cursor - le->stem_len - 1]) == NULL)
		le->stem_len++;
	le->ncandidates = 0;
	le->listing = again;
	le->complete(le, le->line + start, le->cursor - start);
	le->listing = 0;
	if (again) {
		if (le->ncandidates > 0) {
			put(le, "\n");
			le_redraw(le);
		}
		return;
	}
	if (le->ncandidates > 0)
		insert(le, le->common + le->stem_len, strlen(le->common) - le->stem_len);
	le->tabbed = le->ncandidates > 1;
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

/* ESC [ n ~, the VT220 editing keys. */
static void tilde_key(struct lineedit *le, unsigned n)
{
	switch (n) {
	case 1: case 7: move_to(le, 0); break;
	case 4: case 8: move_to(le, le->len); break;
	case 3: erase(le, le->cursor, le->cursor < le->len ? le->cursor + 1 : le->cursor); break;
	}
}

enum le_result le_feed(struct lineedit *le, int c)
{
	int after_cr = le->after_cr, tabbed = le->tabbed;
	le->after_cr = 0;
	le->tabbed = 0;
	if (le->escape == 1) {
		le->escape = (c == '[' || c == 'O') ? 2 : 0;
		le->esc_param = 0;
		return LE_MORE;
	}
	if (le->escape >= 2) {    /* 2: in the first parameter, 3: in later ones */
		if (c >= '0' && c <= '9') {
			if (le->escape == 2 && le->esc_param < 1000)
				le->esc_param = le->esc_param * 10 + (unsigned)(c - '0');
			return LE_MORE;
		}
		if (c == ';') {       /* e.g. ESC [ 1 ; 5 C: modifiers are ignored */
			le->escape = 3;
			return LE_MORE;
		}
		le->escape = 0;
		if (c == '~')
			tilde_key(le, le->esc_param);
		else
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
	case CTRL('U'): erase(le, 0, le->cursor); break;
	case CTRL('K'): erase(le, le->cursor, le->len); break;
	case CTRL('W'): erase(le, word_start(le), le->cursor); break;
	case '\t': tab(le, tabbed); break;
	default:
		if (c >= 0x20) {
			char b = (char)c;
			insert(le, &b, 1);
		}
	}
	return LE_MORE;
}
