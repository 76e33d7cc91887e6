/*
 * tok.h: split a line into words, shell-like: blanks separate words, and
 * 'single' or "double" quotes keep blanks (and ';') inside one word.
 * Used for load options, the config file and console commands alike.
 */
#ifndef EFI_TOK_H
#define EFI_TOK_H

#include <stddef.h>

#define TOK_MAX 512		/* longest word, terminator included */

enum { TOK_END, TOK_WORD, TOK_ERROR };

/*
 * Read the next word of *p into word[TOK_MAX] and advance *p. Returns
 * TOK_WORD, TOK_END when only blanks remain, or TOK_ERROR (word then holds
 * the reason: an unclosed quote or an over-long word).
 */
int tok_next(const char **p, char *word);

#endif
