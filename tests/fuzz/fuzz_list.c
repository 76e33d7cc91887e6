/*
 * fuzz_list.c: libFuzzer target for processor lists (efi/shell/list.c). The
 * first two bytes choose the limit (1 to MAX_CPUS), the third the bits
 * already in the map, the rest is the list.
 *
 * A model written from list.h (numbers and inclusive ranges below the
 * limit, separated by commas) says whether the list is good and which
 * bits it sets. On success every bit set is below the limit and the
 * earlier bits stay; on failure the map is untouched and err says why in
 * one line. The map and err are heap blocks of exactly their size, so
 * ASan sees a write past either.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stubs.h"
#include "cpu.h"
#include "list.h"

/* An item as long as this fails, even "000...1": see item() in list.c. */
#define ITEM_MAX 24

/* Decimal, or hex after 0x, at most max. */
static int
number(const char *s, const char *end, uint64_t max, uint64_t *v)
{
	int hex = end - s > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t x = 0;
	unsigned d;

	s += hex ? 2 : 0;
	if (s == end)
		return 0;
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (hex && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (hex && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return 0;
		x = x * (hex ? 16 : 10) + d;
		if (x > max)
			return 0;
	}
	*v = x;
	return 1;
}

/* Set want's bits for s; 0 if s is not a good list. */
static int
model(const char *s, unsigned limit, uint8_t *want)
{
	const char *end, *dash;
	uint64_t lo, hi;

	for (;; s = end + 1) {
		end = strchr(s, ',');
		if (end == NULL)
			end = s + strlen(s);
		if (end == s || end - s >= ITEM_MAX)
			return 0;
		dash = memchr(s, '-', (size_t)(end - s));
		if (!number(s, dash ? dash : end, limit - 1, &lo) ||
		    !number(dash ? dash + 1 : s, end, limit - 1, &hi) ||
		    lo > hi)
			return 0;
		for (; lo <= hi; lo++)
			want[lo / 8] |= (uint8_t)(1u << (lo % 8));
		if (*end == 0)
			return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned limit, n, bytes;
	uint8_t *map, *before, *want;
	char *s, *err;
	int ok, good;

	if (size < 3 || size > 4096)
		return -1;
	limit = 1 + (unsigned)(data[0] | data[1] << 8) % MAX_CPUS;
	bytes = (limit + 7) / 8;
	map = malloc(bytes);
	before = malloc(bytes);
	want = malloc(bytes);
	err = malloc(LIST_ERR_MAX);
	s = malloc(size - 3 + 1);
	memcpy(s, data + 3, size - 3);
	s[size - 3] = 0;

	/* Bits already set, none at or past the limit. */
	memset(map, data[2], bytes);
	if (limit % 8)
		map[bytes - 1] &= (uint8_t)((1u << (limit % 8)) - 1);
	memcpy(before, map, bytes);
	memcpy(want, map, bytes);
	memset(err, 0, LIST_ERR_MAX);

	/* An item is echoed in err, a '\n' in it too. */
	stub_multiline = strchr(s, '\n') != NULL;
	ok = list_parse(s, limit, map, err);
	good = model(s, limit, want);
	CHECK(ok == good, "list_parse says %s, the model %s (limit %u)",
	      ok ? "good" : "bad", good ? "good" : "bad", limit);
	if (ok) {
		for (n = limit; n < bytes * 8; n++)
			CHECK(!list_has(map, n), "bit %u set, limit %u", n,
			      limit);
		CHECK(memcmp(map, want, bytes) == 0,
		      "list_parse set other bits than the model");
	} else {
		CHECK(memcmp(map, before, bytes) == 0,
		      "a bad list changed the map");
		check_message("list_parse", err, LIST_ERR_MAX);
	}
	free(s);
	free(err);
	free(want);
	free(before);
	free(map);
	return 0;
}
