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

/* Start the core: max processors, the active ones numbered. */
int hal_init(const struct options *o, uint32_t active, uint32_t max);

/* Hot-add held processor c (KeStartDynamicProcessor); 1 if added. */
struct cpu;
int hal_add(struct cpu *c);

/* The BSP's turn of work while it waits; call it often. */
void hal_bsp_idle(void);

/* When the last backend start began and ended (TSC), for `bench`. */
extern uint64_t hal_start_tsc[2];

/* On a processor being hot-added, before it says online. */
void hal_ap_init(uint32_t index);
/* On every active processor, each turn of its idle loop. */
void hal_ap_idle(void);

/* Boot-services pool, BSP only (NULL on an AP or when exhausted). */
void *pool_alloc(size_t bytes);
void pool_free(void *p);

/* ipi.c: run fn(ctx) on processors 0..count-1 at once (KeIpiGenericCall). */
uintptr_t ipi_broadcast(uint32_t count, uintptr_t (*fn)(uintptr_t),
			uintptr_t ctx);
void ipi_poll(struct cpu *c);	/* on an AP: run a posted broadcast */
uint64_t ipi_seq(void);		/* the latest broadcast, for a new AP */

#endif
