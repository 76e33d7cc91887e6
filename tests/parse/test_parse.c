/*
 * test_parse.c: host tests for the simulator's parsers: words (tok.c),
 * numbers (str.c), processor lists (list.c) and options (opt.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "list.h"
#include "opt.h"
#include "str.h"
#include "tok.h"

/* ---- tok ---- */

static void
test_tok_splits_on_blanks_and_keeps_quoted_words(void **state)
{
	char line[] = "  add\t'a b; c' \"x y\"z ", *p = line, *w;

	(void)state;
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_string_equal(w, "add");
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_string_equal(w, "a b; c");
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_string_equal(w, "x yz");
	assert_int_equal(tok_next(&p, &w), TOK_END);
	assert_int_equal(tok_next(&p, &w), TOK_END);
}

static void
test_tok_rejects_unclosed_quote(void **state)
{
	char line[] = "echo 'oops", *p = line, *w;

	(void)state;
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_int_equal(tok_next(&p, &w), TOK_ERROR);
	assert_string_equal(w, "unclosed quote");
}

/* A word is as long as the text: 100 000 characters, quotes and all. */
static void
test_tok_takes_words_of_any_length(void **state)
{
	size_t n = 100000;
	char *line = malloc(n + 8), *p = line, *w;

	(void)state;
	line[0] = '\'';
	memset(line + 1, 'a', n);
	strcpy(line + 1 + n, "' b");
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_int_equal(strlen(w), n);
	assert_int_equal(tok_next(&p, &w), TOK_WORD);
	assert_string_equal(w, "b");
	free(line);
}

/* ---- str_to_u64 ---- */

static void
test_number_accepts_decimal_and_hex_within_max(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(str_to_u64("42", 100, &v));
	assert_int_equal(v, 42);
	assert_true(str_to_u64("0xC000009A", UINT32_MAX, &v));
	assert_int_equal(v, 0xC000009Au);
	assert_true(str_to_u64("18446744073709551615", UINT64_MAX, &v));
	assert_int_equal(v, UINT64_MAX);
}

static void
test_number_rejects_sign_junk_empty_and_overflow(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_false(str_to_u64("-1", 100, &v));
	assert_false(str_to_u64("1x", 100, &v));
	assert_false(str_to_u64("", 100, &v));
	assert_false(str_to_u64("0x", 100, &v));
	assert_false(str_to_u64("101", 100, &v));
	assert_false(str_to_u64("18446744073709551616", UINT64_MAX, &v));
	assert_int_equal(v, 7);
}

/* ---- str_line ---- */

static void
test_line_ends_at_lf_or_crlf_whatever_its_length(void **state)
{
	const char *text = "abc\r\nabcd\r\nab\r\rc\n\nx\r", *p = text;
	const char *want[] = { "abc", "abcd", "ab\r\rc", "", "x" };
	char *big;
	size_t i, n;

	(void)state;
	for (i = 0; i < 5; i++) {
		const char *next = str_line(p, &n);

		assert_non_null(next);
		assert_int_equal(n, strlen(want[i]));
		assert_memory_equal(p, want[i], n);
		p = next;
	}
	assert_null(str_line(p, &n));
	/* a line of 1 MiB is one line */
	big = malloc((1 << 20) + 3);
	memset(big, 'x', 1 << 20);
	strcpy(big + (1 << 20), "\ny");
	p = str_line(big, &n);
	assert_int_equal(n, 1 << 20);
	assert_string_equal(p, "y");
	free(big);
}

/* ---- list ---- */

static void
test_list_sets_numbers_and_inclusive_ranges(void **state)
{
	uint8_t map[4] = { 0 };
	char err[LIST_ERR_MAX];
	unsigned n, want[] = { 3, 5, 6, 7, 31 };
	unsigned i = 0;

	(void)state;
	assert_true(list_parse("3,5-7,31", 32, map, err));
	for (n = 0; n < 32; n++) {
		int in = i < 5 && want[i] == n;

		assert_int_equal(list_has(map, n), in);
		i += in;
	}
}

static void
test_list_rejects_bad_items_and_leaves_map_untouched(void **state)
{
	const char *bad[] = { "", "3,", ",3", "7-5", "32", "1-32", "a",
			      "-1", "3;4", "1--2",
			      "00000000000000000000000000000001" };
	char err[LIST_ERR_MAX];
	uint8_t map[4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(map, 0, sizeof map);
		err[0] = 0;
		assert_false(list_parse(bad[i], 32, map, err));
		assert_true(err[0] != 0);
		assert_memory_equal(map, "\0\0\0\0", 4);
	}
	list_parse("7-5", 32, map, err);
	assert_string_equal(err, "range 7-5 runs backwards");
	list_parse("32", 32, map, err);
	assert_string_equal(err, "32 is out of range (0-31)");
}

/* ---- options ---- */

static char msgs[8][400];
static int nmsg;

static void
collect(void *arg, const char *msg)
{
	(void)arg;
	if (nmsg < 8)
		strncpy(msgs[nmsg++], msg, sizeof msgs[0] - 1);
}

static int
parse(struct options *o, const char *line, int has_program)
{
	nmsg = 0;
	memset(msgs, 0, sizeof msgs);
	opt_defaults(o);
	return opt_parse(o, line, has_program, collect, NULL);
}

static void
test_options_defaults(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "", 0), 0);
	assert_int_equal(o.hold, 0);
	assert_int_equal(o.ap_timeout_ms, 2000);
	assert_false(o.trace || o.batch || o.help || o.no_mp);
}

static void
test_options_values_separate_or_with_equals(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "--hold 3 --ap-timeout-ms=250 --trace "
				   "--hold-mp '1,4-5' --batch", 0), 0);
	assert_int_equal(o.hold, 3);
	assert_int_equal(o.ap_timeout_ms, 250);
	assert_true(o.trace && o.batch);
	assert_true(list_has(o.hold_mp, 1) && list_has(o.hold_mp, 4) &&
		    list_has(o.hold_mp, 5));
	assert_false(list_has(o.hold_mp, 2));
}

static void
test_options_later_list_replaces_earlier(void **state)
{
	struct options o;

	(void)state;
	/* as the config file's --hold-mp, then the load options' */
	assert_int_equal(parse(&o, "--hold-mp 1,3", 0), 0);
	assert_int_equal(opt_parse(&o, "--hold-mp 2 --hold-mp 5-6", 0,
				   collect, NULL), 0);
	assert_false(list_has(o.hold_mp, 1) || list_has(o.hold_mp, 2) ||
		     list_has(o.hold_mp, 3));
	assert_true(list_has(o.hold_mp, 5) && list_has(o.hold_mp, 6));
	/* a bad one leaves the earlier one */
	assert_int_equal(opt_parse(&o, "--hold-mp 7-1", 0, collect, NULL), 1);
	assert_true(list_has(o.hold_mp, 5) && list_has(o.hold_mp, 6));
	assert_false(list_has(o.hold_mp, 7));
}

static void
test_options_skip_program_name_only_when_asked(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "FS0:\\hotadd.efi --hold 1", 1), 0);
	assert_int_equal(o.hold, 1);
	assert_int_equal(parse(&o, "--hold 1", 1), 0);
	assert_int_equal(o.hold, 1);
	assert_int_equal(parse(&o, "hold 1", 0), 1);	/* its value goes with it */
	assert_string_equal(msgs[0], "unknown option 'hold'");
}

static void
test_options_bad_ones_are_named_and_rest_still_apply(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "--frob --hold x --trace=1 --hold-mp "
				   "--hold 2 --ap-timeout-ms 600001", 0), 5);
	assert_string_equal(msgs[0], "unknown option '--frob'");
	assert_string_equal(msgs[1],
			    "--hold: 'x' is not a number from 0 to 1024");
	assert_string_equal(msgs[2], "--trace takes no value");
	assert_string_equal(msgs[3], "--hold-mp needs a value (LIST)");
	assert_string_equal(msgs[4], "--ap-timeout-ms: '600001' is not a "
				     "number from 0 to 600000");
	assert_int_equal(o.hold, 2);
	assert_int_equal(o.ap_timeout_ms, 2000);
	assert_false(o.trace);
}

static void
test_options_missing_value_at_end_and_unclosed_quote(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "--hold", 0), 1);
	assert_string_equal(msgs[0], "--hold needs a value (N)");
	assert_int_equal(parse(&o, "--trace --hold-mp '1,2", 0), 1);
	assert_string_equal(msgs[0], "--hold-mp: unclosed quote");
	assert_true(o.trace);
}

static void
test_options_negative_value_is_one_error(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "--hold -1 --trace", 0), 1);
	assert_string_equal(msgs[0],
			    "--hold: '-1' is not a number from 0 to 1024");
	assert_true(o.trace);
	assert_int_equal(parse(&o, "--hold --trace", 0), 1);
	assert_string_equal(msgs[0], "--hold needs a value (N)");
	assert_true(o.trace);
}

/* One of a fixed set of words; a prefix or a longer word is not one. */
static void
test_options_choice_takes_one_of_its_words(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse(&o, "", 0), 0);
	assert_int_equal(o.plugged, PLUGGED_AUTO);
	assert_int_equal(parse(&o, "--plugged hold", 0), 0);
	assert_int_equal(o.plugged, PLUGGED_HOLD);
	assert_int_equal(opt_parse(&o, "--plugged=auto", 0, collect, NULL), 0);
	assert_int_equal(o.plugged, PLUGGED_AUTO);
	assert_int_equal(parse(&o, "--plugged ho --plugged holder "
				   "--plugged '' --plugged=auto|hold", 0), 4);
	assert_string_equal(msgs[0], "--plugged: expected auto|hold, not 'ho'");
	assert_string_equal(msgs[1],
			    "--plugged: expected auto|hold, not 'holder'");
	assert_string_equal(msgs[2], "--plugged: expected auto|hold, not ''");
	assert_int_equal(o.plugged, PLUGGED_AUTO);
	assert_int_equal(parse(&o, "--plugged hold --plugged x", 0), 1);
	assert_int_equal(o.plugged, PLUGGED_HOLD);	/* the bad one: kept */
}

/* --run of 100 000 characters beside other options: all of them hold. */
static void
test_options_long_run_value_keeps_the_others(void **state)
{
	size_t n = 100000;
	char *line = malloc(n + 64);
	struct options o;
	int len;

	(void)state;
	len = sprintf(line, "--hold 2 --run 'echo ");
	memset(line + len, 'x', n);
	strcpy(line + len + n, "; add next' --trace --batch");
	assert_int_equal(parse(&o, line, 0), 0);
	assert_int_equal(o.hold, 2);
	assert_true(o.trace && o.batch);
	assert_int_equal(strlen(o.run), 5 + n + 10);
	assert_string_equal(o.run + 5 + n, "; add next");
	/* a later --run replaces it */
	assert_int_equal(opt_parse(&o, "--run 'echo b'", 0, collect, NULL), 0);
	assert_string_equal(o.run, "echo b");
	opt_free(&o);
	free(line);
}

/* An unknown option of 600 characters is one error; the rest hold. */
static void
test_options_long_bad_word_is_one_short_error(void **state)
{
	char line[700];
	struct options o;

	(void)state;
	strcpy(line, "--hold 1 --");
	memset(line + 11, 'q', 600);
	strcpy(line + 611, " --trace");
	assert_int_equal(parse(&o, line, 0), 1);
	assert_true(strlen(msgs[0]) < OPT_MSG_MAX);
	assert_memory_equal(msgs[0], "unknown option '--qqq", 21);
	assert_int_equal(o.hold, 1);
	assert_true(o.trace);
}

static char usage[4096];

static void
append(void *arg, const char *line)
{
	(void)arg;
	strncat(usage, line, sizeof usage - strlen(usage) - 1);
}

static void
test_usage_lists_every_option(void **state)
{
	const char *names[] = { "--hold N", "--hold-mp LIST",
				"--ap-timeout-ms MS", "--trace", "--batch",
				"--no-mp", "--plugged auto|hold", "--help" };
	size_t i;

	(void)state;
	usage[0] = 0;
	opt_usage(append, NULL);
	assert_non_null(strstr(usage, "usage: hotadd"));
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(strstr(usage, names[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tok_splits_on_blanks_and_keeps_quoted_words),
		cmocka_unit_test(test_tok_rejects_unclosed_quote),
		cmocka_unit_test(test_tok_takes_words_of_any_length),
		cmocka_unit_test(test_number_accepts_decimal_and_hex_within_max),
		cmocka_unit_test(test_number_rejects_sign_junk_empty_and_overflow),
		cmocka_unit_test(test_line_ends_at_lf_or_crlf_whatever_its_length),
		cmocka_unit_test(test_list_sets_numbers_and_inclusive_ranges),
		cmocka_unit_test(test_list_rejects_bad_items_and_leaves_map_untouched),
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_values_separate_or_with_equals),
		cmocka_unit_test(test_options_later_list_replaces_earlier),
		cmocka_unit_test(test_options_skip_program_name_only_when_asked),
		cmocka_unit_test(test_options_bad_ones_are_named_and_rest_still_apply),
		cmocka_unit_test(test_options_missing_value_at_end_and_unclosed_quote),
		cmocka_unit_test(test_options_negative_value_is_one_error),
		cmocka_unit_test(test_options_choice_takes_one_of_its_words),
		cmocka_unit_test(test_options_long_run_value_keeps_the_others),
		cmocka_unit_test(test_options_long_bad_word_is_one_short_error),
		cmocka_unit_test(test_usage_lists_every_option),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
