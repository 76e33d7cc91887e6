/* str.c: string helpers (see str.h). */
#include "str.h"

size_t
str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int
str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int
str_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

void
str_copy(char *dst, const char *src, size_t n)
{
	if (n == 0)
		return;
	while (--n && *src)
		*dst++ = *src++;
	*dst = 0;
}

static int
digit(char c, unsigned base)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < base ? (int)d : -1;
}

int
str_to_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == 0)
		return 0;
	for (; *s; s++) {
		d = digit(*s, base);
		if (d < 0 || v > (max - (uint64_t)d) / base)
			return 0;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 1;
}

const char *
str_line(const char *p, size_t *len)
{
	const char *s = p;

	if (*p == 0)
		return NULL;
	while (*s && *s != '\n')
		s++;
	/* A '\r' before "\n" (or the end) belongs to the line's end. */
	*len = (size_t)(s - p) - (s > p && s[-1] == '\r');
	return *s ? s + 1 : s;
}
