/* lineedit.h — a line editor for a serial terminal, fed one byte at a time.
 *
 * It knows nothing of the UART: bytes come in through le_feed and the echo
 * goes out through the write callback, so the same code runs in the
 * kernel and in host unit tests.
 */
#ifndef BOUNCE_LINEEDIT_H
#define BOUNCE_LINEEDIT_H

#include <stddef.h>

#define LE_MAX 1024    /* longest line, NUL included */
#define LE_HISTORY 32  /* lines remembered for up/down */

enum le_result { LE_MORE, LE_DONE };

struct lineedit {
	void (*write)(const char *s, size_t n);
	const char *prompt;
	char line[LE_MAX];          /* the line being edited, NUL-terminated */
	size_t len, cursor;
	char history[LE_HISTORY][LE_MAX];
	unsigned nhistory;          /* lines ever added; the ring keeps the last LE_HISTORY */
	unsigned browse;            /* how far back up/down has gone; 0 = the new line */
	char draft[LE_MAX];         /* the new line, kept while browsing history */
	int escape;                 /* bytes of an ESC [ x sequence seen so far */
	int after_cr;               /* last byte ended a line with CR: a following LF is part of it */
};

void le_init(struct lineedit *le, void (*write)(const char *s, size_t n));
/* Start a new line: print the prompt, empty the buffer. */
void le_start(struct lineedit *le, const char *prompt);
/* One input byte.  LE_DONE: le->line holds a finished line (CR or LF). */
enum le_result le_feed(struct lineedit *le, int c);
/* Remember a line for up/down (empty lines and repeats are skipped). */
void le_remember(struct lineedit *le, const char *line);

#endif
