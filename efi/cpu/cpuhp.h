/*
 * cpuhp.h: QEMU's ACPI CPU hot-plug register block, the "modern"
 * interface of QEMU's docs/specs/acpi_cpu_hotplug.rst (QEMU 2.7 and up;
 * the APIC-id command since 5.0). Plain C over a small port-I/O
 * interface: the machine's ports on firmware (plug.c), a model of
 * QEMU's device in the host tests (tests/plug/).
 */
#ifndef EFI_CPUHP_H
#define EFI_CPUHP_H

#include <stdint.h>

#define CPUHP_ICH9_BASE	0x0cd8	/* q35's ICH9 LPC bridge */

struct cpuhp_io {
	uint32_t (*in)(void *ctx, uint16_t port, int width);	/* 1 or 4 */
	void (*out)(void *ctx, uint16_t port, int width, uint32_t v);
	void *ctx;
};

struct cpuhp {
	struct cpuhp_io io;
	uint16_t base;
	uint32_t slots;		/* possible processors: selectors 0..slots-1 */
	uint32_t present;	/* of them, present when probed */
};

/* What cpuhp_probe found. */
enum { CPUHP_FOUND, CPUHP_NO_BLOCK, CPUHP_LEGACY, CPUHP_BROKEN };

/*
 * Switch the block from the legacy to the modern interface and check it
 * answers as the modern interface does; count its slots. io and base must
 * be set. Returns one of the values above.
 */
int cpuhp_probe(struct cpuhp *h);
const char *cpuhp_why(int found);	/* a short word for each */

/* Slot sel's APIC id; returns 1 if a processor is present in it. */
int cpuhp_slot(struct cpuhp *h, uint32_t sel, uint32_t *apic);

/* A slot with an event pending: insert (a processor was plugged into
 * it), remove (its removal was requested), or both. */
struct cpuhp_event {
	uint32_t sel, apic;
	uint8_t insert, remove;
};

/* The lowest slot with an event pending; 0 if there is none. */
int cpuhp_next(struct cpuhp *h, struct cpuhp_event *e);

/* Clear one event of slot sel (CPUHP_INSERT or CPUHP_REMOVE). */
#define CPUHP_INSERT	0x2
#define CPUHP_REMOVE	0x4
void cpuhp_clear(struct cpuhp *h, uint32_t sel, uint8_t event);

/*
 * Report how the event of slot sel was processed, as _OST does (ACPI
 * 6.5, 6.3.5): QEMU keeps both values for query-acpi-ospm-status and
 * sends an ACPI_DEVICE_OST event.
 */
#define OST_DEVICE_CHECK	0x01	/* source: an insertion */
#define OST_EJECT_REQUEST	0x03	/* source: a removal request */
#define OST_SUCCESS		0x00
#define OST_FAILURE		0x01	/* non-specific failure */
#define OST_EJECT_NOT_SUPPORTED	0x80	/* for OST_EJECT_REQUEST */
void cpuhp_ost(struct cpuhp *h, uint32_t sel, uint32_t source,
	       uint32_t status);

#endif
