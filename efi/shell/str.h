/*
 * str.h: the few string routines the simulator needs. There is no C
 * library in the firmware; these are plain C so the host tests link them
 * too.
 */
#ifndef EFI_STR_H
#define EFI_STR_H

#include <stddef.h>
#include <stdint.h>

size_t str_len(const char *s);
int str_eq(const char *a, const char *b);
int str_prefix(const char *s, const char *prefix);
/* Copy with truncation; always terminates when n > 0. */
void str_copy(char *dst, const char *src, size_t n);
/*
 * Parse a whole unsigned number: decimal, or hex with 0x. Fails (returns 0)
 * on an empty string, a sign, a stray character or a value above max.
 */
int str_to_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * The line that starts at p: its length, without the "\n" or "\r\n" that
 * ends it, in *len. Returns where the next line starts, or NULL when p is
 * at the end. Lines of any length: nothing is copied.
 */
const char *str_line(const char *p, size_t *len);

#endif
