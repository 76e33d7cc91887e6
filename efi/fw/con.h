/*
 * con.h: console output on the BSP. Text goes to the firmware's ConOut,
 * which OVMF (and most boards with a serial console) mirror to the serial
 * port. Only the BSP may call these: UEFI services are not reentrant and
 * not callable from APs. No UEFI types here, so code on the <wdm.h> side
 * of the simulator can print too.
 */
#ifndef EFI_CON_H
#define EFI_CON_H

#include <stddef.h>
#include <stdint.h>

extern int con_tracing;		/* print the @ lines */
extern int con_explaining;	/* narrate each step of an add */
extern int con_quiet;		/* no human line per notification */
extern int con_muted;		/* print nothing at all (bench.c) */
extern int con_open_line;	/* a prompt waits on the last line: the next
				   text starts a new line (input.c) */

void con_init(void);
void con_write(const char *s);	/* on an AP: queued for the BSP */
void con_drain(void);		/* BSP: print what the APs queued */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * One machine-readable line, only when tracing: "@" is prepended and
 * " t=<us since clock_init>" appended (con_trace: now; con_trace_at: the
 * moment the TSC value tsc was read, for events an AP recorded).
 */
void con_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_trace_at(uint64_t tsc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A sentence of the narration, only with --explain. */
void con_explain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One error line, and "@error ..." when tracing. */
void con_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * One step of a long command (add all, check, bench), so a wait is never
 * silent: "<what>: <done> of <of> done", and @progress when tracing.
 */
void con_progress(const char *what, unsigned done, unsigned of);

/* log.c: the transcript of everything printed; con_save writes it to
 * \EFI\hotadd\hotadd.log and returns 1, or says why not and returns 0. */
void log_append(const char *s);
int con_save(void);

/* input.c: a line from the keyboard or serial console; -1 if none. */
#define CON_LINE_MAX 1024	/* characters typed on one line, at most */
int con_readline(const char *prompt, char *buf, size_t n);

#endif
