/*
 * input.c: the interactive prompt: a line from the firmware's ConIn (the
 * keyboard, or the serial port in QEMU) with basic editing. While it waits
 * for a key, the BSP does its share of the workloads like any processor
 * and looks for processors plugged in.
 */
#include "uefi.h"
#include "con.h"
#include "hal.h"

/* What the prompt line shows stays open: text printed meanwhile (a
 * processor plugged in, a line from an AP) goes on a line of its own,
 * and the prompt and what was typed are shown again after it. */
static void
echo(const char *s)
{
	con_open_line = 0;
	con_write(s);
	con_open_line = 1;
}

/* Backspace or DEL erase, Ctrl-U clears the line, Enter ends it. */
int
con_readline(const char *prompt, char *buf, size_t n)
{
	SIMPLE_INPUT_INTERFACE *in = ST->ConIn;
	EFI_INPUT_KEY key;
	size_t len = 0;
	char c[2] = { 0, 0 };

	if (in == NULL)
		return -1;
	echo(prompt);
	for (;;) {
		if (uefi_call_wrapper(in->ReadKeyStroke, 2, in, &key) !=
		    EFI_SUCCESS) {
			hal_bsp_idle();
			if (!con_open_line) {
				buf[len] = 0;
				echo(prompt);
				echo(buf);
			}
			uefi_call_wrapper(BS->Stall, 1, 1000);
			continue;
		}
		if (key.UnicodeChar == '\r' || key.UnicodeChar == '\n')
			break;
		/* A terminal's DEL arrives as the Delete key. */
		if ((key.UnicodeChar == 8 || key.UnicodeChar == 127 ||
		     key.ScanCode == SCAN_DELETE) && len) {
			len--;
			echo("\b \b");
		} else if (key.UnicodeChar == 21) {
			for (; len; len--)
				echo("\b \b");
		} else if (key.UnicodeChar >= 0x20 && key.UnicodeChar < 0x7f &&
			   len + 1 < n) {
			c[0] = (char)key.UnicodeChar;
			buf[len++] = c[0];
			echo(c);
		}
	}
	buf[len] = 0;
	echo("\n");
	con_open_line = 0;
	return (int)len;
}
