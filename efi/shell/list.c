/* list.c: processor lists (see list.h). */
#include "list.h"
#include "str.h"
#include "fmt.h"

/*
 * Copy the item of s that ends at the next comma or the end into buf; an
 * item too long for any valid number is replaced by one that fails.
 */
static const char *
item(const char *s, char *buf, unsigned n)
{
	unsigned i = 0;

	for (; *s && *s != ','; s++) {
		if (i + 1 == n) {
			str_copy(buf, "(too long)", n);
			while (*s && *s != ',')
				s++;
			return s;
		}
		buf[i++] = *s;
	}
	buf[i] = 0;
	return s;
}

static int
number(const char *s, unsigned limit, unsigned *out, char *err)
{
	uint64_t v;

	if (!str_to_u64(s, UINT32_MAX, &v)) {
		ke_snprintf(err, LIST_ERR_MAX, "'%s' is not a number", s);
		return 0;
	}
	if (v >= limit) {
		ke_snprintf(err, LIST_ERR_MAX, "%s is out of range (0-%u)",
			    s, limit - 1);
		return 0;
	}
	*out = (unsigned)v;
	return 1;
}

/* One item: "n" or "a-b" with a <= b. */
static int
range(char *it, unsigned limit, unsigned *lo, unsigned *hi, char *err)
{
	char *dash = it;

	if (*it == 0) {
		ke_snprintf(err, LIST_ERR_MAX, "empty item");
		return 0;
	}
	while (*dash && *dash != '-')
		dash++;
	if (*dash == 0)
		return number(it, limit, lo, err) && (*hi = *lo, 1);
	*dash = 0;
	if (!number(it, limit, lo, err) || !number(dash + 1, limit, hi, err))
		return 0;
	if (*lo > *hi) {
		ke_snprintf(err, LIST_ERR_MAX, "range %u-%u runs backwards",
			    *lo, *hi);
		return 0;
	}
	return 1;
}

int
list_parse(const char *s, unsigned limit, uint8_t *map, char *err)
{
	char it[24];
	unsigned lo, hi;
	const char *p;

	/* Validate the whole list before touching map. */
	for (p = s;; p++) {
		p = item(p, it, sizeof it);
		if (!range(it, limit, &lo, &hi, err))
			return 0;
		if (*p == 0)
			break;
	}
	for (p = s;; p++) {
		p = item(p, it, sizeof it);
		range(it, limit, &lo, &hi, err);
		for (; lo <= hi; lo++)
			map[lo / 8] |= (uint8_t)(1u << (lo % 8));
		if (*p == 0)
			break;
	}
	return 1;
}
