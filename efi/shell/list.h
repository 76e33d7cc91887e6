/*
 * list.h: processor lists such as "3,5-7": numbers and inclusive ranges
 * separated by commas, each below a limit, into a bitmap.
 */
#ifndef EFI_LIST_H
#define EFI_LIST_H

#include <stdint.h>

#define LIST_ERR_MAX 80

/*
 * Set bit n of map (which holds limit bits) for every n in s. On a bad
 * list, returns 0, leaves map untouched and writes the reason to err.
 */
int list_parse(const char *s, unsigned limit, uint8_t *map, char *err);

static inline int
list_has(const uint8_t *map, unsigned n)
{
	return map[n / 8] >> (n % 8) & 1;
}

#endif
