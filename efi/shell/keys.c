/*
 * keys.c: the firmware's keys as the editor's (see edit.h).
 *
 * Checked with Debian 12's OVMF over QEMU's serial console (EDK2
 * TerminalDxe, PC-ANSI terminal type, TerminalConIn.c UnicodeToEfiKey):
 * ESC [ A/B/C/D arrive as SCAN_UP/DOWN/RIGHT/LEFT, ESC [ H and ESC [ F as
 * SCAN_HOME and SCAN_END; the DEL byte (0x7f) a terminal's Backspace key
 * sends arrives as SCAN_DELETE; sequences PC-ANSI does not know, such as
 * the Delete key's ESC [ 3 ~ or ESC [ 1 ~ and ESC O H for Home, arrive as
 * SCAN_ESC and then their characters one by one, and are decoded here.
 * A board's keyboard (USB or PS/2) sends SCAN_DELETE for Delete and the
 * character 8 for Backspace. The key itself cannot say which it was, so
 * SCAN_DELETE is Backspace while a serial terminal is attached (input.c
 * looks for one), and Delete on a machine with keyboards only.
 */
#include "edit.h"

/* UEFI spec, EFI_SIMPLE_TEXT_INPUT_PROTOCOL scan codes. */
enum {
	SCAN_UP = 1, SCAN_DOWN, SCAN_RIGHT, SCAN_LEFT, SCAN_HOME, SCAN_END,
	SCAN_DELETE = 8, SCAN_ESC = 0x17,
};

/* ESC [ <n> ~ (VT220 style): the editing keys among them. */
static int
tilde(unsigned n)
{
	switch (n) {
	case 1: case 7:
		return KEY_HOME;
	case 4: case 8:
		return KEY_END;
	case 3:
		return KEY_DELETE;
	}
	return KEY_NONE;
}

/* The character after ESC [ or ESC O: a key, or more to come. */
static int
sequence(struct edit *e, unsigned ch)
{
	if (e->esc == 1) {
		e->esc = ch == '[' || ch == 'O' ? 2 : 0;
		e->param = 0;
		return KEY_NONE;
	}
	if (ch >= '0' && ch <= '9' && e->param < 1000) {
		e->param = e->param * 10 + (ch - '0');
		return KEY_NONE;
	}
	e->esc = 0;
	switch (ch) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '~': return tilde(e->param);
	}
	return KEY_NONE;
}

int
edit_decode(struct edit *e, unsigned scan, unsigned ch, int keyboard)
{
	static const int scans[] = {
		[SCAN_UP] = KEY_UP, [SCAN_DOWN] = KEY_DOWN,
		[SCAN_RIGHT] = KEY_RIGHT, [SCAN_LEFT] = KEY_LEFT,
		[SCAN_HOME] = KEY_HOME, [SCAN_END] = KEY_END,
	};

	if (scan == SCAN_ESC || (scan == 0 && ch == 0x1b)) {
		e->esc = 1;
		return KEY_NONE;
	}
	if (e->esc == 1 && ch != '[' && ch != 'O')
		e->esc = 0;	/* a lone Escape: the key after it counts */
	if (scan == 0 && e->esc)
		return sequence(e, ch);
	e->esc = 0;
	if (scan == SCAN_DELETE)
		return keyboard ? KEY_DELETE : KEY_BACKSPACE;
	if (scan)
		return scan < sizeof scans / sizeof scans[0] ? scans[scan] :
							      KEY_NONE;
	switch (ch) {
	case '\r': case '\n': return KEY_ENTER;
	case 8: case 0x7f: return KEY_BACKSPACE;
	case '\t': return KEY_TAB;
	case 3: return KEY_CANCEL;
	case 21: return KEY_KILL;
	case 1: return KEY_HOME;	/* Ctrl-A */
	case 5: return KEY_END;		/* Ctrl-E */
	}
	return ch >= 0x20 && ch < 0x7f ? (int)ch : KEY_NONE;
}
