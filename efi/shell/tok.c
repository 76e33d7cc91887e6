/* tok.c: word splitting (see tok.h). */
#include "tok.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The word is copied down over itself as its quotes are dropped: the
 * write position never passes the read position, so one pass does it.
 */
int
tok_next(char **p, char **word)
{
	char *s = *p, *out;
	char quote = 0;

	while (blank(*s))
		s++;
	if (*s == 0) {
		*p = s;
		return TOK_END;
	}
	for (*word = out = s; *s && (quote || !blank(*s)); s++) {
		if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (quote && *s == quote)
			quote = 0;
		else
			*out++ = *s;
	}
	if (quote) {
		*p = s;
		*word = "unclosed quote";
		return TOK_ERROR;
	}
	*p = *s ? s + 1 : s;	/* past the blank the NUL may land on */
	*out = 0;
	return TOK_WORD;
}

char *
tok_dup(const char *s, size_t n)
{
	char *d = mem_alloc(n + 1);
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = s[i];
	d[n] = 0;
	return d;
}
