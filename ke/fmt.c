/*
 * fmt.c: a small bounded printf for the freestanding side. Conversions:
 * d i u x X p c s %, with flags '-' and '0', a width, and the length
 * modifiers l, ll and z. Output is always terminated when size > 0; the
 * return value is the length the full output would have had.
 */
#include "ki.h"

struct out {
	char *buf;
	SIZE_T size;
	SIZE_T len;
};

static VOID put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	BOOLEAN left, zero;
	int width;
	int longs;	/* 0 int, 1 long, 2 long long, 3 size_t */
	char conv;
};

static VOID pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

/* s[0..n) laid out in the field; sign goes before zero padding. */
static VOID field(struct out *o, const struct spec *sp, const char *s,
		  int n, BOOLEAN neg)
{
	int fill = sp->width - n - neg;

	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	if (neg)
		put(o, '-');
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n-- > 0)
		put(o, *s++);
	if (sp->left)
		pad(o, fill, ' ');
}

static VOID number(struct out *o, const struct spec *sp, ULONG64 v,
		   BOOLEAN neg)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" :
					       "0123456789abcdef";
	ULONG base = sp->conv == 'x' || sp->conv == 'X' ||
		     sp->conv == 'p' ? 16 : 10;
	char tmp[24];
	int n = sizeof(tmp);

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	field(o, sp, tmp + n, sizeof(tmp) - n, neg);
}

static ULONG64 take_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->longs) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, SIZE_T);
	}
}

static LONG64 take_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->longs) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	default: return va_arg(*ap, LONG_PTR);
	}
}

static VOID convert(struct out *o, struct spec *sp, va_list *ap)
{
	const char *s;
	LONG64 v;
	char c;
	int n;

	switch (sp->conv) {
	case 'd':
	case 'i':
		v = take_signed(sp, ap);
		number(o, sp, v < 0 ? -(ULONG64)v : (ULONG64)v, v < 0);
		break;
	case 'u':
	case 'x':
	case 'X':
		number(o, sp, take_unsigned(sp, ap), FALSE);
		break;
	case 'p':
		sp->zero = TRUE;
		sp->width = 2 * sizeof(PVOID);
		number(o, sp, (ULONG_PTR)va_arg(*ap, PVOID), FALSE);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		field(o, sp, &c, 1, FALSE);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		s = s ? s : "(null)";
		for (n = 0; s[n]; n++)
			;
		field(o, sp, s, n, FALSE);
		break;
	default:	/* "%%" and unknown conversions print as themselves */
		put(o, sp->conv);
	}
}

/* Parses flags, width and length after a '%'; returns the rest. */
static const char *parse(const char *f, struct spec *sp)
{
	__builtin_memset(sp, 0, sizeof(*sp));
	for (;; f++) {
		if (*f == '-')
			sp->left = TRUE;
		else if (*f == '0')
			sp->zero = TRUE;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == 'z') {
		sp->longs = 3;
		f++;
	}
	while (*f == 'l' && sp->longs < 2) {
		sp->longs++;
		f++;
	}
	sp->conv = *f;
	return *f ? f + 1 : f;
}

int ke_vsnprintf(char *buf, SIZE_T size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse(fmt + 1, &sp);
		if (sp.conv)
			convert(&o, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ke_snprintf(char *buf, SIZE_T size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ke_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
