/*
 * stubs.h: what the fuzz targets put in place of the firmware under
 * efi/shell/cmd.c: the console, the clock and the commands that drive
 * processors and drivers. The command stubs check their arguments and
 * log each call; the console stubs check that every error is one line and
 * log it too. A target can then compare the log with what it expected.
 */
#ifndef FUZZ_STUBS_H
#define FUZZ_STUBS_H

#include <stddef.h>
#include <stdint.h>

/* Events in order: 'C' a command ran (with its words), 'E' an error. */
struct log {
	uint8_t *buf;
	size_t len, cap;
};

void log_reset(struct log *l);
void log_error(struct log *l);
void log_call(struct log *l, int argc, char **argv);
int log_same(const struct log *a, const struct log *b);

extern struct log stub_log;		/* what cmd.c did */
extern uint64_t stub_stall_us;		/* mp_stall, summed */
extern uint64_t stub_idle;		/* hal_bsp_idle calls */
extern int stub_multiline;		/* the input may hold '\n' */

/* Forget everything the stubs saw, before each input. */
void stubs_reset(void);

/* Stop the run with a message: the fuzzer keeps the input that did it. */
void fuzz_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
#define CHECK(cond, ...) \
	do { if (!(cond)) fuzz_fail(__VA_ARGS__); } while (0)

/* A message is one line unless the input had line breaks to echo. */
void check_message(const char *who, const char *msg, size_t size);

#endif
