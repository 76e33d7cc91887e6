/*
 * cfg.h: files on the volume the simulator was loaded from. Booting
 * \EFI\BOOT\BOOTX64.EFI from removable media passes no load options, so a
 * USB stick keeps its options in \EFI\hotadd\hotadd.cfg.
 */
#ifndef EFI_CFG_H
#define EFI_CFG_H

#include <stddef.h>
#include <stdint.h>

#define CFG_PATH "\\EFI\\hotadd\\hotadd.cfg"
#define LOG_PATH "\\EFI\\hotadd\\hotadd.log"
#define CFG_MAX (16u << 20)	/* bytes read from a text file at most */
#define PATH_MAX 256		/* characters of a path, terminator included */

/*
 * Read a text file of the boot volume into pool memory, NUL-terminated,
 * or return NULL (and say why, unless it simply does not exist).
 */
char *cfg_read(const char *path);

/* Replace a file of the boot volume with data; 0 or an EFI status. */
uint64_t cfg_write(const char *path, const char *data, size_t len);

/*
 * The image's load options as ASCII in pool memory, or NULL when there
 * are none or they are not text (firmware may pass binary data there).
 */
char *cfg_load_options(void);

#endif
