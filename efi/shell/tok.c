/* tok.c: word splitting (see tok.h). */
#include "tok.h"
#include "str.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
tok_next(const char **p, char *word)
{
	const char *s = *p;
	size_t n = 0;
	char quote = 0;

	while (blank(*s))
		s++;
	if (*s == 0) {
		*p = s;
		return TOK_END;
	}
	for (; *s && (quote || !blank(*s)); s++) {
		if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
			continue;
		}
		if (quote && *s == quote) {
			quote = 0;
			continue;
		}
		if (n == TOK_MAX - 1) {
			str_copy(word, "word too long", TOK_MAX);
			*p = s;
			return TOK_ERROR;
		}
		word[n++] = *s;
	}
	word[n] = 0;
	*p = s;
	if (quote) {
		str_copy(word, "unclosed quote", TOK_MAX);
		return TOK_ERROR;
	}
	return TOK_WORD;
}
