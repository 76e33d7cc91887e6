/*
 * cmd.h: the simulator's commands, the same whether typed at the prompt,
 * given with --run, read from a --script file or from the config file.
 */
#ifndef EFI_CMD_H
#define EFI_CMD_H

enum { CMD_OK, CMD_ERROR, CMD_SHUTDOWN };

#define CMD_ARGS 16		/* words in one command, at most */
#define CMD_SHOWN 200		/* characters of a command its @cmd shows */

/*
 * Run one line: commands separated by ';', each as long as it is (it is
 * copied to memory of its own, not to the stack). A bad command costs
 * itself alone, with one error line. Stops at `shutdown`.
 */
int cmd_line(const char *line);
/* Run every line of a script or of the config file ('#' starts a
 * comment line; skip_options: lines starting with '-' are options). */
int cmd_text(const char *text, int skip_options);

/* The name of command i, or NULL past the last. */
const char *cmd_name(unsigned i);
/* complete.c: what Tab offers at the prompt (an edit_complete_fn). */
struct edit;
void cmd_complete(struct edit *e, int argc, char **argv);

/* The commands themselves (cmdcpu.c, cmddrv.c). argv[0] is the name. */
int cmd_cpus(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_fault(int argc, char **argv);
int cmd_ipi(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_drivers(int argc, char **argv);
void cmd_driver_stats(void);
void cmd_unload_all(void);
int cmd_loaded(const char *prefix);
const char *cmd_loaded_name(unsigned i);	/* NULL: no instance i */
int cmd_bench(int argc, char **argv);	/* bench.c */

#endif
