/*
 * hal.h: where the firmware side of the simulator meets the notification
 * core. hal.c implements the core's backend (struct ke_backend) over MP
 * Services and is the one file that sees both; it includes <wdm.h>, so
 * nothing here may use UEFI types.
 */
#ifndef EFI_HAL_H
#define EFI_HAL_H

#include <stddef.h>
#include <stdint.h>

struct options;

/* Start the core: every processor placed in a group, the active ones
 * numbered. */
int hal_init(const struct options *o);
/* Where ke_init placed MP processor mp (held ones too); 0 if nowhere. */
int hal_number(uint32_t mp, uint16_t *group, uint8_t *number);

/* Hot-add held processor c (KeStartDynamicProcessor); 1 if added. */
struct cpu;
int hal_add(struct cpu *c);

/* The BSP's turn of work while it waits; call it often. */
void hal_bsp_idle(void);

/* When the last backend start began and ended (TSC), for `bench`. */
extern uint64_t hal_start_tsc[2];

/* Wake AP c now, not at its next tick (its `stats` count wakes). */
void hal_wake(struct cpu *c);

/* On a processor being hot-added, before it says online. */
void hal_ap_init(uint32_t index);
/* On every active processor, each turn of its idle loop, and on the BSP
 * while it waits. */
void hal_ap_idle(void);

/* affinity.c: the thread goes on on the processor with NT index i (0
 * if it cannot); each turn of a processor's loop, affinity_poll runs the
 * thread if it was handed to c (1 if it ran). */
int affinity_move(uint32_t index);
int affinity_poll(struct cpu *c);
void affinity_park(struct cpu *c);	/* stop.c: before parking c */
void *affinity_alloc(size_t bytes);	/* uefi.c: pool for the moved thread */

/* Boot-services pool, BSP only (NULL on an AP or when exhausted). */
void *pool_alloc(size_t bytes);
void pool_free(void *p);

/* ipi.c: the mailbox of KeIpiGenericCall's rendezvous (ke/ipi.c):
 * processors 0..count-1 but `from` each call entry(arg) once. */
void ipi_post(uint32_t count, uint32_t from, void (*entry)(uintptr_t),
	      uintptr_t arg);
struct cpu;
void ipi_poll(struct cpu *c);	/* on an AP: take a posted call */
uint64_t ipi_seq(void);		/* the latest post, for a new AP */

/*
 * stop.c: a bugcheck stops the machine. stop_machine records the stop
 * code, its parameters, the driver and the processor; on the BSP it
 * reports them and unwinds to stop_jump (main.c), on an AP it parks the
 * processor and the BSP reports at its next wait (stop_poll). Callable
 * from any processor, a fault handler too. The first stop wins.
 */
void stop_machine(const char *driver, uint32_t code, const uintptr_t p[4])
	__attribute__((noreturn));
void stop_poll(void);
uint32_t stop_code(void);		/* 0 while the machine runs */
extern void *stop_jump[5];		/* __builtin_setjmp buffer */

#endif
