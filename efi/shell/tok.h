/*
 * tok.h: split a line into words, shell-like: blanks separate words, and
 * 'single' or "double" quotes keep blanks (and ';') inside one word.
 * Used for load options, the config file and console commands alike.
 *
 * Words are cut out of the text in place (quotes removed, each word
 * NUL-terminated), so a word is as long as the text that holds it: there
 * is no limit but memory, and no copy of a word on the stack.
 */
#ifndef EFI_TOK_H
#define EFI_TOK_H

#include <stddef.h>

enum { TOK_END, TOK_WORD, TOK_ERROR };

/*
 * Cut the next word of the writable text at *p and advance *p past it.
 * Returns TOK_WORD (*word points at it, inside the text), TOK_END when
 * only blanks remain, or TOK_ERROR (*word then names the reason: an
 * unclosed quote). The text before *p is not to be read again.
 */
int tok_next(char **p, char **word);

/* A copy of s[0..n) in memory of its own, NUL-terminated, or NULL. */
char *tok_dup(const char *s, size_t n);

/*
 * Memory for the parsers: the firmware's pool in the image, malloc on
 * the host. mem_alloc returns NULL when there is none.
 */
void *mem_alloc(size_t n);
void mem_free(void *p);

#endif
