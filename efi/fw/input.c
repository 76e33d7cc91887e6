/*
 * input.c: the interactive prompt: keys from the firmware's ConIn (the
 * keyboard, or the serial port in QEMU) go to the line editor (edit.c);
 * this file only talks to the firmware. While it waits for a key, the
 * BSP does its share of the workloads like any processor and looks for
 * processors plugged in.
 */
#include "uefi.h"
#include "cmd.h"
#include "con.h"
#include "edit.h"
#include "hal.h"
#include "str.h"

/* Kept across lines (the history), in pool: in .bss its 36 KiB would
 * be file data of the image. */
static struct edit *ed;

/* What the prompt line shows stays open: text printed meanwhile (a
 * processor plugged in, a line from an AP) goes on a line of its own
 * (con.c), and the prompt and what was typed are shown again after it. */
static void
echo(const char *s)
{
	con_open_line = 0;
	con_write(s);
	con_open_line = 1;
}
static int terminal;		/* a serial terminal is among the ConIns */

/*
 * Whether some console input is a serial terminal: a handle with
 * SimpleTextIn whose device path has a UART node (EDK2's TerminalDxe
 * puts its consoles on a child of the serial port). That decides what
 * SCAN_DELETE means (keys.c): shift states cannot tell, as the firmware's
 * console splitter reports a valid one for a terminal's keys too.
 */
static int
serial_terminal(void)
{
	static EFI_GUID in = SIMPLE_TEXT_INPUT_PROTOCOL;
	static EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE *h;
	UINTN n, i;
	int found = 0;

	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
					&in, NULL, &n, &h)))
		return 1;
	for (i = 0; i < n && !found; i++) {
		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, h[i],
						&dp_guid, (VOID **)&dp)))
			continue;
		for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp))
			if (DevicePathType(dp) == MESSAGING_DEVICE_PATH &&
			    DevicePathSubType(dp) == MSG_UART_DP)
				found = 1;
	}
	uefi_free(h);
	return found;
}

int
con_readline(const char *prompt, char *buf, size_t n)
{
	SIMPLE_INPUT_INTERFACE *in = ST->ConIn;
	EFI_INPUT_KEY key;
	int r;

	if (in == NULL)
		return -1;
	if (ed == NULL) {
		if ((ed = uefi_alloc(sizeof *ed)) == NULL) {
			con_error("no memory for the prompt's line editor");
			return -1;
		}
		edit_init(ed, echo, cmd_complete);
		terminal = serial_terminal();
	}
	edit_start(ed, prompt);
	for (;;) {
		if (uefi_call_wrapper(in->ReadKeyStroke, 2, in, &key) !=
		    EFI_SUCCESS) {
			hal_bsp_idle();
			if (!con_open_line)
				edit_redisplay(ed);
			uefi_call_wrapper(BS->Stall, 1, 1000);
			continue;
		}
		r = edit_key(ed, edit_decode(ed, key.ScanCode,
					      key.UnicodeChar, !terminal));
		if (r == EDIT_CANCEL)
			edit_start(ed, prompt);
		if (r == EDIT_DONE)
			break;
	}
	con_open_line = 0;
	str_copy(buf, ed->line, n);
	return (int)str_len(buf);
}
