/*
 * edit.c: the line editor (see edit.h). The terminal's cursor always
 * stands at prompt + cur; every change redraws the line from the first
 * character it touched and walks the cursor back with '\b'.
 */
#include "edit.h"
#include "str.h"

void
edit_init(struct edit *e, void (*out)(const char *s),
	  edit_complete_fn *complete)
{
	__builtin_memset(e, 0, sizeof *e);
	e->out = out;
	e->complete = complete;
}

void
edit_start(struct edit *e, const char *prompt)
{
	e->prompt = prompt;
	e->len = e->cur = 0;
	e->line[0] = 0;
	e->back = 0;
	e->last = KEY_NONE;
	e->out(prompt);
}

static void
repeat(struct edit *e, const char *s, size_t n)
{
	while (n--)
		e->out(s);
}

/* The cursor stands at pos: draw line[pos..len), blank out `erase`
 * characters after it, and bring the cursor back to cur. */
static void
redraw(struct edit *e, size_t pos, size_t erase)
{
	char c[2] = { 0, 0 };
	size_t i;

	for (i = pos; i < e->len; i++) {
		c[0] = e->line[i];
		e->out(c);
	}
	repeat(e, " ", erase);
	repeat(e, "\b", e->len + erase - e->cur);
}

/* The prompt and the line again, the cursor where it was: after other
 * text took the terminal's line. */
void
edit_redisplay(struct edit *e)
{
	e->out(e->prompt);
	redraw(e, 0, 0);
}

/* Replace the whole line with s, the cursor at its end. */
static void
replace(struct edit *e, const char *s)
{
	size_t old = e->len;

	repeat(e, "\b", e->cur);
	str_copy(e->line, s, EDIT_MAX);
	e->len = e->cur = str_len(e->line);
	redraw(e, 0, old > e->len ? old - e->len : 0);
}

static void
insert(struct edit *e, const char *s)
{
	size_t n = str_len(s), pos = e->cur;

	if (e->len + n >= EDIT_MAX)
		return;
	__builtin_memmove(e->line + pos + n, e->line + pos, e->len - pos + 1);
	__builtin_memcpy(e->line + pos, s, n);
	e->len += n;
	e->cur += n;
	redraw(e, pos, 0);
}

/* Remove the character at cur (the cursor stands there). */
static void
remove_at(struct edit *e)
{
	__builtin_memmove(e->line + e->cur, e->line + e->cur + 1,
			  e->len - e->cur);
	e->len--;
	redraw(e, e->cur, 1);
}

static void
move(struct edit *e, size_t to)
{
	char c[2] = { 0, 0 };

	repeat(e, "\b", e->cur > to ? e->cur - to : 0);
	for (; e->cur < to; e->cur++) {
		c[0] = e->line[e->cur];
		e->out(c);
	}
	e->cur = to;
}

static const char *
hist_line(struct edit *e, unsigned back)
{
	return e->hist[(e->nhist - back) % EDIT_HISTORY];
}

/* Up (older) and Down (newer); back 0 is the line being typed. */
static void
browse(struct edit *e, int older)
{
	unsigned kept = e->nhist < EDIT_HISTORY ? e->nhist : EDIT_HISTORY;

	if (older && e->back < kept) {
		if (e->back == 0)
			str_copy(e->typed, e->line, EDIT_MAX);
		replace(e, hist_line(e, ++e->back));
	} else if (!older && e->back > 0) {
		e->back--;
		replace(e, e->back ? hist_line(e, e->back) : e->typed);
	}
}

static void
remember(struct edit *e)
{
	size_t i = 0;

	while (e->line[i] == ' ')
		i++;
	if (e->line[i] == 0 ||
	    (e->nhist && str_eq(hist_line(e, 1), e->line)))
		return;
	str_copy(e->hist[e->nhist++ % EDIT_HISTORY], e->line, EDIT_MAX);
}

void
edit_offer(struct edit *e, const char *word)
{
	size_t i;

	if (e->prefix == NULL)
		return;
	for (i = 0; i < e->nprefix; i++)
		if (word[i] != e->prefix[i])
			return;
	if (e->listing) {		/* 1, then 1 + the words listed */
		if (e->listing++ > 1)
			e->out("  ");
		e->out(word);
		return;
	}
	if (e->ncand++ == 0) {
		str_copy(e->common, word, EDIT_MAX);
		return;
	}
	for (i = 0; e->common[i] && e->common[i] == word[i]; i++)
		;
	e->common[i] = 0;
}

/*
 * Tab: the words before the cursor (split at blanks) and the one being
 * typed; one candidate is completed with a blank after it, several as
 * far as they agree; a second Tab in a row lists them.
 */
static void
complete(struct edit *e)
{
	char words[EDIT_MAX], *argv[16];
	int argc = 0;
	size_t i, start = e->cur, at = e->cur;

	if (e->complete == NULL)
		return;
	while (start > 0 && e->line[start - 1] != ' ')
		start--;
	__builtin_memcpy(words, e->line, start);
	for (i = 0; i < start; i++)
		if (words[i] == ' ')
			words[i] = 0;
		else if ((i == 0 || words[i - 1] == 0) && argc < 16)
			argv[argc++] = &words[i];
	words[start] = 0;
	e->prefix = e->line + start;
	e->nprefix = e->cur - start;
	e->ncand = 0;
	e->listing = 0;
	e->complete(e, argc, argv);
	if (e->ncand == 1)
		str_copy(e->common + str_len(e->common), " ", 2);
	if (e->ncand && str_len(e->common) > e->nprefix) {
		insert(e, e->common + e->nprefix);
	} else if (e->ncand > 1 && e->last == KEY_TAB) {
		e->out("\n");
		e->listing = 1;
		e->complete(e, argc, argv);
		e->out("\n");
		e->out(e->prompt);
		e->cur = e->len;
		redraw(e, 0, 0);
		move(e, at);
	}
	e->prefix = NULL;
}

int
edit_key(struct edit *e, int key)
{
	char c[2] = { (char)key, 0 };
	int r = EDIT_MORE;

	if (key >= 0x20 && key < 0x7f)
		insert(e, c);
	else if (key == KEY_LEFT && e->cur > 0)
		move(e, e->cur - 1);
	else if (key == KEY_RIGHT && e->cur < e->len)
		move(e, e->cur + 1);
	else if (key == KEY_HOME)
		move(e, 0);
	else if (key == KEY_END)
		move(e, e->len);
	else if (key == KEY_BACKSPACE && e->cur > 0) {
		move(e, e->cur - 1);
		remove_at(e);
	} else if (key == KEY_DELETE && e->cur < e->len)
		remove_at(e);
	else if (key == KEY_UP || key == KEY_DOWN)
		browse(e, key == KEY_UP);
	else if (key == KEY_KILL)
		replace(e, "");
	else if (key == KEY_TAB)
		complete(e);
	else if (key == KEY_CANCEL) {
		e->out("^C\n");
		r = EDIT_CANCEL;
	} else if (key == KEY_ENTER) {
		move(e, e->len);
		e->out("\n");
		remember(e);
		r = EDIT_DONE;
	}
	if (key != KEY_NONE)
		e->last = key;
	return r;
}
