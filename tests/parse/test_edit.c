/*
 * test_edit.c: host tests for the prompt's line editor (edit.c) and key
 * decoding (keys.c). A small terminal model follows everything the
 * editor draws ('\b' moves left, '\n' starts a row, the rest writes at
 * the cursor); after every key the row on screen must read prompt +
 * line and the cursor must stand at prompt + cur.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "edit.h"

#define PROMPT "hotadd> "

static char row[4 * EDIT_MAX], last_rows[8][4 * EDIT_MAX];
static size_t col, rows;

static void
out(const char *s)
{
	for (; *s; s++) {
		if (*s == '\b') {
			assert_true(col > 0);
			col--;
		} else if (*s == '\n') {
			memmove(last_rows[1], last_rows[0], sizeof last_rows[0] * 7);
			strcpy(last_rows[0], row);
			memset(row, 0, sizeof row);
			col = 0;
			rows++;
		} else {
			row[col++] = *s;
		}
	}
}

/* The row without the blanks that erased what was there. */
static const char *
shown(void)
{
	static char s[sizeof row];
	size_t n = strlen(row);

	memcpy(s, row, n + 1);
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	return s;
}

static struct edit e;

static void
start(edit_complete_fn *complete)
{
	memset(row, 0, sizeof row);
	col = rows = 0;
	edit_init(&e, out, complete);
	edit_start(&e, PROMPT);
}

/* One key; the screen must agree with the line afterwards. */
static int
key(int k)
{
	char want[sizeof row];
	int r = edit_key(&e, k);

	if (r == EDIT_MORE) {
		snprintf(want, sizeof want, PROMPT "%s", e.line);
		while (strlen(want) && want[strlen(want) - 1] == ' ')
			want[strlen(want) - 1] = 0;
		assert_string_equal(shown(), want);
		assert_int_equal(col, strlen(PROMPT) + e.cur);
	}
	return r;
}

static void
type(const char *s)
{
	for (; *s; s++)
		key(*s);
}

static void
test_edit_moves_inserts_and_erases_at_the_cursor(void **state)
{
	(void)state;
	start(NULL);
	type("ad next");
	key(KEY_HOME);
	key(KEY_RIGHT);
	key('d');			/* "add next" */
	key(KEY_END);
	key(KEY_LEFT);
	key(KEY_LEFT);
	key(KEY_BACKSPACE);		/* "add nxt" */
	key(KEY_DELETE);		/* "add nt" */
	key(KEY_DELETE);		/* "add n" */
	key(KEY_DELETE);		/* nothing right of the cursor */
	type("ex");
	key(KEY_END);
	key('t');
	assert_string_equal(e.line, "add next");
	key(KEY_HOME);
	key(KEY_BACKSPACE);		/* nothing left of it */
	key(KEY_LEFT);
	assert_int_equal(e.cur, 0);
	assert_int_equal(key(KEY_ENTER), EDIT_DONE);
	assert_string_equal(last_rows[0], PROMPT "add next");
}

static void
test_edit_history_up_down_and_its_depth(void **state)
{
	char line[32];
	int i;

	(void)state;
	start(NULL);
	for (i = 0; i < 40; i++) {
		snprintf(line, sizeof line, "echo %d", i);
		type(line);
		key(KEY_ENTER);
		edit_start(&e, PROMPT);
	}
	type("cpus");
	key(KEY_UP);
	assert_string_equal(e.line, "echo 39");
	key(KEY_UP);
	assert_string_equal(e.line, "echo 38");
	key(KEY_DOWN);
	key(KEY_DOWN);
	assert_string_equal(e.line, "cpus");	/* what was being typed */
	key(KEY_DOWN);
	assert_string_equal(e.line, "cpus");
	for (i = 0; i < 50; i++)
		key(KEY_UP);
	snprintf(line, sizeof line, "echo %d", 40 - EDIT_HISTORY);
	assert_string_equal(e.line, line);	/* the oldest one kept */
	/* a recalled line is edited like any other */
	key(KEY_LEFT);
	key(KEY_BACKSPACE);
	assert_string_equal(e.line, "echo8");
	assert_int_equal(key(KEY_ENTER), EDIT_DONE);
	edit_start(&e, PROMPT);
	key(KEY_UP);
	assert_string_equal(e.line, "echo8");
}

static void
test_edit_blank_and_repeated_lines_stay_out_of_history(void **state)
{
	(void)state;
	start(NULL);
	type("ipi");
	key(KEY_ENTER);
	edit_start(&e, PROMPT);
	type("ipi");
	key(KEY_ENTER);
	edit_start(&e, PROMPT);
	type("   ");
	key(KEY_ENTER);
	edit_start(&e, PROMPT);
	key(KEY_UP);
	assert_string_equal(e.line, "ipi");
	key(KEY_UP);
	assert_string_equal(e.line, "ipi");	/* nothing older */
}

static void
test_edit_ctrl_c_abandons_and_ctrl_u_erases(void **state)
{
	(void)state;
	start(NULL);
	type("frob");
	assert_int_equal(key(KEY_CANCEL), EDIT_CANCEL);
	assert_string_equal(last_rows[0], PROMPT "frob^C");
	edit_start(&e, PROMPT);
	assert_string_equal(e.line, "");
	key(KEY_UP);
	assert_string_equal(e.line, "");	/* not remembered */
	type("abc");
	key(KEY_LEFT);
	key(KEY_KILL);
	assert_string_equal(e.line, "");
}

/* Commands, and for "load" two drivers. */
static void
fake_complete(struct edit *ed, int argc, char **argv)
{
	static const char *const cmds[] = { "add", "all-ish", "load",
					    "log", NULL };
	const char *const *w;

	if (argc == 0)
		for (w = cmds; *w; w++)
			edit_offer(ed, *w);
	if (argc == 1 && strcmp(argv[0], "load") == 0) {
		edit_offer(ed, "docsample");
		edit_offer(ed, "log");
	}
}

static void
test_edit_tab_completes_and_a_second_tab_lists(void **state)
{
	(void)state;
	start(fake_complete);
	type("lo");
	key(KEY_TAB);			/* load, log: nothing more in common */
	assert_string_equal(e.line, "lo");
	assert_int_equal(rows, 0);
	key(KEY_TAB);			/* a second Tab lists them */
	assert_int_equal(rows, 2);
	assert_string_equal(last_rows[0], "load  log");
	assert_string_equal(shown(), PROMPT "lo");
	type("a");
	key(KEY_TAB);
	assert_string_equal(e.line, "load ");
	type("d");
	key(KEY_TAB);
	assert_string_equal(e.line, "load docsample ");
	start(fake_complete);
	type("a");
	key(KEY_TAB);			/* add, all-ish: "a" is all they share */
	type("d");
	key(KEY_TAB);
	assert_string_equal(e.line, "add ");
	/* in the middle of a line: the word before the cursor */
	start(fake_complete);
	type("x");
	key(KEY_HOME);
	type("loa");
	key(KEY_TAB);
	assert_string_equal(e.line, "load x");
	assert_int_equal(e.cur, 5);
}

/* What OVMF's terminal driver and a keyboard deliver (see keys.c). */
static void
test_keys_decode_firmware_scan_codes_and_escape_sequences(void **state)
{
	(void)state;
	start(NULL);
	assert_int_equal(edit_decode(&e, 1, 0, 0), KEY_UP);
	assert_int_equal(edit_decode(&e, 4, 0, 0), KEY_LEFT);
	assert_int_equal(edit_decode(&e, 5, 0, 1), KEY_HOME);
	/* SCAN_DELETE: a terminal's DEL is Backspace, a keyboard's Delete */
	assert_int_equal(edit_decode(&e, 8, 0, 0), KEY_BACKSPACE);
	assert_int_equal(edit_decode(&e, 8, 0, 1), KEY_DELETE);
	assert_int_equal(edit_decode(&e, 0, 8, 1), KEY_BACKSPACE);
	/* SCAN_ESC, then ESC [ 3 ~ as characters: Delete */
	assert_int_equal(edit_decode(&e, 0x17, 0, 0), KEY_NONE);
	assert_int_equal(edit_decode(&e, 0, '[', 0), KEY_NONE);
	assert_int_equal(edit_decode(&e, 0, '3', 0), KEY_NONE);
	assert_int_equal(edit_decode(&e, 0, '~', 0), KEY_DELETE);
	/* a raw ESC O H: Home; ESC [ 4 ~: End */
	edit_decode(&e, 0, 0x1b, 0);
	edit_decode(&e, 0, 'O', 0);
	assert_int_equal(edit_decode(&e, 0, 'H', 0), KEY_HOME);
	edit_decode(&e, 0x17, 0, 0);
	edit_decode(&e, 0, '[', 0);
	edit_decode(&e, 0, '4', 0);
	assert_int_equal(edit_decode(&e, 0, '~', 0), KEY_END);
	/* a lone Escape does not eat the key after it */
	edit_decode(&e, 0x17, 0, 0);
	assert_int_equal(edit_decode(&e, 0, 'a', 0), 'a');
	assert_int_equal(edit_decode(&e, 0, '\r', 0), KEY_ENTER);
	assert_int_equal(edit_decode(&e, 0, 3, 0), KEY_CANCEL);
	assert_int_equal(edit_decode(&e, 0, '\t', 0), KEY_TAB);
	assert_int_equal(edit_decode(&e, 0, 0x7f, 0), KEY_BACKSPACE);
	assert_int_equal(edit_decode(&e, 0, 0xe9, 0), KEY_NONE);
}

static void
test_edit_line_never_overflows(void **state)
{
	int i;

	(void)state;
	start(NULL);
	for (i = 0; i < EDIT_MAX + 10; i++)
		edit_key(&e, 'x');
	assert_int_equal(e.len, EDIT_MAX - 1);
	assert_int_equal(strlen(e.line), EDIT_MAX - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_moves_inserts_and_erases_at_the_cursor),
		cmocka_unit_test(test_edit_history_up_down_and_its_depth),
		cmocka_unit_test(test_edit_blank_and_repeated_lines_stay_out_of_history),
		cmocka_unit_test(test_edit_ctrl_c_abandons_and_ctrl_u_erases),
		cmocka_unit_test(test_edit_tab_completes_and_a_second_tab_lists),
		cmocka_unit_test(test_keys_decode_firmware_scan_codes_and_escape_sequences),
		cmocka_unit_test(test_edit_line_never_overflows),
	};

	return cmocka_run_group_tests_name("edit", tests, NULL, NULL);
}
