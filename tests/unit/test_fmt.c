/*
 * test_fmt.c: the formatter's two dialects (ke/fmt.c). ke_vsnprintf is
 * the C library's, as the console and the verifier use it (LP64: %lu
 * is 64-bit); ke_vsnprintf_nt is the Windows kernel's, as DbgPrint uses
 * it (LLP64: %lu is a ULONG; I64, I, w, Z, S and C as the Microsoft C
 * runtime has them).
 */
#include <string.h>

#include "harness.h"

static void expect_with(int (*f)(char *, size_t, const char *, va_list),
			const char *want, const char *fmt, va_list ap)
{
	char buf[128];
	int n;

	n = f(buf, sizeof(buf), fmt, ap);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void expect_c(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_with(ke_vsnprintf, want, fmt, ap);
	va_end(ap);
}

static void expect_nt(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_with(ke_vsnprintf_nt, want, fmt, ap);
	va_end(ap);
}

static void test_c_dialect_matches_printf(void **state)
{
	char small[4];

	(void)state;
	expect_c("42 -42 2a 2A", "%d %i %x %X", 42, -42, 42, 42);
	expect_c("0000beef|  7|7  |-07", "%08x|%3u|%-3u|%03d", 0xbeef, 7,
		 7, -7);
	expect_c("18446744073709551615 ffffffffffffffff -9",
		 "%llu %lx %ld", ~0ULL, ~0UL, -9L);
	expect_c("5 c (null) 100%", "%zu %c %s 100%%", (size_t)5, 'c',
		 (char *)NULL);
	expect_c("00000000000000ff", "%p", (void *)0xff);
	/* The flags, sizes and precision the two dialects share. */
	expect_c("9029 255 0xbeef abc 00042", "%hu %hhu %#x %.3s %.5d",
		 (unsigned short)0x2345, (unsigned char)0xff, 0xbeef,
		 "abcdef", 42);
	assert_int_equal(ke_snprintf(small, sizeof(small), "%s", "abcdef"), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(ke_snprintf(NULL, 0, "%d", 12345), 5);
}

/* l is 32-bit, ll and I64 64-bit, I32 32-bit, I and z pointer-sized. */
static void test_nt_sizes_are_llp64(void **state)
{
	(void)state;
	expect_nt("4000000000 deadbeef -9 7", "%lu %lx %ld %u",
		  (ULONG)4000000000u, (ULONG)0xdeadbeef, (LONG)-9, 7u);
	expect_nt("123456789abcdef -5 18446744073709551615 4000000000 -2",
		  "%I64x %I64d %llu %I32u %I32d", 0x123456789abcdefULL,
		  (LONG64)-5, ~0ULL, (ULONG)4000000000u, (LONG)-2);
	expect_nt("18446744073709551615 ffff00000000 3 -1",
		  "%Iu %Ix %zu %Id", (SIZE_T)~0ULL, (ULONG_PTR)0xffff00000000,
		  (SIZE_T)3, (LONG_PTR)-1);
	expect_nt("9029 255 -1 -128 abcd", "%hu %hhu %hd %hhd %hx", 0x12345,
		  0x1ff, 0xffff, 0x80, 0xabcd);
	/* %lu reads 32 bits: of a 64-bit argument, the low half, as on x64
	 * Windows, where every argument has an 8-byte slot. (Type-wise a
	 * mismatch, but the one that tells 32 from 64 bits for sure.) */
	expect_nt("2 3", "%lu %lu", 0x100000002ULL, 3u);
	/* Every argument after one of each still lands where it should. */
	expect_nt("1 2 3 4 5 end", "%lu %I64u %Iu %hu %hhu %s", (ULONG)1,
		  (ULONG64)2, (SIZE_T)3, (USHORT)4, (UCHAR)5, "end");
}

static void test_nt_flags_width_and_precision(void **state)
{
	(void)state;
	expect_nt("0xbeef 0XBEEF 010 0 10", "%#x %#X %#o %#x %o", 0xbeef,
		  0xbeef, 8, 0, 8);
	expect_nt("+5  5 -5  0|5", "%+d % d %+d % i|%+u", 5, 5, -5, 0, 5);
	expect_nt("abc|00042|     007|0a    |||   03|4    |-0042|-0000042",
		  "%.3s|%.5d|%8.3d|%-6.2x|%.0d|%.0u|%05.2d|%-05d|%.4d|%08d",
		  "abcdef", 42, 7, 10, 0, 0, 3, 4, -42, -42);
	/* '*' takes the width or the precision from the arguments; a
	 * negative width is '-', a negative precision none. */
	expect_nt("   42|1   |xy|   009|1   |7",
		  "%*d|%-*d|%.*s|%*.*u|%*d|%.*d", 5, 42, 4, 1, 2, "xyz", 6, 3,
		  9, -4, 1, -1, 7);
	expect_nt("0000000000ABCDEF|    0000000000ABCDEF", "%p|%20p",
		  (PVOID)0xabcdef, (PVOID)0xabcdef);
	expect_nt("q 100%", "%q 100%%");
	/* '#' with octal: a leading 0, even for 0 at precision 0 (C11
	 * 7.21.6.1); %n prints and writes nothing, and takes its pointer off
	 * the list. */
	expect_nt("0|    0|017", "%#.0o|%#5.0o|%#o", 0, 0, 15);
	{
		int untouched = 7;

		expect_nt("5 7", "%n%d %d", &untouched, 5, untouched);
		assert_int_equal(untouched, 7);
	}
}

static void test_nt_wide_characters_and_strings(void **state)
{
	static const WCHAR other[] = { 0xe9, 't', 0x4e2d, 0 };

	(void)state;
	expect_nt("abcde|?", "%c%C%wc%lc%hC|%C", 'a', L'b', L'c', L'd', 'e',
		  0xe9);
	expect_nt("n|w1|w2|w3|n2|n3|ab|   ab|cd   |?t?",
		  "%s|%S|%ws|%ls|%hS|%hs|%.2ws|%5S|%-5ws|%ws", "n", L"w1",
		  L"w2", L"w3", "n2", "n3", L"abc", L"ab", L"cd", other);
	expect_nt("(null)|(null)|(null)", "%ws|%S|%s", (PCWSTR)NULL,
		  (PCWSTR)NULL, (PCSTR)NULL);
}

/* %wZ and %Z print Length, not up to a terminator. */
static void test_nt_counted_strings(void **state)
{
	WCHAR wide[] = L"abcdef";
	CHAR narrow[] = "abcdef";
	UNICODE_STRING u = { 3 * sizeof(WCHAR), sizeof(wide), wide };
	UNICODE_STRING none = { 0, 0, NULL };
	ANSI_STRING a = { 4, sizeof(narrow), narrow };
	UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Driver\\x");
	ANSI_STRING lit = RTL_CONSTANT_STRING("lit");

	(void)state;
	expect_nt("abc|       abc|abc  |ab", "%wZ|%10wZ|%-5wZ|%.2wZ", &u, &u,
		  &u, &u);
	expect_nt("abcd|\\Driver\\x|lit", "%Z|%wZ|%Z", &a, &path, &lit);
	expect_nt("(null)|(null)|(null)", "%wZ|%Z|%wZ", (PUNICODE_STRING)NULL,
		  (PANSI_STRING)NULL, &none);
	RtlInitAnsiString(&a, "init");
	assert_int_equal(a.Length, 4);
	assert_int_equal(a.MaximumLength, 5);
	expect_nt("init", "%Z", &a);
}

static int nt_into(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ke_vsnprintf_nt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Cut to the buffer, terminated; the length of the whole is returned. */
static void test_nt_truncates_and_counts(void **state)
{
	WCHAR wide[] = L"abcdef";
	UNICODE_STRING u = { 6 * sizeof(WCHAR), sizeof(wide), wide };
	char small[5];

	(void)state;
	assert_int_equal(nt_into(small, sizeof(small), "%wZ!", &u), 7);
	assert_string_equal(small, "abcd");
	assert_int_equal(nt_into(small, sizeof(small), "%I64u", 123456789ULL),
			 9);
	assert_string_equal(small, "1234");
	assert_int_equal(nt_into(NULL, 0, "%ws", L"xyz"), 3);
	/* Widths and precisions are cut at 4096, however they are given. */
	assert_int_equal(nt_into(NULL, 0, "%99999999999d|%*d|%.*d", 1,
				 -0x7fffffff - 1, 2, 0x7fffffff, 3),
			 3 * 4096 + 2);
}

/* DbgPrint, DbgPrintEx and vDbgPrintEx format as the Windows kernel. */
static ULONG vprint(PCSTR Format, ...)
{
	va_list ap;
	ULONG st;

	va_start(ap, Format);
	st = vDbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, Format, ap);
	va_end(ap);
	return st;
}

static void test_dbgprint_uses_the_kernel_dialect(void **state)
{
	UNICODE_STRING u = RTL_CONSTANT_STRING(L"name");

	(void)state;
	DbgPrint("%lu|%I64x|%wZ|%Iu", (ULONG)7, 0x123456789ULL, &u, (SIZE_T)9);
	DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "%ld %hu\n",
		   (LONG)-3, (USHORT)65535);
	vprint("%ws %p", L"w", (PVOID)0xab);
	assert_int_equal(count_events('d'), 3);
	assert_string_equal(nth_event('d', 0)->text, "7|123456789|name|9");
	assert_string_equal(nth_event('d', 1)->text, "-3 65535");
	assert_string_equal(nth_event('d', 2)->text, "w 00000000000000AB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_dialect_matches_printf),
		cmocka_unit_test(test_nt_sizes_are_llp64),
		cmocka_unit_test(test_nt_flags_width_and_precision),
		cmocka_unit_test(test_nt_wide_characters_and_strings),
		cmocka_unit_test(test_nt_counted_strings),
		cmocka_unit_test(test_nt_truncates_and_counts),
		cmocka_unit_test_setup_teardown(
			test_dbgprint_uses_the_kernel_dialect, setup_small,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
