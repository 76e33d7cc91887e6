/*
 * drvtab.h: the drivers built into the image, built-in (drivers/) and
 * user ones (make DRIVERS=...). tools/drvtab generates the table.
 */
#ifndef EFI_DRVTAB_H
#define EFI_DRVTAB_H

#include <wdm.h>

struct drvtab_entry {
	const char *name;		/* the source file's base name */
	PDRIVER_INITIALIZE entry;	/* its DriverEntry */
};

extern const struct drvtab_entry drvtab[];	/* ends with { 0, 0 } */

#endif
