/*
 * edit.h: the prompt's line editor, as plain C fed one key at a time
 * (host tests drive it directly; efi/fw/input.c feeds it the firmware's
 * keys). It draws with printable characters, '\b' (cursor left) and
 * '\n' only, which a UEFI text console and a serial terminal both obey.
 */
#ifndef EFI_EDIT_H
#define EFI_EDIT_H

#include <stddef.h>

#define EDIT_MAX 1024		/* characters on one line, terminator included */
#define EDIT_HISTORY 32		/* lines Up and Down go back through */

/* Keys: a printable ASCII character stands for itself; the rest: */
enum {
	KEY_NONE = 0, KEY_UP = 0x100, KEY_DOWN, KEY_LEFT, KEY_RIGHT,
	KEY_HOME, KEY_END, KEY_DELETE, KEY_BACKSPACE, KEY_ENTER, KEY_TAB,
	KEY_CANCEL,		/* Ctrl-C: abandon the line */
	KEY_KILL,		/* Ctrl-U: erase the line */
};

/* What edit_key says after a key. */
enum { EDIT_MORE, EDIT_DONE, EDIT_CANCEL };

struct edit;

/*
 * Candidates for the word before the cursor: argv[0..argc) are the
 * words before it; complete() calls edit_offer() with every word that
 * could stand there (the editor keeps those starting with what is typed).
 */
typedef void edit_complete_fn(struct edit *e, int argc, char **argv);

struct edit {
	char line[EDIT_MAX];
	size_t len, cur;		/* characters, and the cursor in them */
	const char *prompt;
	void (*out)(const char *s);	/* where the drawing goes */
	edit_complete_fn *complete;	/* or NULL */
	/* history: hist[n % EDIT_HISTORY] for the last EDIT_HISTORY n */
	char hist[EDIT_HISTORY][EDIT_MAX];
	unsigned nhist, back;		/* lines kept; how far Up went */
	char typed[EDIT_MAX];		/* the line before Up was pressed */
	int last;			/* the key before this one */
	/* completion, while edit_offer collects */
	const char *prefix;
	size_t nprefix;
	unsigned ncand;
	char common[EDIT_MAX];		/* what every candidate starts with */
	int listing;
	/* a terminal's escape sequence being read (keys.c) */
	int esc;
	unsigned param;
};

void edit_init(struct edit *e, void (*out)(const char *s),
	       edit_complete_fn *complete);
/* Print the prompt and start an empty line. */
void edit_start(struct edit *e, const char *prompt);
/* Print the prompt and the line so far again (the cursor where it was),
 * after other output broke into it. */
void edit_redisplay(struct edit *e);
/* One key: EDIT_MORE, or EDIT_DONE (e->line holds the line, which goes
 * into the history) or EDIT_CANCEL (the line was abandoned). */
int edit_key(struct edit *e, int key);
/* From complete(): a candidate for the word being completed. */
void edit_offer(struct edit *e, const char *word);

/*
 * keys.c: a firmware key (EFI_INPUT_KEY's ScanCode and UnicodeChar) as a
 * key above, or KEY_NONE while an escape sequence is still arriving.
 * keyboard: no serial terminal is attached, so SCAN_DELETE is a
 * keyboard's Delete key, not a terminal's DEL byte.
 */
int edit_decode(struct edit *e, unsigned scan, unsigned ch, int keyboard);

#endif
