/*
 * fmt.c: a small bounded printf for the freestanding side, one parser
 * for two dialects:
 *
 * - ke_vsnprintf, the C library's, for the simulator's own text (the
 *   console, the verifier), whose formats GCC checks as LP64: 'l' is
 *   64-bit, like long.
 * - ke_vsnprintf_nt, the Windows kernel's, for DbgPrint (LLP64): 'l' is
 *   32-bit, like ULONG, and %p prints upper-case digits, as the
 *   Microsoft C runtime does.
 *
 * The rest is common. Conversions d i u o x X p c C s S Z %, and n,
 * which prints and writes nothing but skips its pointer; flags '-',
 * '0', '+', ' ' and '#'; a width and a precision, either one '*' to take
 * it from the arguments; sizes hh h l ll z j t and Microsoft's I (pointer
 * sized), I32, I64 and w (wide). For characters and strings, w and l mean
 * 16-bit WCHARs and h 8-bit chars; C and S are wide unless h says
 * otherwise; Z takes a PCANSI_STRING, wZ a PCUNICODE_STRING, and prints
 * the Length the string counts, terminator or not. A WCHAR outside ASCII
 * prints as '?'. (Microsoft docs: "Format specification syntax: printf
 * and wprintf functions", its "Size" and "Flag" sections, and DbgPrint.)
 *
 * Widths and precisions beyond 4096 are cut to it. Output is always
 * terminated when size > 0; the return value is the length the full
 * output would have had.
 */
#include "ki.h"

/* Where the text goes, and in which dialect. */
struct out {
	char *buf;
	SIZE_T size;
	SIZE_T len;
	BOOLEAN nt;
};

static VOID put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static VOID pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	BOOLEAN left, zero, plus, space, alt;
	int width;
	int prec;	/* -1: none given */
	int bytes;	/* integer argument size; 0: int */
	char chars;	/* 'w' 16-bit, 'h' 8-bit, 0: the conversion's own */
	char conv;
};

/* n characters at p, 8 or 16 bits each. */
struct text {
	const void *p;
	int n;
	BOOLEAN wide;
};

static char text_at(const struct text *t, int i)
{
	WCHAR w;

	if (!t->wide)
		return ((const char *)t->p)[i];
	w = ((const WCHAR *)t->p)[i];
	return w > 0 && w < 0x80 ? (char)w : '?';
}

/* The prefix (sign, 0x), `zeros` '0's, then the text, in the field:
 * spaces pad it unless '0' asked for zeros, which go after the prefix. */
static VOID field(struct out *o, const struct spec *sp, const char *prefix,
		  int zeros, const struct text *t)
{
	int plen = 0, fill, i;

	while (prefix[plen])
		plen++;
	fill = sp->width - plen - zeros - t->n;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	for (i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	pad(o, zeros, '0');
	for (i = 0; i < t->n; i++)
		put(o, text_at(t, i));
	if (sp->left)
		pad(o, fill, ' ');
}

/* A precision is the least number of digits; with one, '0' is ignored
 * (and "%.0d" of 0 prints no digit). '#' puts 0x, 0X or 0 before a
 * value that is not 0. */
static VOID number(struct out *o, struct spec *sp, ULONG64 v, char sign)
{
	BOOLEAN upper = sp->conv == 'X' || (sp->conv == 'p' && o->nt);
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	ULONG base = sp->conv == 'o' ? 8 : sp->conv == 'd' || sp->conv == 'i' ||
		     sp->conv == 'u' ? 10 : 16;
	char tmp[24], prefix[4] = { 0 };
	struct text t = { tmp, 0, FALSE };
	int n = sizeof(tmp), zeros, i = 0;
	ULONG64 rest = v;

	do {
		tmp[--n] = digits[rest % base];
		rest /= base;
	} while (rest);
	if (v == 0 && sp->prec == 0)
		n = sizeof(tmp);
	t.p = tmp + n;
	t.n = sizeof(tmp) - n;
	zeros = sp->prec > t.n ? sp->prec - t.n : 0;
	if (sp->prec >= 0)
		sp->zero = FALSE;
	if (sign)
		prefix[i++] = sign;
	if (sp->alt && v && base == 16 && sp->conv != 'p') {
		prefix[i++] = '0';
		prefix[i++] = sp->conv;
	}
	if (sp->alt && base == 8 && !zeros && (v || !t.n))
		zeros = 1;	/* '#': an octal number starts with 0 */
	field(o, sp, prefix, zeros, &t);
}

/* An integer argument as its size says, widened to 64 bits: signed ones
 * sign-extended, for d and i. */
static ULONG64 take(const struct spec *sp, va_list *ap, BOOLEAN sign)
{
	unsigned int v;

	if (sp->bytes == 8)
		return va_arg(*ap, ULONG64);
	v = va_arg(*ap, unsigned int);
	if (sp->bytes == 2)
		return sign ? (ULONG64)(LONG64)(SHORT)v : (USHORT)v;
	if (sp->bytes == 1)
		return sign ? (ULONG64)(LONG64)(signed char)v : (UCHAR)v;
	return sign ? (ULONG64)(LONG64)(LONG)v : v;
}

static VOID signed_number(struct out *o, struct spec *sp, va_list *ap)
{
	LONG64 v = (LONG64)take(sp, ap, TRUE);
	char sign = v < 0 ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;

	number(o, sp, v < 0 ? -(ULONG64)v : (ULONG64)v, sign);
}

/* At most the precision's characters of t, NULL printed as "(null)". */
static VOID string(struct out *o, const struct spec *sp, struct text *t)
{
	if (!t->p) {
		t->p = "(null)";
		t->n = 6;
		t->wide = FALSE;
	}
	if (sp->prec >= 0 && t->n > sp->prec)
		t->n = sp->prec;
	field(o, sp, "", 0, t);
}

/* A terminated string; the scan stops at the precision. */
static VOID cstring(struct out *o, const struct spec *sp, BOOLEAN wide,
		    va_list *ap)
{
	struct text t = { va_arg(*ap, const void *), 0, wide };
	int max = sp->prec >= 0 ? sp->prec : 0x7fffffff;

	if (t.p)
		while (t.n < max && (wide ? ((const WCHAR *)t.p)[t.n] :
					    ((const char *)t.p)[t.n]))
			t.n++;
	string(o, sp, &t);
}

/* %Z: a STRING counts bytes, a UNICODE_STRING (%wZ) bytes of WCHARs. */
static VOID counted(struct out *o, const struct spec *sp, va_list *ap)
{
	struct text t = { NULL, 0, sp->chars == 'w' };
	const UNICODE_STRING *u;
	const STRING *a;

	if (t.wide) {
		u = va_arg(*ap, const UNICODE_STRING *);
		if (u && u->Buffer) {
			t.p = u->Buffer;
			t.n = u->Length / sizeof(WCHAR);
		}
	} else {
		a = va_arg(*ap, const STRING *);
		if (a && a->Buffer) {
			t.p = a->Buffer;
			t.n = a->Length;
		}
	}
	string(o, sp, &t);
}

static VOID character(struct out *o, const struct spec *sp, BOOLEAN wide,
		      va_list *ap)
{
	int v = va_arg(*ap, int);
	WCHAR w = (WCHAR)v;
	char c = (char)v;
	struct text t = { wide ? (const void *)&w : &c, 1, wide };

	field(o, sp, "", 0, &t);
}

static VOID convert(struct out *o, struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i':
		signed_number(o, sp, ap);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		number(o, sp, take(sp, ap, FALSE), 0);
		break;
	case 'p':
		sp->prec = 2 * sizeof(PVOID);
		number(o, sp, (ULONG_PTR)va_arg(*ap, PVOID), 0);
		break;
	case 'c':
	case 'C':
		character(o, sp, sp->chars ? sp->chars == 'w' : sp->conv == 'C',
			  ap);
		break;
	case 's':
	case 'S':
		cstring(o, sp, sp->chars ? sp->chars == 'w' : sp->conv == 'S',
			ap);
		break;
	case 'Z':
		counted(o, sp, ap);
		break;
	case 'n':	/* never writes (MSVC refuses it too): skip its pointer */
		(VOID)va_arg(*ap, PVOID);
		break;
	default:	/* "%%", and of an unknown one its letter alone */
		put(o, sp->conv);
	}
}

static BOOLEAN flag(struct spec *sp, char c)
{
	switch (c) {
	case '-': sp->left = TRUE; return TRUE;
	case '0': sp->zero = TRUE; return TRUE;
	case '+': sp->plus = TRUE; return TRUE;
	case ' ': sp->space = TRUE; return TRUE;
	case '#': sp->alt = TRUE; return TRUE;
	}
	return FALSE;
}

/* A width or a precision: digits, or '*' for the next int argument.
 * Beyond FIELD_MAX either way it is cut, so no count overflows. */
#define FIELD_MAX 4096

static const char *count(const char *f, int *n, va_list *ap)
{
	if (*f == '*') {
		*n = va_arg(*ap, int);
		f++;
	} else {
		for (*n = 0; *f >= '0' && *f <= '9'; f++)
			if (*n <= FIELD_MAX)
				*n = *n * 10 + (*f - '0');
	}
	if (*n > FIELD_MAX)
		*n = FIELD_MAX;
	if (*n < -FIELD_MAX)
		*n = -FIELD_MAX;
	return f;
}

/* The size prefix; only 'l' differs between the dialects. */
static const char *size(const char *f, struct spec *sp, BOOLEAN nt)
{
	switch (*f) {
	case 'h':
		sp->chars = 'h';
		sp->bytes = f[1] == 'h' ? 1 : 2;
		return f + (f[1] == 'h' ? 2 : 1);
	case 'l':
		if (f[1] == 'l') {
			sp->bytes = 8;
			return f + 2;
		}
		sp->chars = 'w';
		sp->bytes = nt ? sizeof(ULONG) : sizeof(long);
		return f + 1;
	case 'w':
		sp->chars = 'w';
		return f + 1;
	case 'z':
	case 'j':
	case 't':
		sp->bytes = sizeof(SIZE_T);
		return f + 1;
	case 'I':
		if (f[1] == '3' && f[2] == '2') {
			sp->bytes = 4;
			return f + 3;
		}
		if (f[1] == '6' && f[2] == '4') {
			sp->bytes = 8;
			return f + 3;
		}
		sp->bytes = sizeof(PVOID);
		return f + 1;
	}
	return f;
}

/* Parses what follows a '%'; returns the rest. A negative '*' width is
 * '-' and its size, a negative '*' precision none. */
static const char *parse(const char *f, struct spec *sp, va_list *ap,
			 BOOLEAN nt)
{
	__builtin_memset(sp, 0, sizeof(*sp));
	while (flag(sp, *f))
		f++;
	f = count(f, &sp->width, ap);
	if (sp->width < 0) {
		sp->left = TRUE;
		sp->width = -sp->width;
	}
	sp->prec = -1;
	if (*f == '.') {
		f = count(f + 1, &sp->prec, ap);
		if (sp->prec < 0)
			sp->prec = -1;
	}
	f = size(f, sp, nt);
	sp->conv = *f;
	return *f ? f + 1 : f;
}

static int format(char *buf, SIZE_T size, const char *fmt, va_list ap,
		  BOOLEAN nt)
{
	struct out o = { buf, size, 0, nt };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse(fmt + 1, &sp, &args, nt);
		if (sp.conv)
			convert(&o, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ke_vsnprintf(char *buf, SIZE_T size, const char *fmt, va_list ap)
{
	return format(buf, size, fmt, ap, FALSE);
}

int ke_vsnprintf_nt(char *buf, SIZE_T size, const char *fmt, va_list ap)
{
	return format(buf, size, fmt, ap, TRUE);
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
