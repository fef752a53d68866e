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
	/* Tab completion (NULL: Tab inserts a tab).  Called with the word before
	 * the cursor (letters, digits, _ . :); it calls le_candidate with each
	 * name that could end it, i.e. that begins with the word's last part
	 * (after the last . or :). */
	void (*complete)(struct lineedit *le, const char *word, size_t len);
	void *complete_arg;         /* for the callback's own use */
	const char *prompt;
	char line[LE_MAX];          /* the line being edited, NUL-terminated */
	size_t len, cursor;
	char history[LE_HISTORY][LE_MAX];
	unsigned nhistory;          /* lines ever added; the ring keeps the last LE_HISTORY */
	unsigned browse;            /* how far back up/down has gone; 0 = the new line */
	char draft[LE_MAX];         /* the new line, kept while browsing history */
	int escape;                 /* bytes of an ESC [ x sequence seen so far */
	unsigned esc_param;         /* its first number, as in ESC [ 3 ~ */
	int tabbed;                 /* the last key was a Tab that left the word ambiguous */
	/* Completion in progress: the candidates' common prefix and count, or,
	 * when listing, the candidates printed so far. */
	char common[LE_MAX];
	unsigned ncandidates;
	size_t stem_len;            /* the word's last part, which candidates begin with */
	int listing;
	int after_cr;               /* last byte ended a line with CR: a following LF is part of it */
};

void le_init(struct lineedit *le, void (*write)(const char *s, size_t n));
/* Start a new line: print the prompt, empty the buffer. */
void le_start(struct lineedit *le, const char *prompt);
/* One input byte.  LE_DONE: le->line holds a finished line (CR or LF). */
enum le_result le_feed(struct lineedit *le, int c);
/* Show the prompt and the line again, cursor in place, from the start of
 * the screen line (after other output went over it). */
void le_redraw(struct lineedit *le);
/* Remember a line for up/down (empty lines and repeats are skipped). */
void le_remember(struct lineedit *le, const char *line);
/* Offer one completion; only valid inside the complete callback. */
void le_candidate(struct lineedit *le, const char *name);

#endif
